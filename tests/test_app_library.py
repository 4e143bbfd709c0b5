"""The Library page: every story listed, opened, duplicated, deleted only after a confirm."""

from __future__ import annotations

from core import studio
from core.offline.writer import OfflineWriter
from core.storage.publish import StaticFolder
from core.storage.store import Store
from tests.test_app_flow import _app, _page


def test_list_open_duplicate_and_delete(data_dir, cat_bytes) -> None:
    store = Store(data_dir)
    first = studio.start_story(store, cat_bytes, "first.jpg")
    studio.start_story(store, cat_bytes, "second.jpg")
    at = _app()
    at.run()
    _page(at, "pages/library.py")
    assert "2 stories" in at.caption[0].value
    assert len([b for b in at.button if b.label == "Open"]) == 2

    at.button(key=f"library_duplicate_{first.id}").click().run()
    assert not at.exception and len(store.list()) == 3

    delete = at.button(key=f"library_delete_{first.id}")
    assert delete.disabled  # nothing is deleted without the confirm
    at.checkbox(key=f"library_confirm_{first.id}").check().run()
    at.button(key=f"library_delete_{first.id}").click().run()
    assert not at.exception
    assert first.id not in {s.id for s in store.list()} and len(store.list()) == 2

    survivor = store.list()[0].id
    at.button(key=f"library_open_{survivor}").click().run()
    assert not at.exception
    assert at.session_state["story_id"] == survivor
    assert "Caption" in [t.value for t in at.title]  # a story without a draft opens at its caption


def test_an_empty_library_points_to_the_photo_page(data_dir) -> None:
    at = _app()
    at.run()
    _page(at, "pages/library.py")
    assert at.info[0].value == "No stories yet."


def test_deleting_a_story_stops_its_published_pdfs_downloading(data_dir, cat_bytes, tmp_path) -> None:
    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=1)
    list(studio.write_draft(store, story, OfflineWriter()))
    static = tmp_path / "static"  # where the studio publishes in every test (tests/conftest.py)
    list(studio.export_pdf(store, store.load(story.id), publisher=StaticFolder(static, "http://studio.test")))
    published = static / "exports" / store.load(story.id).exports[-1].token
    assert [f.suffix for f in published.iterdir()] == [".pdf"]

    at = _app()
    at.run()
    _page(at, "pages/library.py")
    assert any("published PDFs stop downloading" in c.value for c in at.caption)  # said before the confirm
    at.checkbox(key=f"library_confirm_{story.id}").check().run()
    at.button(key=f"library_delete_{story.id}").click().run()
    assert not at.exception, at.exception
    assert store.list() == []
    assert not published.exists()  # its link and QR code now answer "not found"


def test_a_story_zip_downloads_and_imports_as_a_new_story(data_dir, cat_bytes) -> None:
    from core.export.archive import export_zip

    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "first.jpg")
    at = _app()
    at.run()
    _page(at, "pages/library.py")
    assert any(b.label == "Download as ZIP" for b in at.get("download_button"))

    at.get("file_uploader")[0].set_value(("story.zip", export_zip(store, store.load(story.id)), "application/zip"))
    at.run()
    at.button(key="library_import_go").click().run()
    assert not at.exception and len(store.list()) == 2
    assert any(s.value.startswith("Imported") for s in at.success)

    at.get("file_uploader")[0].set_value(("photo.zip", cat_bytes, "application/zip")).run()
    at.button(key="library_import_go").click().run()
    assert not at.exception
    assert any("not a ZIP archive" in e.value for e in at.error) and len(store.list()) == 2
