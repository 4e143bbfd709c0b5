"""The remote engine's choosing tools against a fake OpenAI-compatible server on 127.0.0.1, with
the real `openai` client: redrawing a region (images.edit with a mask) and the photo as reference
(images.edit with the photo, or the prompt alone with a notice where the server has no edit)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from core import studio
from core.offline.writer import OfflineWriter
from core.providers.remote_openai import RemoteIllustrator, forget_capabilities
from core.settings import Settings
from core.storage.store import Store
from core.studio import choosing
from tests.fake_servers import FakeOpenAI

KEY = "sk-test-choosing"


@pytest.fixture(scope="module")
def servers():
    small = (256, 256)  # 1024-px pictures would only make the test slower
    with (
        FakeOpenAI(api_key=KEY, image_size=small) as edits,
        FakeOpenAI(api_key=KEY, edits=False, image_size=small) as plain,
    ):
        yield edits, plain


def remote(server: FakeOpenAI) -> RemoteIllustrator:
    forget_capabilities()
    settings = Settings(illustrator="remote", openai_base_url=server.base_url, openai_api_key=KEY)
    return RemoteIllustrator.from_settings(settings)


def drafted(data_dir, cat_bytes, illustrator):
    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=1, aspect="square")
    list(studio.write_draft(store, story, OfflineWriter()))
    list(studio.illustrate(store, story, illustrator))
    return store, story


def test_a_region_is_redrawn_through_images_edit_with_a_mask(servers, data_dir, cat_bytes) -> None:
    edits, _ = servers
    illustrator = remote(edits)
    store, story = drafted(data_dir, cat_bytes, illustrator)
    page = story.draft.pages[0]
    before = story.picture(page.id)
    list(choosing.redraw_region(store, story, illustrator, page.id, (0.5, 0.0, 1.0, 0.5), "a blue hat"))
    after = store.load(story.id).picture(page.id)
    sent = edits.requests_to("/images/edits")[-1].body
    assert "a blue hat" in sent["prompt"]
    mask = Image.open(io.BytesIO(sent["mask"])).getchannel("A")
    assert mask.getpixel((mask.width - 1, 0)) == 0 and mask.getpixel((0, mask.height - 1)) == 255  # transparent: redraw
    old = np.asarray(studio.open_image(store, story.id, before.image)).astype(int)
    new = np.asarray(studio.open_image(store, story.id, after.image)).astype(int)
    h, w = old.shape[:2]
    assert np.array_equal(old[h // 2 :, :], new[h // 2 :, :]) and np.array_equal(old[:, : w // 2], new[:, : w // 2])
    assert np.abs(old[: h // 2, w // 2 :] - new[: h // 2, w // 2 :]).mean() > 1
    assert after.params["inpainted_from"] == before.id


def test_a_server_without_edits_says_it_cannot_redraw_a_region(servers, data_dir, cat_bytes) -> None:
    _, plain = servers
    illustrator = remote(plain)
    store, story = drafted(data_dir, cat_bytes, illustrator)
    page = story.draft.pages[0]
    with pytest.raises(Exception, match="cannot edit pictures"):
        list(choosing.redraw_region(store, story, illustrator, page.id, (0.1, 0.1, 0.9, 0.9)))
    assert len(store.load(story.id).scenes[page.id].variants) == 1  # nothing added


def test_the_photo_as_reference_goes_to_images_edit_or_the_prompt_alone_is_said(servers, data_dir, cat_bytes) -> None:
    edits, plain = servers
    store, story = drafted(data_dir, cat_bytes, remote(edits))
    photo = studio.photo_image(store, story)
    sent_before = len(edits.requests_to("/images/edits"))
    events = list(studio.illustrate(store, story, remote(edits), reference=photo))
    assert len(edits.requests_to("/images/edits")) == sent_before + 1
    assert not [e for e in events if isinstance(e, studio.Notice)]

    events = list(studio.illustrate(store, story, remote(plain), reference=photo))
    notices = [e.text for e in events if isinstance(e, studio.Notice)]
    assert len(notices) == 1 and "drawn from the prompt alone" in notices[0]
    assert store.load(story.id).picture(story.draft.pages[0].id).engine == "remote"  # drawn all the same
