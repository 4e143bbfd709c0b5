"""The OpenAI-compatible routes of the model service: a FastAPI ingress over the model deployments.

Routes (what `core.providers.remote_openai` and `remote_upscaler` call):

- `GET  /v1/models`: the served model names (each model's id in the settings, as vLLM names them);
- `POST /v1/chat/completions`: to the vision model when `model` names it (the last user message:
  its text and one `image_url` with a `data:` URL; the server never fetches a URL), else to the
  writer (text messages); streamed as server-sent events when `stream` is true. `seed` and
  `max_tokens` are honoured; `temperature` is the model's own. `response_format` json_schema /
  json_object is refused with 400: nothing here constrains decoding, so the studio falls back to
  asking for JSON in the prompt (its remote writer does this by itself);
- `POST /v1/images/generations`: `prompt`, `n`, `size` "WxH", `seed` (an extension many servers
  share), `response_format` b64_json only; each picture is one request to the illustrator's
  batch queue, so pictures of several people are drawn together;
- `POST /v1/images/upscale`: our own route, shaped like the images one (see remote_upscaler).

Errors are OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, with the status the
studio's client understands: 404 `model_not_found` for a name not served, 400 for a bad request,
503 when a model is unavailable, 500 when it failed.

A replica that dies mid-request (a crash, an out-of-memory kill, a node lost) surfaces here as a
RayActorError: Serve's router retries only while it is still choosing a replica, so the gateway
asks again itself (`retries` times), and Serve's controller starts a replacement meanwhile. A
stream is asked again only if none of it was sent yet. Pictures and upscales are seeded, so asking
again gives the same result.
"""

# No `from __future__ import annotations` here: FastAPI must see `request: Request` as a class
# (Serve re-signs the methods, and a string annotation would become a query parameter).
import asyncio
import base64
import binascii
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from ray import serve
from ray.exceptions import RayActorError, RayTaskError

from core.errors import InputError, ModelUnavailable, StudioError

app = FastAPI(title="VisuTale models", docs_url=None, redoc_url=None, openapi_url=None)

MAX_PICTURES = 4  # per images request (n)
MAX_SIDE = 2048


class Refused(Exception):
    """A request answered with an OpenAI-shaped error instead of a result."""

    def __init__(
        self, status: int, message: str, *, kind: str = "invalid_request_error", param: str | None = None, code=None
    ):
        super().__init__(message)
        self.status, self.message, self.kind, self.param, self.code = status, message, kind, param, code

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def explain(error: BaseException) -> Refused:
    """What a model's failure becomes for the client."""
    if isinstance(error, Refused):
        return error
    cause = error.cause if isinstance(error, RayTaskError) and error.cause is not None else error
    if isinstance(cause, ModelUnavailable):
        return Refused(503, str(cause), kind="server_error")
    if isinstance(cause, InputError):
        return Refused(400, str(cause))
    if isinstance(cause, StudioError):
        return Refused(500, str(cause), kind="server_error")
    if isinstance(cause, RayActorError):
        return Refused(503, "The model's replica stopped and no other answered; try again.", kind="server_error")
    return Refused(500, f"The model service failed ({type(cause).__name__}); see its log.", kind="server_error")


# --- reading requests --------------------------------------------------------------------------


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "The request body is not JSON.") from None
    if not isinstance(body, dict):
        raise Refused(400, "The request body must be a JSON object.")
    return body


def _decode(data: str, what: str) -> bytes:
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        raise Refused(400, f"The {what} is not valid base64.") from None


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def _photo_and_prompt(messages: list[dict]) -> tuple[bytes, str]:
    """The last user message's text and its one picture (a data: URL)."""
    user = [m for m in messages if m.get("role") == "user"]
    if not user:
        raise Refused(400, "The vision model needs a user message.", param="messages")
    content = user[-1].get("content")
    parts = content if isinstance(content, list) else []
    images = [p for p in parts if isinstance(p, dict) and p.get("type") == "image_url"]
    if len(images) != 1:
        raise Refused(400, "The vision model needs exactly one image_url in the last user message.", param="messages")
    image = images[0].get("image_url")
    url = image.get("url", "") if isinstance(image, dict) else str(image or "")
    if not url.startswith("data:") or "," not in url:
        raise Refused(400, "Send the photo as a data: URL; this server does not fetch pictures.", param="messages")
    return _decode(url.split(",", 1)[1], "photo"), _text_of(content)


def _writer_messages(messages: list[dict]) -> list[dict[str, str]]:
    out = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, list) and any(isinstance(p, dict) and p.get("type") != "text" for p in content):
            raise Refused(400, "The writer model reads text only; send pictures to the vision model.", param="messages")
        out.append({"role": str(message.get("role", "user")), "content": _text_of(content)})
    return out


def _whole(body: dict[str, Any], name: str, default: int | None = 0) -> int | None:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise Refused(400, f"{name} must be a whole number, not {value!r}.", param=name)
    return int(value)


def _size(value: Any) -> tuple[int, int]:
    width, sep, height = str(value or "1024x1024").partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        size = (0, 0)
    if not sep or not all(64 <= side <= MAX_SIDE for side in size):
        raise Refused(400, f"size must be WIDTHxHEIGHT between 64 and {MAX_SIDE}, not '{value}'.", param="size")
    return size


# --- answers -------------------------------------------------------------------------------------


def _sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload)}\n\n"


def _chunk(ident: str, model: str, created: int, delta: dict, finish: str | None = None) -> str:
    return _sse(
        {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
    )


def _completion(ident: str, model: str, created: int, text: str) -> dict[str, Any]:
    return {
        "id": ident,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
    }


def _images(pngs: list[bytes]) -> dict[str, Any]:
    return {"created": int(time.time()), "data": [{"b64_json": base64.b64encode(p).decode("ascii")} for p in pngs]}


@serve.deployment(ray_actor_options={"num_cpus": 0}, max_ongoing_requests=200)
@serve.ingress(app)
class Gateway:
    def __init__(self, models: dict[str, Any], names: dict[str, str], retries: int = 2) -> None:
        self.models = models  # capability -> DeploymentHandle
        self.names = names  # capability -> the name clients use
        self.retries = retries

    def _capability(self, model: Any, among: tuple[str, ...]) -> str:
        for capability in among:
            if capability in self.models and model == self.names.get(capability):
                return capability
        offered = ", ".join(self.names[c] for c in among if c in self.models) or "none"
        raise Refused(404, f"The model '{model}' is not served here (served: {offered}).", code="model_not_found")

    async def _call(self, method: Callable[[], Any]) -> Any:
        """`await method()`, asked again when the replica died before it answered."""
        for attempt in range(self.retries + 1):
            try:
                return await method()
            except RayActorError:
                if attempt == self.retries:
                    raise

    async def _stream(self, open_stream: Callable[[], AsyncIterator[str]]) -> AsyncIterator[str]:
        """The chunks of a stream, asked again when its replica died before the first chunk."""
        for attempt in range(self.retries + 1):
            sent = False
            try:
                async for chunk in open_stream():
                    sent = True
                    yield chunk
                return
            except RayActorError:
                if sent or attempt == self.retries:
                    raise

    # --- routes --------------------------------------------------------------------------------
    @app.get("/v1/models")
    def list_models(self) -> dict[str, Any]:
        data = [{"id": self.names[c], "object": "model", "owned_by": "visutale"} for c in self.models]
        return {"object": "list", "data": data}

    @app.get("/healthz")
    def health(self) -> dict[str, Any]:
        return {"ok": True, "models": sorted(self.models)}

    @app.post("/v1/chat/completions")
    async def chat(self, request: Request) -> Any:
        try:
            body = await _body(request)
            capability = self._capability(body.get("model"), ("vision", "writer"))
            messages = body.get("messages")
            if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
                raise Refused(400, "messages must be a list of objects.", param="messages")
            kind = (body.get("response_format") or {}).get("type", "text")
            if kind != "text":
                raise Refused(
                    400,
                    f"response_format {kind} is not supported by this server; ask for JSON in the prompt.",
                    param="response_format",
                )
            handle = self.models[capability].options(stream=True)
            if capability == "vision":
                photo, prompt = _photo_and_prompt(messages)
                open_stream = lambda: handle.answer.remote(photo, prompt)  # noqa: E731
            else:
                seed = _whole(body, "seed")
                max_tokens = _whole(body, "max_completion_tokens", None) or _whole(body, "max_tokens", None)
                chat = _writer_messages(messages)
                open_stream = lambda: handle.chat.remote(chat, seed, max_tokens)  # noqa: E731
            chunks = self._stream(open_stream)
            try:  # the first chunk before answering, so an early failure gets its own status
                first = await chunks.__anext__()
            except StopAsyncIteration:
                first = ""
        except Exception as error:  # noqa: BLE001 - every failure becomes an OpenAI-shaped error
            return explain(error).response()
        ident, created, model = f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), str(body["model"])
        if not body.get("stream"):
            parts = [first]
            try:
                parts += [chunk async for chunk in chunks]
            except Exception as error:  # noqa: BLE001
                return explain(error).response()
            return _completion(ident, model, created, "".join(parts))

        async def events() -> AsyncIterator[str]:
            yield _chunk(ident, model, created, {"role": "assistant", "content": first})
            try:
                async for chunk in chunks:
                    yield _chunk(ident, model, created, {"content": chunk})
            except Exception as error:  # noqa: BLE001 - an error event: the client raises it
                yield _sse(explain(error).body())
                return
            yield _chunk(ident, model, created, {}, "stop")
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/v1/images/generations")
    async def images(self, request: Request) -> Any:
        try:
            body = await _body(request)
            self._capability(body.get("model"), ("illustrator",))
            if body.get("response_format", "b64_json") != "b64_json":
                raise Refused(400, "Only response_format b64_json is supported.", param="response_format")
            prompt = body.get("prompt")
            if not isinstance(prompt, str) or not prompt.strip():
                raise Refused(400, "prompt must be a text.", param="prompt")
            count = _whole(body, "n", 1)
            if not 1 <= count <= MAX_PICTURES:
                raise Refused(400, f"n must be between 1 and {MAX_PICTURES}.", param="n")
            width, height = _size(body.get("size"))
            seed = _whole(body, "seed")
            handle = self.models["illustrator"]
            negative = str(body.get("negative_prompt") or "")
            jobs = [
                {"prompt": prompt, "seed": seed + i, "width": width, "height": height, "negative_prompt": negative}
                for i in range(count)
            ]
            answers = await asyncio.gather(*(self._call(lambda j=j: handle.picture.remote(j)) for j in jobs))
        except Exception as error:  # noqa: BLE001
            return explain(error).response()
        return _images([answer["png"] for answer in answers])

    @app.post("/v1/images/upscale")
    async def upscale(self, request: Request) -> Any:
        try:
            body = await _body(request)
            self._capability(body.get("model"), ("upscaler",))
            factor = body.get("factor")
            if factor not in (2, 4):
                raise Refused(400, "factor must be 2 or 4.", param="factor")
            picture = _decode(str(body.get("image") or ""), "image")
            prompt = str(body.get("prompt") or "")
            handle = self.models["upscaler"]
            png = await self._call(lambda: handle.upscale.remote(picture, factor, prompt))
        except Exception as error:  # noqa: BLE001
            return explain(error).response()
        return _images([png])
