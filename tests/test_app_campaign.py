"""The Campaign pages through AppTest: lock and compare copy, and the brand kit page's refusals."""

from __future__ import annotations

from core.campaign import steps
from core.campaign.brands import BrandKits
from core.offline.writer import OfflineWriter
from core.storage.store import Store
from tests.conftest import SAMPLES
from tests.test_app_flow import _app, _click, _page


def test_copy_variants_lock_compare_and_write_the_unlocked_again(data_dir) -> None:
    store = Store(data_dir)
    story = steps.start_campaign(store, (SAMPLES / "coffee.jpg").read_bytes(), "coffee.jpg")
    steps.update_campaign(store, story, product="Harbour Morning Blend", audience="early risers")
    list(steps.write_copy(store, story, OfflineWriter(), 3))
    first = store.load(story.id).campaign.variants
    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/campaign_copy.py")
    assert [t.value for t in at.text_input if t.label == "Headline"] == [v.headline for v in first]
    at.toggle(key=f"campaign_lock_{first[0].id}").set_value(True).run()
    assert not at.exception, at.exception
    assert store.load(story.id).campaign.variants[0].locked
    compared = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert len(compared) == 2  # two side by side
    _click(at, "Write the unlocked variants again")  # a job of the campaign: waited for here
    again = store.load(story.id).campaign.variants
    assert again[0].headline == first[0].headline and again[0].locked
    assert {v.id for v in again[1:]}.isdisjoint({v.id for v in first})


def test_the_brand_kit_page_names_the_field_it_refuses_and_saves_versions(data_dir) -> None:
    at = _app()
    at.run()
    _page(at, "pages/brand_kit.py")
    mandatory = next(t for t in at.text_input if t.label.startswith("Mandatory line"))
    mandatory.set_value("Cheap, while stocks last.")
    next(b for b in at.button if b.label == "Save a new version").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["mandatory: the mandatory line uses the banned word 'cheap'."]
    mandatory = next(t for t in at.text_input if t.label.startswith("Mandatory line"))
    mandatory.set_value("While stocks last.")
    next(b for b in at.button if b.label == "Save a new version").click().run()
    assert not at.exception, at.exception
    kits = BrandKits(Store(data_dir)).list()
    assert [(k.name, k.revision) for k in kits] == [("Harbour & Co.", 1)]
    assert [m.value for m in at.success] == ["Saved as version 1."]
    assert at.selectbox(key="brand_choice").value == kits[0].id  # the saved kit is the one shown
    assert any("reaches" in m.value for m in at.markdown)  # the palette's contrast is shown
