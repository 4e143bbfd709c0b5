"""The model service on Ray Serve, for real: Ray on this CPU, the tiny random-weight models loaded
through our own backends, and the studio's remote engine (the `openai` client) making books
through the service's OpenAI-compatible routes.

Ray starts once for the module (it takes seconds); every test shares one application whose
illustrator has one replica and batches two pictures, waiting up to a second for the second one
(so two books drawing at once share a batch, and a lone picture waits long enough in its replica
for a test to kill that replica mid-request).
"""

from __future__ import annotations

import os
import socket
import threading

import pytest

pytest.importorskip("ray.serve")
pytest.importorskip("torch")
pytest.importorskip("diffusers")

import tiny_models  # noqa: E402  (tests/ is on sys.path)

from core import studio  # noqa: E402
from core.errors import ProviderError  # noqa: E402
from core.providers import illustrator_for, upscaler_for, vision_for, writer_for  # noqa: E402
from core.providers.remote_openai import RemoteIllustrator, forget_capabilities, list_models  # noqa: E402
from core.serve.app import APP_NAME, start, stop, studio_settings  # noqa: E402
from core.serve.plan import ServePlan  # noqa: E402
from core.settings import Settings, load_settings  # noqa: E402

# the Ray service's start (the fixture's setup) took 33 s beside two busy loops (load 4-5), 22 s on
# a quiet machine (298 s at load 5 while Ray ran its workers at nice 15): far below a third of 180 s
pytestmark = pytest.mark.timeout(180)

DRAWN = 128  # the long side the service draws at, whatever is asked (the tiny models stay quick)
PICTURE = 64  # the page's picture size the studio asks for (and resizes the answer to)
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """(plan, base URL) of the running service; Ray and Serve stopped after the module."""
    folder = tmp_path_factory.mktemp("served-models")
    base, refiner = tiny_models.tiny_sdxl(folder / "sdxl")
    models = {
        "model_vision": str(tiny_models.tiny_llava(folder / "llava")),
        "model_writer": str(tiny_models.trained_writer(folder / "writer")),
        "model_illustrator": str(base),
        "model_refiner": str(refiner),
        "model_upscaler": str(tiny_models.tiny_upscaler(folder / "upscaler")),
    }
    saved = {name: os.environ.get(name) for name in OFFLINE}
    os.environ.update(OFFLINE)  # the replicas inherit it: nothing is downloaded
    plan = ServePlan.from_args(
        {
            "settings": {**models, "illustrator_steps": 2, "illustrator_size": DRAWN, "load_in_4bit": False},
            "batch_size": 2,
            "batch_wait_s": 1.0,
            "health_check_period_s": 1,
        }
    )
    ray_options = {"num_cpus": 2, "include_dashboard": False, "object_store_memory": 200 * 1024**2}
    try:
        yield start(plan, port=free_port(), ray_options={**ray_options, "log_to_driver": False})
    finally:
        stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(autouse=True)
def _fresh_capabilities():
    forget_capabilities()
    yield
    forget_capabilities()


def studio_engines(service, **client_options):
    """The studio's remote engines, configured with exactly what `python -m core serve` prints."""
    plan, base_url = service
    settings = load_settings(env=studio_settings(plan, base_url))
    engines = {
        "vision": vision_for(settings),
        "writer": writer_for(settings),
        "illustrator": illustrator_for(settings),
        "upscaler": upscaler_for(settings),
    }
    if client_options:
        engines["illustrator"] = RemoteIllustrator.from_settings(settings, **client_options)
    # The page's picture size: small, so the upscaler's tiles stay few on a CPU.
    engines["illustrator"].size_for = lambda aspect: (PICTURE, PICTURE)
    return settings, engines


def written_story(store, photo: bytes, engines: dict | None = None):
    """A one-page story, captioned and written through the service (the caption corrected by its
    person), or without `engines` by the offline writer in this process (tests about pictures)."""
    story = studio.start_story(store, photo, "cat.jpg")
    studio.update_settings(store, story, pages=1)
    if engines:
        list(studio.caption(store, story, engines["vision"]))
        assert story.captions and story.captions[-1].author == "model" and story.captions[-1].text
    studio.edit_caption(store, story, "A grey cat sits on a warm mat.")
    list(studio.write_draft(store, story, engines["writer"] if engines else writer_for(Settings())))
    return story


def finish_book(store, story, engines) -> None:
    list(studio.illustrate(store, story, engines["illustrator"]))
    list(studio.upscale(store, story, engines["upscaler"], 2))
    list(studio.export_pdf(store, story))


def illustrator_stats() -> dict:
    from ray import serve

    return serve.get_deployment_handle("IllustratorModel", app_name=APP_NAME).stats.remote().result()


def assert_book(store, story) -> None:
    story = store.load(story.id)
    ((_, _, picture),) = story.pictured_pages()
    assert picture.engine == "remote" and (picture.width, picture.height) == (PICTURE, PICTURE)
    assert picture.upscale["factor"] == 2 and picture.upscale["width"] == 2 * PICTURE
    assert story.exports and store.export_path(story.id, story.exports[-1].token).read_bytes().startswith(b"%PDF")


def test_the_local_ray_runs_its_workers_at_normal_priority_and_waits_for_the_proxy(service):
    """At Ray's nice 15 the replicas got a thirtieth of a core beside any normal process (they
    loaded in 166-230 s at load 5 instead of 10-12 s), and Ray's own 5 s ready check killed the
    HTTP proxy until `serve.start` failed (`core.serve.app.LOCAL_RAY_ENV`). Ray's processes, the
    replicas and the Serve controller included, run at the studio's priority and wait 30 s."""
    import ray

    @ray.remote(num_cpus=0)
    def priority_and_proxy_wait() -> tuple[int, float]:
        from ray.serve._private.constants import PROXY_READY_CHECK_TIMEOUT_S

        return os.nice(0), PROXY_READY_CHECK_TIMEOUT_S

    assert ray.get(priority_and_proxy_wait.remote(), timeout=60) == (os.nice(0), 30.0)
    replica = illustrator_stats()["pid"]  # a model replica, as Serve started it
    assert os.getpriority(os.PRIO_PROCESS, replica) == os.nice(0)


def test_the_remote_engine_makes_a_whole_book_through_the_service(service, store, cat_bytes):
    settings, engines = studio_engines(service)
    assert set(list_models(settings)) == {str(v) for v in service[0].served_names().values()}
    story = written_story(store, cat_bytes, engines)
    draft = story.drafts[-1]
    assert draft.title == "The Little Cat" and "red ball" in draft.pages[0].text  # the trained writer's story
    finish_book(store, story, engines)
    assert_book(store, story)


def test_two_books_drawing_at_once_share_a_batch(service, store, cat_bytes):
    _, engines = studio_engines(service)
    stories = [written_story(store, cat_bytes) for _ in range(2)]
    before = illustrator_stats()
    together = threading.Barrier(2)
    failures: list[BaseException] = []

    def draw(story) -> None:
        try:
            together.wait()
            finish_book(store, story, engines)
        except BaseException as error:  # noqa: BLE001 - reported by the test's thread
            failures.append(error)

    threads = [threading.Thread(target=draw, args=(story,)) for story in stories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not failures
    after = illustrator_stats()
    assert after["pid"] == before["pid"]
    assert after["batches"][len(before["batches"]) :] == [2]  # both pictures in one pipeline call
    for story in stories:
        assert_book(store, story)


def test_a_replica_killed_mid_request_is_asked_again_and_the_book_completes(service, store, cat_bytes):
    import ray

    _, engines = studio_engines(service, retries=0)  # no retry by the studio: the service must ask again
    story = written_story(store, cat_bytes)
    before = illustrator_stats()
    failures: list[BaseException] = []

    def book() -> None:
        try:
            finish_book(store, story, engines)
        except BaseException as error:  # noqa: BLE001
            failures.append(error)

    thread = threading.Thread(target=book)
    thread.start()
    for _ in range(3000):  # the picture waits up to a second in the replica for a batch partner
        if illustrator_stats()["in_flight"]:
            break
    else:
        pytest.fail("the picture request never reached the illustrator")
    ray.kill(ray.get_actor(before["actor"], namespace="serve"), no_restart=True)
    thread.join(timeout=240)
    assert not failures, failures
    assert illustrator_stats()["pid"] != before["pid"]  # a new replica drew it
    assert_book(store, story)


def test_a_model_the_service_does_not_serve_is_named_with_what_it_serves(service, store):
    plan, base_url = service
    settings = load_settings(env={**studio_settings(plan, base_url), "VISUTALE_REMOTE_ILLUSTRATOR_MODEL": "dall-e-3"})
    from core.providers.base import ImageJob

    with pytest.raises(ProviderError, match="'dall-e-3' does not exist") as error:
        list(illustrator_for(settings).generate([ImageJob("a cat", 1, 1024, 1024)]))
    assert plan.served_names()["illustrator"] in str(error.value)


PHOTO_BY_LINK = {
    "role": "user",
    "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "http://example.org/cat.jpg"}},
    ],
}


@pytest.mark.parametrize(
    "route, body, status, says",
    [
        ("chat/completions", {"model": "vision", "messages": [PHOTO_BY_LINK]}, 400, "data: URL"),
        (
            "chat/completions",
            {"model": "writer", "messages": [], "response_format": {"type": "json_object"}},
            400,
            "response_format json_object is not supported",
        ),
        ("chat/completions", {"model": "writer", "messages": [], "seed": "abc"}, 400, "seed must be a whole number"),
        ("images/generations", {"model": "illustrator", "prompt": "a cat", "size": "huge"}, 400, "size must be"),
        ("images/generations", {"model": "illustrator", "prompt": "a cat", "response_format": "url"}, 400, "b64_json"),
        ("images/upscale", {"model": "upscaler", "image": "", "factor": 3}, 400, "factor must be 2 or 4"),
        ("images/upscale", {"model": "vision", "image": "", "factor": 2}, 404, "is not served here"),
    ],
)
def test_requests_the_service_cannot_answer_get_openai_shaped_errors(service, route, body, status, says):
    import httpx

    plan, base_url = service
    names = plan.served_names()
    body = {**body, "model": names.get(body["model"], body["model"])}
    answer = httpx.post(f"{base_url}/{route}", json=body, timeout=30)
    assert answer.status_code == status
    assert says in answer.json()["error"]["message"]
    assert httpx.post(f"{base_url}/{route}", content=b"{not json", timeout=30).json()["error"]["message"] == (
        "The request body is not JSON."
    )
