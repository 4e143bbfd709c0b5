"""The campaign flow: a product photo, a brand kit and a brief become copy variants, pictures in
every social format, a deck to present, and the files an ad manager takes.

It is a second flow beside the story flow and shares its core: the photo loader, the vision
engine's caption, the writer, the illustrator, the store (a campaign is a Story whose `campaign`
holds the campaign document, so revisions, spaces, roles, sharing and the Library apply as they
are) and the publisher of the QR code.

    brand.py    the brand kit: palette, font, logo, tone, banned words, mandatory line; one file
    brands.py   brand kits stored per space, versioned
    colour.py   colours and WCAG contrast
    copy.py     copy variants: the offline grammar and the writer with a JSON schema
    facts.py    what the offline copy says: what the product is, its benefit for the audience, the
                caption's taste and quality words
    subject.py  the product cut out of its photo
    layout.py   formats, safe zones, text fitting, measured contrast
    render.py   one picture per variant and format, in the variant's layout and colourway
    scene.py    the setting the caption names, drawn for the scene look (the product stands on it)
    deck.py     the PDF deck
    exports.py  the PNG set, deck, CSV and ZIP
    model.py    the Campaign document
    steps.py    the steps the pages and the command line call
"""
