"""The campaign's steps over a Story that holds a Campaign; the Campaign pages and `python -m core
campaign` call these, and nothing else.

As in `core.studio`, every change is saved through `studio.commit` (on top of the revision it
started from, applied again when someone saved meanwhile), long steps are generators of progress
events that save after each finished piece, and access is the store's: a person works only on
campaigns of their spaces. The photo and its caption are the story's own (`studio.caption`
describes a campaign's photo as it does a story's).
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

from core import studio
from core.campaign.brand import LANGUAGE_LETTERS, BrandError, KitFile, default_kit, font_covers
from core.campaign.copy import (
    Copy,
    CopyBrief,
    asker,
    check_copy,
    fit_translation,
    model_variants,
    offline_variants,
)
from core.campaign.deck import Deck, Slide, render_deck
from core.campaign.exports import CopyRow, campaign_zip, copy_csv, for_client, picture_name
from core.campaign.layout import FORMAT_KEYS, format_of
from core.campaign.render import STYLES, Brand, Rendered, render
from core.campaign.scene import setting_for
from core.campaign.subject import cut_out
from core.campaign_document import (
    BRIEF_FIELDS,
    MAX_VARIANTS,
    Campaign,
    CampaignExport,
    CampaignPicture,
    CopyTranslation,
    CopyVariant,
)
from core.errors import InputError
from core.providers.base import Illustrator, ImageJob, Picture, Translator, Writer
from core.storage.publish import Publisher
from core.storage.store import Store
from core.story import Story
from core.studio import Event, Notice, Progress, commit, may_change, photo_image

DECK_NAME, ZIP_NAME, CSV_NAME = "deck.pdf", "campaign.zip", "copy.csv"
LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch",
    "pt": "Portuguese", "pl": "Polish", "ru": "Russian", "el": "Greek", "ja": "Japanese", "zh": "Chinese",
    "ar": "Arabic",
}  # fmt: skip


def campaign_of(story: Story) -> Campaign:
    if story.campaign is None:
        raise InputError("This is a story, not a campaign: start a campaign from a product photo.")
    return story.campaign


# --- start, brand, brief ---------------------------------------------------------------------


def start_campaign(store: Store, data: bytes, filename: str, kit: KitFile | None = None, source: str = "") -> Story:
    """A new campaign from a product photo, on `kit` (the bundled example kit by default)."""
    if kit is None:
        kit, source = default_kit(), "the example kit"
    story = studio.start_story(store, data, filename)
    for name, content in kit.files.items():
        store.put_image(story.id, content, name.rsplit(".", 1)[1])
    campaign = Campaign(name=f"{kit.kit.name} campaign", brand=kit.kit, brand_source=source)

    def change(s: Story) -> None:
        s.campaign = campaign

    commit(store, story, change, "campaign")
    return story


def set_brand(store: Store, story: Story, kit: KitFile, source: str) -> None:
    """Use another brand kit from now on (pictures made so far keep the old one until redrawn)."""
    campaign_of(story)
    for name, content in kit.files.items():
        store.put_image(story.id, content, name.rsplit(".", 1)[1])

    def change(s: Story) -> None:
        s.campaign.brand, s.campaign.brand_source = kit.kit, source

    commit(store, story, change, "brand")


def update_campaign(store: Store, story: Story, **values: object) -> None:
    """Change the brief (`product`, `audience`, `offer`, `channel`, `cta`, `language`), the name,
    the `style` or the `seed`; an unknown name or a bad value is an InputError naming it."""
    campaign_of(story)
    brief = {k: " ".join(str(v).split())[:200] for k, v in values.items() if k in BRIEF_FIELDS}
    other = {k: v for k, v in values.items() if k not in BRIEF_FIELDS}
    for key in other:
        if key not in ("name", "style", "seed"):
            raise InputError(f"brief: '{key}' is not a brief field ({', '.join(BRIEF_FIELDS)}).")
    if "style" in other and other["style"] not in STYLES:
        raise InputError(f"style: choose one of {', '.join(STYLES)}.")
    if "name" in other and not str(other["name"]).strip():
        raise InputError("name: give the campaign a name.")
    kit = story.campaign.brand
    if brief.get("language") and kit.font:
        letters = LANGUAGE_LETTERS.get(brief["language"].split("-")[0].lower(), "")
        missing = font_covers(store.image_path(story.id, kit.font), letters)
        if missing:
            raise BrandError(
                f"font: {kit.font_family or 'the brand font'} lacks letters the campaign's language "
                f"({brief['language']}) needs: {''.join(missing[:12])}."
            )

    def change(s: Story) -> None:
        c = s.campaign
        automatic = f"{c.brand.name} campaign"
        if brief.get("product") and c.name == automatic and other.get("name", automatic) == automatic:
            other["name"] = brief["product"]  # the automatic name says what the campaign is for
        if brief:
            c.brief = c.brief.model_copy(update=brief)
        for key, value in other.items():
            setattr(c, key, " ".join(str(value).split())[:80] if key == "name" else value)

    commit(store, story, change, "brief")


def copy_brief(story: Story, language: str | None = None) -> CopyBrief:
    c = campaign_of(story)
    b = c.brief
    return CopyBrief(
        product=b.product, audience=b.audience, offer=b.offer, channel=b.channel, cta=b.cta,
        caption=story.caption, language=language or b.language, tone=tuple(c.brand.tone),
        banned=tuple(c.brand.banned), brand=c.brand.name,
    )  # fmt: skip


# --- copy ------------------------------------------------------------------------------------


def write_copy(store: Store, story: Story, writer: Writer, count: int | None = None) -> Iterator[Event]:
    """Write the unlocked variants again (and new ones up to `count`); locked ones are kept."""
    campaign = campaign_of(story)
    count = (len(campaign.variants) or 3) if count is None else count
    if not 1 <= count <= MAX_VARIANTS:
        raise InputError(f"variants: choose between 1 and {MAX_VARIANTS}.")
    locked = [v for v in campaign.variants if v.locked]
    wanted = max(0, count - len(locked))
    if wanted == 0:
        yield Notice("Every variant is locked: unlock one to write it again.")
        return
    may_change(store, story, writer.engine)
    yield Progress(f"Writing {wanted} variant{'s' if wanted != 1 else ''}", 0, 1)
    brief = copy_brief(story)
    if writer.engine == "offline":
        generation = sum(1 for v in campaign.variants if v.author == "model")
        taken = {v.headline for v in locked} | {v.body for v in locked}
        written = offline_variants(brief, wanted, campaign.seed + 7919 * generation, taken)
    else:
        written = model_variants(asker(writer), brief, wanted, who=f"The {writer.engine} writer")
    fresh = [CopyVariant(headline=c.headline, body=c.body, cta=c.cta, engine=writer.engine) for c in written]

    def change(s: Story) -> None:
        kept = [v for v in s.campaign.variants if v.locked]
        s.campaign.variants = kept + fresh
        ids = {v.id for v in s.campaign.variants}
        s.campaign.pictures = [p for p in s.campaign.pictures if p.variant in ids]
        s.campaign.translations = [t for t in s.campaign.translations if t.variant in ids]

    commit(store, story, change, "copy", writer.engine)
    yield Progress("Copy written", 1, 1)


def edit_variant(store: Store, story: Story, variant_id: str, headline: str, body: str, cta: str) -> bool:
    """Keep the person's words for a variant (checked: limits, banned words). False: unchanged."""
    campaign = campaign_of(story)
    variant = campaign.variant(variant_id)
    if variant is None:
        raise InputError("That variant is gone; it may have been written again meanwhile.")
    copy = check_copy(Copy(headline, body, cta), campaign.brand.banned)
    if (copy.headline, copy.body, copy.cta) == (variant.headline, variant.body, variant.cta):
        return False

    def change(s: Story) -> None:
        v = s.campaign.variant(variant_id)
        if v is None:
            raise InputError("That variant is gone; it may have been written again meanwhile.")
        v.headline, v.body, v.cta, v.author, v.engine = copy.headline, copy.body, copy.cta, "person", ""
        s.campaign.translations = [t for t in s.campaign.translations if t.variant != variant_id]

    commit(store, story, change, "copy")
    return True


def lock_variant(store: Store, story: Story, variant_id: str, locked: bool = True) -> None:
    def change(s: Story) -> None:
        v = campaign_of(s).variant(variant_id)
        if v is not None:
            v.locked = locked

    commit(store, story, change, "copy")


def translate_copy(store: Store, story: Story, translator: Translator, language: str) -> Iterator[Event]:
    """Every variant in another language, each field within its limit."""
    campaign = campaign_of(story)
    if not campaign.variants:
        raise InputError("Write the copy first: there is nothing to translate.")
    may_change(store, story, translator.engine)
    yield Progress(f"Translating into {language}", 0, 1)
    texts = [t for v in campaign.variants for t in (v.headline, v.body, v.cta)]
    done = translator.translate(texts, language, source=campaign.brief.language)
    made = []
    for n, v in enumerate(campaign.variants):
        copy = fit_translation(Copy(*done[3 * n : 3 * n + 3]))
        made.append(CopyTranslation(variant=v.id, language=language, **vars(copy), engine=translator.engine))

    def change(s: Story) -> None:
        s.campaign.translations = [t for t in s.campaign.translations if t.language != language] + made

    commit(store, story, change, "translate", translator.engine)
    yield Progress("Translated", 1, 1)


def copy_for(campaign: Campaign, variant: CopyVariant, language: str | None = None) -> Copy:
    language = language or campaign.brief.language
    if language != campaign.brief.language:
        t = campaign.translation(variant.id, language)
        if t is None:
            raise InputError(f"Variant {campaign.letter(variant.id)} has no {language} translation yet.")
        return Copy(t.headline, t.body, t.cta)
    return Copy(variant.headline, variant.body, variant.cta)


# --- pictures --------------------------------------------------------------------------------


def brand_of(store: Store, story: Story) -> Brand:
    kit = campaign_of(story).brand
    logo = font = None
    if kit.logo:
        with Image.open(store.image_path(story.id, kit.logo)) as image:
            logo = image.convert("RGBA")
    if kit.font:
        font = store.image_path(story.id, kit.font)
    return Brand(kit, logo, font)


def _backdrop(store: Store, story: Story, illustrator: Illustrator, photo: Image.Image) -> Iterator[Event]:
    """A backdrop drawn by a model illustrator: the setting the caption or brief names, in the
    brand's colours, without the product (style `scene`; the product is pasted on it once)."""
    c = campaign_of(story)
    may_change(store, story, illustrator.engine, pictures=1)
    place = setting_for(story.caption)
    prompt = (
        f"an empty {'photo studio' if place == 'studio' else place} for a product photograph, an empty surface "
        f"in the foreground, softly lit, colours {c.brand.palette.primary} and {c.brand.palette.accent}, "
        "room for text, no product, no people, no words, no logos"
    )
    width, height = illustrator.size_for("landscape")
    # no photo: the backdrop is the place only, so the product (pasted on it) is shown once
    job = ImageJob(prompt=prompt, seed=c.seed, width=width, height=height, style="photo")
    yield Progress("Drawing the backdrop", 0, 1)
    for event in illustrator.generate([job]):
        if isinstance(event, Picture):
            name = store.put_image(story.id, _png(event.image), "png")

            def change(s: Story, name: str = name) -> None:
                s.campaign.backdrop = name

            commit(store, story, change, "backdrop", illustrator.engine)


def _png(image: Image.Image) -> bytes:
    """PNG bytes that keep a picture's transparency (`studio.put_picture` flattens to an RGB JPEG)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def make_pictures(
    store: Store,
    story: Story,
    *,
    formats: Sequence[str] = FORMAT_KEYS,
    variant_ids: Sequence[str] | None = None,
    language: str | None = None,
    illustrator: Illustrator | None = None,
) -> Iterator[Event]:
    """A picture per variant and format (in `language`, the brief's by default), saved one
    variant at a time."""
    campaign = campaign_of(story)
    if not campaign.variants:
        raise InputError("Write the copy first: the pictures carry it.")
    unknown = [f for f in formats if f not in FORMAT_KEYS]
    if unknown:
        raise InputError(f"format: '{unknown[0]}' is not one of {', '.join(FORMAT_KEYS)}.")
    may_change(store, story)
    variants = [v for v in campaign.variants if variant_ids is None or v.id in variant_ids]
    language = language or campaign.brief.language
    photo = photo_image(store, story)
    cutout = cut_out(photo).image
    backdrop = None
    setting = setting_for(story.caption)
    model = illustrator is not None and illustrator.engine != "offline"
    if campaign.style == "scene" and (model or illustrator is None):
        # a model draws the setting (once, kept for every language); on the offline engine the
        # setting is drawn around the product by `scene.py`
        if campaign.backdrop is None and model:
            yield from _backdrop(store, story, illustrator, photo)
        if story.campaign.backdrop:
            backdrop = studio.open_image(store, story.id, story.campaign.backdrop)
    brand = brand_of(store, story)
    total = len(variants) * len(formats)
    done = 0
    yield Progress(f"Laying out {total} pictures", 0, total)

    def draw(variant: CopyVariant, key: str) -> tuple[Rendered, bytes]:
        result = render(
            cutout, brand, copy_for(campaign, variant, language), format_of(key), campaign.style,
            language=language, photo=photo, backdrop=backdrop, seed=campaign.seed, setting=setting,
            look=campaign.variants.index(variant),
        )  # fmt: skip
        return result, _png(result.image)

    # Pillow and zlib release the GIL while they draw and compress: one picture per core at a time.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        for variant in variants:
            made = []
            futures = [(key, pool.submit(draw, variant, key)) for key in formats]
            for key, future in futures:
                result, data = future.result()
                made.append(
                    CampaignPicture(
                        variant=variant.id, format=key, language=language,
                        image=store.put_image(story.id, data, "png"), style=campaign.style,
                        subject_box=result.subject_box, text_boxes=[r.box for r in result.runs],
                        min_contrast=round(min(r.contrast for r in result.runs), 2), panel=result.panel,
                        engine="offline" if backdrop is None else "backdrop",
                    )
                )  # fmt: skip
                done += 1
                yield Progress(f"Variant {campaign.letter(variant.id)}, {format_of(key).label}", done, total)

            def change(s: Story, made: list[CampaignPicture] = made) -> None:
                keys = {(p.variant, p.format, p.language) for p in made}
                kept = [p for p in s.campaign.pictures if (p.variant, p.format, p.language) not in keys]
                s.campaign.pictures = kept + made

            commit(store, story, change, "pictures")


def missing_pictures(story: Story, language: str | None = None) -> list[tuple[str, str]]:
    c = campaign_of(story)
    return [(v.id, f) for v in c.variants for f in FORMAT_KEYS if c.picture(v.id, f, language) is None]


# --- exports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFiles:
    """What an export made: every file by its name in the ZIP, and the ZIP itself."""

    files: dict[str, bytes]
    zip: bytes
    pages: int


LOOKS = {
    "clean": "Clean: the product on a disc in the brand's colours",
    "bold": "Bold: the brand's colour full bleed",
    "photo": "Photo: the photo's own setting, softly blurred, behind the product",
    "scene": "Scene: the product in {place}",
}


def brief_lines(story: Story) -> list[tuple[str, str]]:
    """The brief as the deck's last page shows it to a client: the marketer's words, never the
    studio's (an engine's caption loses its sentences about the engine, `for_client`)."""
    c = campaign_of(story)
    b = c.brief
    language = b.language.split("-")[0].lower()
    place = setting_for(story.caption)
    look = LOOKS[c.style].format(place="a photo studio" if place == "studio" else f"the {place}")
    return [
        ("Product", b.product), ("Audience", b.audience), ("Offer", b.offer), ("Channel", b.channel),
        ("Call to action", b.cta), ("Language", LANGUAGE_NAMES.get(language, b.language)),
        ("Photo", for_client(story.caption)), ("Tone", ", ".join(c.brand.tone)),
        ("Banned words", f"{len(c.brand.banned)} in the brand kit; none is used" if c.brand.banned else ""),
        ("Mandatory line", c.brand.mandatory), ("Look", look),
    ]  # fmt: skip


def export_campaign(store: Store, story: Story, *, publisher: Publisher | None = None) -> Iterator[Event]:
    """The PNG set, deck, CSV and ZIP, kept beside the campaign (and published with a publisher:
    the deck's QR code then points at the published deck). Missing pictures are made first."""
    campaign = campaign_of(story)
    if not campaign.variants:
        raise InputError("Write the copy first: there is nothing to export.")
    may_change(store, story)
    if missing_pictures(story):
        yield from make_pictures(store, story)
        campaign = story.campaign
    languages = [campaign.brief.language] + sorted({t.language for t in campaign.translations})
    token = secrets.token_hex(16)
    url = publisher.url(token, DECK_NAME) if publisher else None
    yield Progress("Making the deck", 0, 3)
    files: dict[str, bytes] = {}
    rows, slides = [], []
    for variant in campaign.variants:
        letter = campaign.letter(variant.id)
        pictures = {}
        for language in languages:
            if language != campaign.brief.language and campaign.translation(variant.id, language) is None:
                continue
            names = []
            for key in FORMAT_KEYS:
                picture = campaign.picture(variant.id, key, language)
                if picture is None:
                    continue
                name = picture_name(letter, key, language, campaign.brief.language)
                files[name] = store.read_image(story.id, picture.image)
                names.append(name)
                if language == campaign.brief.language:
                    pictures[key] = store.image_path(story.id, picture.image)
            rows.append(CopyRow(letter, language, copy_for(campaign, variant, language), tuple(names)))
        slides.append(Slide(letter, copy_for(campaign, variant), pictures))
    brand = brand_of(store, story)
    deck = Deck(
        campaign=campaign.name, kit=campaign.brand, logo=brand.logo, font=brand.font, slides=slides,
        brief=brief_lines(story), language=campaign.brief.language, url=url,
        product=cut_out(photo_image(store, story)).image, product_name=campaign.brief.product,
    )  # fmt: skip
    deck_pdf, pages = render_deck(deck)
    yield Progress("Writing the CSV and the ZIP", 1, 3)
    files[DECK_NAME] = deck_pdf
    files[CSV_NAME] = copy_csv(rows, campaign.brand.mandatory)
    archive = campaign_zip(files)
    store.put_export(story.id, token, deck_pdf)
    store.put_export(story.id, token, archive, "zip")
    zip_url = None
    if publisher:
        publisher.publish(token, DECK_NAME, deck_pdf)
        publisher.publish(token, ZIP_NAME, archive)
        zip_url = publisher.url(token, ZIP_NAME)
    record = CampaignExport(
        token=token, deck_size=len(deck_pdf), zip_size=len(archive), files=list(files), url=url, zip_url=zip_url
    )

    def keep(s: Story) -> None:
        s.campaign.exports.append(record)

    commit(store, story, keep, "export")
    yield Progress(f"Deck of {pages} pages and {len(files)} files ready", 3, 3)


def latest_export(store: Store, story: Story) -> tuple[CampaignExport, bytes, bytes] | None:
    """The newest export's record, deck and ZIP bytes (None when there is none on disk)."""
    c = campaign_of(story)
    if not c.exports:
        return None
    record = c.exports[-1]
    try:
        deck, archive = store.export_path(story.id, record.token), store.export_path(story.id, record.token, "zip")
        return record, deck.read_bytes(), archive.read_bytes()
    except OSError:  # gone from the data folder (an object store answers FileNotFoundError too)
        return None
