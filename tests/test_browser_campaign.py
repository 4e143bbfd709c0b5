"""A marketer, in a real headless Chromium against `streamlit run Home.py`, makes a three-variant
campaign from the sample product photo and downloads the ZIP; screenshots of every campaign page
land in test-output/browser/."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from tests.live import live_studio  # noqa: F401 - the fixture
from tests.test_browser import click, expect_value, go, pytestmark, settle, shoot  # noqa: F401 - the module's marks


def test_a_marketer_makes_a_three_variant_campaign_and_downloads_the_zip(browser, live_studio, tmp_path: Path):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_studio.url}/campaign")
    settle(page)
    page.get_by_text("Mock up a campaign from a product photo").wait_for()
    click(page, "Start with the sample coffee cup")
    page.wait_for_url(re.compile(r"story=[0-9a-f]{32}"))
    expect_value(page, "What the photo shows", "wooden cafe table")  # the sample's own words
    page.get_by_label("Product", exact=True).fill("Harbour Morning Blend")
    page.get_by_label("Audience", exact=True).fill("early risers")
    page.get_by_label("Offer", exact=True).fill("20% off your first bag")
    click(page, "Save the brief")
    page.get_by_text("Brief saved.").wait_for()
    shoot(page, "campaign-1-brief")

    go(page, "Copy variants")
    expect(page.get_by_label("How many variants")).to_have_value("3")
    click(page, "Write the copy")
    expect(page.get_by_label("Headline", exact=True)).to_have_count(3, timeout=60_000)
    assert "Harbour Morning Blend" in " ".join(
        page.get_by_label("Headline", exact=True).nth(i).input_value() for i in range(3)
    )
    shoot(page, "campaign-2-copy")

    go(page, "Formats")
    click(page, "Make the pictures", timeout=120_000)
    page.locator("[data-testid=stImage]").nth(11).wait_for(timeout=60_000)
    shoot(page, "campaign-3-formats")

    go(page, "Campaign exports")
    click(page, "Make the exports", timeout=120_000)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download everything (ZIP)").click()
    saved = tmp_path / "campaign.zip"
    download_info.value.save_as(saved)
    shoot(page, "campaign-4-exports")
    with zipfile.ZipFile(saved) as archive:
        names = set(archive.namelist())
        rows = list(csv.DictReader(io.StringIO(archive.read("copy.csv").decode("utf-8-sig"))))
    assert {f"{v}-{f}.png" for v in "ABC" for f in ("1x1", "4x5", "9x16", "16x9")} | {"deck.pdf", "copy.csv"} == names
    assert [r["variant"] for r in rows] == ["A", "B", "C"]
    page.get_by_role("img", name=re.compile("Scan to download the deck")).or_(
        page.get_by_text("Scan to download the deck on a phone")
    ).first.wait_for()

    go(page, "Brand kit")
    page.get_by_text("Text on each colour").wait_for()
    shoot(page, "campaign-5-brand-kit")
    context.close()
