"""Campaigns a client could see (issue 20, part 6), read back from what the client gets: the copy,
the pixels of the pictures, the deck's text and images, the CSV.

- the copy says what the brief and the caption say (product, what it is, the benefit for this
  audience, the caption's taste words, the offer, the call to action) and nothing that speaks for
  another audience ("made to share ... Enjoy it together" for busy commuters) or fills ("From us,
  for you"); no two briefs share a headline;
- the scene style shows the product once, in the setting the caption names;
- variants differ in layout or colourway, not only in words;
- nothing the studio says about its engines reaches the deck, the pictures or the CSV, and the
  deck's cover shows the product and the campaign's name.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import numpy as np
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from core import studio
from core.campaign import steps
from core.campaign.brand import default_kit, load_logo
from core.campaign.copy import Copy as CopyText
from core.campaign.copy import CopyBrief, offline_variants
from core.campaign.layout import FORMATS, format_of
from core.campaign.render import Brand, render
from core.campaign.subject import cut_out
from core.offline.illustrator import OfflineIllustrator
from core.offline.vision import OfflineVision
from core.offline.writer import OfflineWriter
from core.storage.store import Store
from tests.conftest import SAMPLES

KIT = default_kit()
COFFEE = CopyBrief(
    product="Harbour Espresso Roast",
    audience="busy commuters",
    offer="Free grinder cleaning kit with every 1 kg bag",
    cta="Order today",
    caption="A red espresso cup on a saucer on an old wooden cafe counter, dark chocolate and cherry notes",
    tone=("warm", "premium"),
    brand="Harbour & Co.",
)
SOLO = re.compile(r"\b(share[sd]?|sharing|together|from us|for you|with friends|the whole family)\b", re.I)
ENGINE = re.compile(r"\b(engine|offline|recogni[sz]\w*|detect\w*|cannot tell|model)\b", re.I)


def test_the_copy_says_what_the_brief_and_caption_say():
    for seed in range(1, 6):
        variants = offline_variants(COFFEE, 3, seed)
        for v in variants:
            text = f"{v.headline} {v.body}"
            assert COFFEE.offer in v.body, v  # the offer, in every variant
            assert v.cta == "Order today"
            assert re.search(r"Harbour Espresso Roast|espresso|coffee|cup", text, re.I), v  # what it is
        everything = " ".join(f"{v.headline} {v.body}" for v in variants)
        assert "Harbour Espresso Roast" in everything
        assert "dark chocolate and cherry" in everything.lower()  # the caption the marketer typed
        assert re.search(r"train|commut", everything, re.I)  # the benefit for this audience


@pytest.mark.parametrize("audience", ["busy commuters", "students", "weekend trail runners", "remote workers"])
def test_nothing_speaks_for_another_audience_or_fills(audience):
    for tone in (("warm",), ("playful",), ("premium",), ("bold",), ()):
        for product, caption in (("Harbour Espresso Roast", COFFEE.caption), ("Trailblazer", "Blue running shoes")):
            brief = CopyBrief(product=product, audience=audience, offer="20% off", caption=caption, tone=tone)
            for seed in range(1, 8):
                for v in offline_variants(brief, 3, seed):
                    assert not SOLO.search(f"{v.headline} {v.body}"), (audience, v)


def test_no_two_briefs_share_a_headline():
    """One product for several audiences and offers (how campaigns are briefed), and several
    products: on the same seed, every headline belongs to one brief only."""
    briefs = [
        CopyBrief(product="Harbour Espresso Roast", audience=a, offer=o, caption=COFFEE.caption, tone=("warm",))
        for a, o in (("busy commuters", "Free grinder kit"), ("home baristas", "10% off"), ("students", "2 for 1"))
    ] + [
        CopyBrief(product="Trailblazer 2", audience="weekend trail runners", offer="20% off until Sunday",
                  caption="Blue running shoes, breathable mesh, cushioned sole"),
        CopyBrief(product="Trailblazer 2", audience="busy commuters", offer="Free returns",
                  caption="Blue running shoes on a station platform"),
        CopyBrief(product="Meadow Night Serum", audience="busy parents", offer="Free travel size"),
        CopyBrief(product="Quiet One headphones", audience="students", offer="Student price 89 euros"),
        CopyBrief(product="Harbour Market Tote", audience="gift shoppers", offer="Free gift wrapping"),
        CopyBrief(product="Easy Green Fern", audience="plant lovers", offer="Free pot"),
        CopyBrief(product="Harbour Breakfast Tea", audience="office teams", offer="A free mug"),
    ]  # fmt: skip
    for seed in (1, 2, 3):
        owners: dict[str, set[int]] = {}
        for n, brief in enumerate(briefs):
            for v in offline_variants(brief, 3, seed):
                owners.setdefault(v.headline, set()).add(n)
        shared = {h: b for h, b in owners.items() if len(b) > 1}
        assert shared == {}, (seed, shared)


def _photo(colour: tuple[int, int, int], shape: str) -> Image.Image:
    image = Image.new("RGB", (480, 480), (232, 232, 228))
    draw = ImageDraw.Draw(image)
    if shape == "disc":
        draw.ellipse((130, 130, 350, 350), fill=colour)
    else:
        draw.rectangle((170, 90, 310, 400), fill=colour)
    return image


def test_the_scene_shows_the_product_once_in_the_captions_setting():
    """Two different products rendered in the same scene: outside the product's own box (and its
    contact shadow) every pixel is the same, so nothing of the photo is drawn a second time."""
    from core.campaign.scene import setting_for

    brand = Brand(KIT.kit, load_logo(KIT.files[KIT.kit.logo])[1])
    copy = CopyText("A proper cup before the train", "Notes of dark chocolate and cherry.", "Order today")
    assert setting_for(COFFEE.caption) == "cafe"
    assert setting_for("A candle on the living room shelf") == "living room"
    assert setting_for("A bottle of serum") == "studio"
    fmt = format_of("1x1")
    results = []
    for colour, shape in (((180, 40, 30), "disc"), ((30, 90, 160), "tall")):
        photo = _photo(colour, shape)
        results.append(render(cut_out(photo).image, brand, copy, fmt, "scene", photo=photo, setting="cafe"))
    same = np.ones((fmt.height, fmt.width), bool)
    for result in results:
        x0, y0, x1, y1 = result.subject_box
        pad = round((x1 - x0) * 0.12)
        same[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad] = False
    a, b = (np.asarray(r.background).astype(int) for r in results)
    differ = (np.abs(a - b).max(axis=2) > 24) & same
    assert differ.mean() < 0.002, differ.mean()
    # the photo style blurs the photo's own setting, with the product painted out of it
    photos = [_photo((180, 40, 30), "disc"), _photo((30, 90, 160), "tall")]
    blurred = [render(cut_out(p).image, brand, copy, fmt, "photo", photo=p) for p in photos]
    same = np.ones((fmt.height, fmt.width), bool)
    for result in blurred:
        x0, y0, x1, y1 = result.subject_box
        pad = round((x1 - x0) * 0.12)
        same[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad] = False
    pa, pb = (np.asarray(r.background).astype(int) for r in blurred)
    assert ((np.abs(pa - pb).max(axis=2) > 24) & same).mean() < 0.002
    # the product stands on the counter: the scene behind is the cafe's, not another room's
    living = render(cut_out(_photo((180, 40, 30), "disc")).image, brand, copy, fmt, "scene", setting="living room")
    assert np.abs(np.asarray(living.background).astype(int) - a).mean() > 10


def test_the_offline_scene_never_asks_the_illustrator_to_draw_the_photo(store: Store):
    class Recording(OfflineIllustrator):
        jobs: list = []

        def generate(self, jobs):
            Recording.jobs.extend(jobs)
            yield from super().generate(jobs)

    story = steps.start_campaign(store, (SAMPLES / "coffee.jpg").read_bytes(), "coffee.jpg")
    steps.update_campaign(store, story, style="scene", product="Harbour Espresso Roast")
    studio.edit_caption(store, story, COFFEE.caption)
    list(steps.write_copy(store, story, OfflineWriter(), 1))
    list(steps.make_pictures(store, story, formats=["16x9"], illustrator=Recording(long_side=256)))
    assert all(job.photo is None for job in Recording.jobs)
    campaign = store.load(story.id).campaign
    assert campaign.backdrop is None and campaign.pictures[0].min_contrast >= 4.5


def test_variants_differ_in_layout_or_colourway(store: Store):
    story = steps.start_campaign(store, (SAMPLES / "coffee.jpg").read_bytes(), "coffee.jpg")
    steps.update_campaign(store, story, product="Harbour Espresso Roast", audience="busy commuters")
    list(steps.write_copy(store, story, OfflineWriter(), 3))
    list(steps.make_pictures(store, story))
    story = store.load(story.id)
    campaign = story.campaign
    for fmt in FORMATS:
        looks = []
        for variant in campaign.variants:
            picture = campaign.picture(variant.id, fmt.key)
            image = np.asarray(Image.open(store.image_path(story.id, picture.image)).convert("RGB"))
            x0, y0, x1, y1 = picture.subject_box
            corner = tuple(int(v) for v in np.median(image[:40, :40].reshape(-1, 3), axis=0))
            looks.append(((round((x0 + x1) / 2 / fmt.width, 1), round((y0 + y1) / 2 / fmt.height, 1)), corner))
        for i in range(len(looks)):
            for j in range(i + 1, len(looks)):
                layout_differs = looks[i][0] != looks[j][0]
                colour_differs = max(abs(p - q) for p, q in zip(looks[i][1], looks[j][1])) > 12
                assert layout_differs or colour_differs, (fmt.key, i, j, looks)


def test_nothing_a_client_sees_speaks_of_the_engine_and_the_cover_shows_the_product(store: Store):
    """No caption typed: the offline vision's caption says what it cannot see ("The offline engine
    recognises only faces ..."); that sentence is for the marketer on the Caption page, not for
    the client's deck, pictures or CSV."""
    story = steps.start_campaign(store, (SAMPLES / "coffee.jpg").read_bytes(), "coffee.jpg")
    steps.update_campaign(store, story, product="Harbour Espresso Roast", audience="busy commuters", offer="10% off")
    list(studio.caption(store, story, OfflineVision()))
    assert re.search(r"offline engine", store.load(story.id).caption)  # what the marketer was told
    list(steps.write_copy(store, story, OfflineWriter(), 2))
    list(steps.export_campaign(store, story))
    _, deck, archive = steps.latest_export(store, store.load(story.id))
    reader = PdfReader(io.BytesIO(deck))
    pages = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(pages, start=1):
        assert not ENGINE.search(text), (number, ENGINE.search(text).group(0), text)
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        rows = list(csv.reader(io.StringIO(files.read("copy.csv").decode("utf-8-sig"))))
    for row in rows:
        assert not ENGINE.search(" ".join(row)), row
    campaign = store.load(story.id).campaign
    on_pictures = [campaign.brand.mandatory, *(f"{v.headline} {v.body} {v.cta}" for v in campaign.variants)]
    assert not ENGINE.search(" ".join(on_pictures))  # the only words drawn on the pictures
    cover = reader.pages[0]
    # the Product & brief page sends the name field as it stands: an untouched automatic name follows the product
    other = steps.start_campaign(store, (SAMPLES / "coffee.jpg").read_bytes(), "coffee.jpg")
    steps.update_campaign(store, other, name="Harbour & Co. campaign", product="Quiet One headphones")
    assert store.load(other.id).campaign.name == "Quiet One headphones"
    steps.update_campaign(store, other, name="Back to school", product="Quiet One headphones")
    assert store.load(other.id).campaign.name == "Back to school"
    assert "Harbour Espresso Roast" in " ".join(pages[0].split())  # the campaign's name says what it is for
    assert len(cover.images) >= 2  # the logo and the product
    product = cut_out(Image.open(SAMPLES / "coffee.jpg").convert("RGB")).image
    shown = [Image.open(io.BytesIO(i.data)) for i in cover.images]
    ratio = product.width / product.height
    assert any(abs(s.width / s.height - ratio) < 0.03 and s.width > 200 for s in shown)
