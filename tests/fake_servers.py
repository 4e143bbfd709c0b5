"""Fake OpenAI-compatible and DeepL servers on 127.0.0.1, for tests that drive the real clients.

Both speak just enough of each API for the real `openai` and `deepl` Python clients, answer
deterministically, record every request, and can be told to fail in every way a real service does.

    from tests.fake_servers import FakeOpenAI, FakeDeepL, Fault

    with FakeOpenAI(answers=['{"title": "T", "pages": [...]}']) as server:
        settings = Settings(writer="remote", openai_base_url=server.base_url, openai_api_key="k")
        ...
        server.requests          # every request received: Request(method, path, headers, body)
        server.inject(Fault(status=429, retry_after=0.01))   # the next matching request fails

    with FakeDeepL(auth_key="fake:fx") as deepl_server:
        Settings(translator="deepl", deepl_auth_key="fake:fx", deepl_server_url=deepl_server.url)

    python -m tests.fake_servers    # both, standalone, printing the settings to use

FakeOpenAI, with no canned answers left, makes up a sensible one: a story of the number of pages the
prompt asks for (as JSON), a translation of a JSON array ("[de] " before each string), or a caption.
Canned answers are consumed in order by /v1/chat/completions (streamed or not).

FakeDeepL translates by upper-casing every word and putting "[DE] " (the target code) in front, so a
test can see which words were translated: glossary terms are replaced by their wanted translation
and the content of `ignore_tags` is kept as it is. Formality shows as "[DE formal] " / "[DE informal] "
and is refused (400) for a language that has none, as DeepL does.

Faults (`Fault`) are consumed in order by the first request whose path contains `fault.path`:
an HTTP status with a JSON error body (and Retry-After), a hang (to trigger client timeouts), or
for streams a cut: the connection is dropped after `cut_after` characters of the answer.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["Fault", "Request", "FakeOpenAI", "FakeDeepL", "STORY_ANSWER"]


@dataclass
class Fault:
    """One failure to inject. `path`: only requests whose path contains it (None: any request)."""

    status: int | None = None  # answer with this HTTP status and a JSON error body
    message: str | None = None  # the error message in the body
    code: str | None = None  # OpenAI error "code" (e.g. "insufficient_quota")
    param: str | None = None
    retry_after: float | None = None  # seconds, sent as the Retry-After header
    hang: float | None = None  # wait this long before answering (trigger client timeouts)
    cut_after: int | None = None  # streams: drop the connection after this many characters
    clean_cut: bool = False  # with cut_after: end the stream properly, but with no finish reason
    path: str | None = None


class _Headers(dict):
    """Request headers, looked up without regard to case (clients differ in how they spell them)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__((k.lower(), v) for k, v in items)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return super().__contains__(str(name).lower())


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # case-insensitive lookups
    body: Any  # parsed JSON, a form dict, or raw text
    query: dict[str, list[str]] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return self.body


def _multipart(ctype: str, raw: bytes) -> dict[str, Any]:
    """A multipart/form-data body as {name: text, or bytes for a file}."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        fields[name] = payload if part.get_filename() else payload.decode("utf-8", "replace")
    return fields


def _png(width: int, height: int, seed: int = 0) -> bytes:
    from PIL import Image

    colour = tuple(hashlib.sha256(str(seed).encode()).digest()[:3])
    image = Image.new("RGB", (width, height), colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def story_json(pages: int, title: str = "The Lighthouse Fox") -> str:
    return json.dumps(
        {
            "title": title,
            "pages": [
                {
                    "text": f"Page {n}: Mia and the fox walk on. They look for the light.",
                    "scene": f"Mia and a red fox on a beach, moment {n}",
                }
                for n in range(1, pages + 1)
            ],
        }
    )


STORY_ANSWER = story_json(3)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:
        import sys

        if isinstance(sys.exc_info()[1], OSError):  # a client that hung up: not our problem
            return
        super().handle_error(request, client_address)


class _FakeBase:
    """Start/stop, request log and fault queue shared by both fakes."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ------------------------------------------------------------------

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

            def do_DELETE(self):
                fake._handle(self, "DELETE")

            def do_PATCH(self):
                fake._handle(self, "PATCH")

            def do_PUT(self):
                fake._handle(self, "PUT")

        self._released.clear()
        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True, kwargs={"poll_interval": 0.05})
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # wake any hanging handler
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start the server first"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- faults ----------------------------------------------------------------------

    def inject(self, fault: Fault | None = None, times: int = 1, **fields) -> None:
        """Queue a fault (or Fault(**fields)) for the next `times` matching requests."""
        fault = fault or Fault(**fields)
        with self._lock:
            self.faults.extend([fault] * times)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.path is None or fault.path in path:
                    self.faults.remove(fault)
                    return fault
        return None

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if path in r.path]

    # --- plumbing --------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        ctype = handler.headers.get("Content-Type", "")
        body: Any
        if "json" in ctype:
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = raw.decode("utf-8", "replace")
        elif "multipart/form-data" in ctype:
            body = _multipart(ctype, raw)
        elif "x-www-form-urlencoded" in ctype:
            body = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(raw.decode()).items()}
        else:
            body = raw.decode("utf-8", "replace")
        request = Request(method, split.path, _Headers(handler.headers.items()), body, parse_qs(split.query))
        with self._lock:
            self.requests.append(request)
        fault = self._take_fault(split.path)
        if fault and fault.hang:
            self._released.wait(fault.hang)
            if fault.status is None and fault.cut_after is None:
                fault = None
        if fault and fault.status:
            return self._error(handler, fault)
        try:
            self._route(handler, request, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(
        self, handler, status: int, payload: Any, headers: dict[str, str] | None = None, ctype: str = "application/json"
    ) -> None:
        data = (
            payload
            if isinstance(payload, bytes)
            else (payload.encode() if isinstance(payload, str) else json.dumps(payload).encode())
        )
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", ctype)
            handler.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _error(self, handler, fault: Fault) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _route(self, handler, request: Request, fault: Fault | None) -> None:  # pragma: no cover
        raise NotImplementedError


# ===================================================================================
# OpenAI-compatible
# ===================================================================================

FORMATS = ("json_schema", "json_object")


class FakeOpenAI(_FakeBase):
    """An OpenAI-compatible server: /v1/models, /v1/chat/completions (SSE or not),
    /v1/images/generations, /v1/moderations, /v1/audio/speech (a WAV tone as long as the text).

    answers: canned chat answers, consumed in order (then made-up ones).
    formats: the response_format kinds accepted ("json_schema", "json_object"); any other kind
        is refused with 400 naming response_format, as vLLM or older servers do.
    models: model ids served; a request for another is answered 404 model_not_found
        (None: any model accepted).
    api_key: when set, any other bearer key gets 401 (the message echoes the wrong key, as some
        servers do, so tests can prove the studio never repeats it).
    image_size: (w, h) to return whatever size is asked for (tests of wrong-size pictures).
    image_params: extra image parameters accepted; any other unknown one is refused (400), as
        OpenAI refuses "seed". Default accepts seed and response_format.
    image_payload: bytes to send (base64-encoded) instead of a PNG (tests of undecodable data).
    moderation: whether /v1/moderations exists; flag_words: words flagged as "violence".
    chunk: characters per streamed chunk.
    """

    def __init__(
        self,
        answers: Iterable[str] = (),
        *,
        formats: Iterable[str] = FORMATS,
        models: Iterable[str] | None = ("gpt-4o-mini", "gpt-image-1", "llava", "qwen2.5"),
        api_key: str | None = None,
        image_size: tuple[int, int] | None = None,
        image_params: Iterable[str] = ("seed", "response_format"),
        image_payload: bytes | None = None,
        moderation: bool = True,
        flag_words: Iterable[str] = ("kill", "blood"),
        chunk: int = 7,
        edits: bool = True,
    ) -> None:
        super().__init__()
        self.edits = edits
        self.answers: deque[str] = deque(answers)
        self.formats = set(formats)
        self.models = list(models) if models is not None else None
        self.api_key = api_key
        self.image_size = image_size
        self.image_params = set(image_params)
        self.image_payload = image_payload
        self.moderation = moderation
        self.flag_words = [w.lower() for w in flag_words]
        self.chunk = chunk

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def chat_requests(self) -> list[Request]:
        return self.requests_to("/chat/completions")

    def add_answers(self, *answers: str) -> None:
        with self._lock:
            self.answers.extend(answers)

    # --- errors ------------------------------------------------------------------------

    def _error(self, handler, fault: Fault) -> None:
        defaults = {
            400: ("Bad request.", "invalid_request_error"),
            401: ("Incorrect API key provided.", "invalid_request_error"),
            403: ("You are not allowed to use this model.", "invalid_request_error"),
            404: ("The model does not exist or you do not have access to it.", "invalid_request_error"),
            429: ("Rate limit reached for requests.", "requests"),
            500: ("The server had an error while processing your request.", "server_error"),
        }
        message, kind = defaults.get(fault.status, ("Error.", "server_error"))
        body = {"error": {"message": fault.message or message, "type": kind, "param": fault.param, "code": fault.code}}
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = f"{fault.retry_after:g}"
        # tell the client not to retry on its own: the studio retries itself
        headers["x-should-retry"] = "false"
        self._send(handler, fault.status, body, headers)

    def _fail(self, handler, status: int, message: str, code: str | None = None, param: str | None = None) -> None:
        self._error(handler, Fault(status=status, message=message, code=code, param=param))

    # --- routes ------------------------------------------------------------------------

    def _route(self, handler, request: Request, fault: Fault | None) -> None:
        if self.api_key is not None:
            auth = request.headers.get("Authorization", "")
            if auth != f"Bearer {self.api_key}":
                given = auth.removeprefix("Bearer ")
                return self._fail(handler, 401, f"Incorrect API key provided: {given}.", code="invalid_api_key")
        path = request.path.rstrip("/")
        if path == "/v1/models" and request.method == "GET":
            ids = self.models or ["fake-model"]
            return self._send(
                handler,
                200,
                {
                    "object": "list",
                    "data": [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in ids],
                },
            )
        if path == "/v1/chat/completions" and request.method == "POST":
            return self._chat(handler, request, fault)
        if path == "/v1/images/generations" and request.method == "POST":
            return self._images(handler, request)
        if path == "/v1/images/edits" and request.method == "POST" and self.edits:
            return self._edit(handler, request)
        if path == "/v1/moderations" and request.method == "POST" and self.moderation:
            return self._moderations(handler, request)
        if path == "/v1/audio/speech" and request.method == "POST":
            return self._speech(handler, request)
        return self._fail(handler, 404, f"Not found: {path}")

    def _model_ok(self, handler, body: dict) -> bool:
        model = body.get("model")
        if self.models is not None and model not in self.models:
            self._fail(
                handler,
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                code="model_not_found",
            )
            return False
        return True

    def _chat(self, handler, request: Request, fault: Fault | None) -> None:
        body = request.body if isinstance(request.body, dict) else {}
        if not self._model_ok(handler, body):
            return
        fmt = body.get("response_format")
        if fmt is not None:
            kind = fmt.get("type") if isinstance(fmt, dict) else str(fmt)
            if kind not in self.formats and kind != "text":
                return self._fail(
                    handler,
                    400,
                    f"response_format of type '{kind}' is not supported by this server.",
                    param="response_format",
                )
        with self._lock:
            answer = self.answers.popleft() if self.answers else None
        if answer is None:
            answer = self._made_up(body)
        model = body.get("model", "fake")
        if body.get("stream"):
            return self._stream(handler, answer, model, fault)
        return self._send(
            handler,
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
        )

    @staticmethod
    def _made_up(body: dict) -> str:
        messages = body.get("messages") or []
        last = messages[-1].get("content") if messages else ""
        if isinstance(last, list):  # vision: text and image parts
            text = " ".join(p.get("text", "") for p in last if isinstance(p, dict))
            if "question" in text.lower():
                return "It looks like a sunny afternoon by the sea."
            return (
                "A small girl in a yellow raincoat stands on a pebble beach beside a red fox. "
                "The light is low and golden. The mood is calm and curious."
            )
        last = str(last)
        if last.startswith("Translate each string"):
            target = re.search(r"code '([^']+)'", last)
            start = last.find("\n[")
            try:
                texts = json.loads(last[start + 1 :]) if start != -1 else []
            except ValueError:
                texts = []
            code = target.group(1) if target else "xx"
            return json.dumps([f"[{code}] {t}" for t in texts], ensure_ascii=False)
        wanted = re.search(r"exactly (\d+) pages", last)
        pages = int(wanted.group(1)) if wanted else 3
        if not wanted:
            story = re.search(r"<story>(.*?)</story>", last, re.DOTALL)
            if story:
                try:
                    pages = len(json.loads(story.group(1))["pages"])
                except (ValueError, KeyError, TypeError):
                    pass
        return story_json(pages)

    def _stream(self, handler, answer: str, model: str, fault: Fault | None) -> None:
        cut = fault.cut_after if fault else None
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()

        def send(data: str) -> None:
            raw = f"data: {data}\n\n".encode()
            handler.wfile.write(f"{len(raw):X}\r\n".encode() + raw + b"\r\n")
            handler.wfile.flush()

        def event(delta: dict, finish: str | None = None) -> str:
            return json.dumps(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
            )

        send(event({"role": "assistant", "content": ""}))
        sent = 0
        for start in range(0, len(answer), self.chunk):
            piece = answer[start : start + self.chunk]
            if cut is not None and sent + len(piece) > cut:
                piece = piece[: cut - sent]
                if piece:
                    send(event({"content": piece}))
                if fault is not None and fault.clean_cut:  # a well-formed end, no finish_reason
                    handler.wfile.write(b"0\r\n\r\n")
                    handler.wfile.flush()
                    return
                # drop the connection without the final chunk: the client sees a broken stream
                handler.close_connection = True
                try:
                    handler.wfile.flush()
                    handler.connection.shutdown(2)
                except OSError:
                    pass
                return
            send(event({"content": piece}))
            sent += len(piece)
        send(event({}, "stop"))
        send("[DONE]")
        handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()

    def _images(self, handler, request: Request) -> None:
        body = request.body if isinstance(request.body, dict) else {}
        if not self._model_ok(handler, body):
            return
        known = {"prompt", "model", "n", "size"}
        for name in body:
            if name not in known and name not in self.image_params:
                return self._fail(handler, 400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")
        size = str(body.get("size") or "1024x1024")
        try:
            width, height = (int(v) for v in size.split("x"))
        except ValueError:
            return self._fail(handler, 400, f"Invalid size '{size}'.", param="size")
        if self.image_size:
            width, height = self.image_size
        seed = body.get("seed", 0)
        images = [
            {
                "b64_json": base64.b64encode(
                    self.image_payload if self.image_payload is not None else _png(width, height, seed + i)
                ).decode(),
                "revised_prompt": body.get("prompt", ""),
            }
            for i in range(int(body.get("n") or 1))
        ]
        self._send(handler, 200, {"created": int(time.time()), "data": images})

    SPEECH_S_PER_CHAR = 0.06  # a fake voice's pace: a 30-character sentence lasts 1.8 s

    def _speech(self, handler, request: Request) -> None:
        """/v1/audio/speech: a WAV (24 kHz, 16-bit mono) of a quiet tone, 0.06 s per character of
        the input, as OpenAI answers `response_format="wav"`; other formats are refused (400)."""
        body = request.body if isinstance(request.body, dict) else {}
        if not self._model_ok(handler, body):
            return
        if body.get("response_format", "mp3") != "wav" or not body.get("voice") or not body.get("input"):
            return self._fail(handler, 400, "This fake speaks WAV only, and needs a voice and an input.")
        import math
        import struct
        import wave

        rate, frames = 24000, int(24000 * self.SPEECH_S_PER_CHAR * len(str(body["input"])))
        samples = b"".join(struct.pack("<h", int(3000 * math.sin(i * 2 * math.pi * 440 / rate))) for i in range(frames))
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(samples)
        self._send(handler, 200, buffer.getvalue(), ctype="audio/wav")

    def _edit(self, handler, request: Request) -> None:
        """/v1/images/edits (multipart): the picture sent, with the mask's transparent part
        painted a colour decided by the prompt, or all of it when there is no mask."""
        from PIL import Image

        form = request.body if isinstance(request.body, dict) else {}
        if "image" not in form or "prompt" not in form:
            return self._fail(handler, 400, "image and prompt are required.", param="image")
        picture = Image.open(io.BytesIO(form["image"])).convert("RGB")
        colour = tuple(hashlib.sha256(form["prompt"].encode()).digest()[:3])
        painted = Image.new("RGB", picture.size, colour)
        if "mask" in form:
            alpha = Image.open(io.BytesIO(form["mask"])).convert("RGBA").getchannel("A").resize(picture.size)
            painted = Image.composite(picture, painted, alpha)  # opaque: kept; transparent: redrawn
        buffer = io.BytesIO()
        painted.save(buffer, "PNG")
        self._send(
            handler,
            200,
            {"created": int(time.time()), "data": [{"b64_json": base64.b64encode(buffer.getvalue()).decode()}]},
        )

    def _moderations(self, handler, request: Request) -> None:
        body = request.body if isinstance(request.body, dict) else {}
        inputs = body.get("input")
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        results = []
        for text in inputs:
            text = str(text).lower()
            violent = any(word in text for word in self.flag_words)
            results.append(
                {
                    "flagged": violent,
                    "categories": {"violence": violent, "self-harm": False, "sexual/minors": False},
                    "category_scores": {"violence": 0.9 if violent else 0.01, "self-harm": 0.0, "sexual/minors": 0.0},
                }
            )
        self._send(
            handler, 200, {"id": "modr-fake", "model": body.get("model") or "fake-moderation", "results": results}
        )


# ===================================================================================
# DeepL
# ===================================================================================

DEEPL_LANGUAGES: list[dict] = [
    {"language": "AR", "name": "Arabic", "supports_formality": False},
    {"language": "DE", "name": "German", "supports_formality": True},
    {"language": "EL", "name": "Greek", "supports_formality": False},
    {"language": "EN-GB", "name": "English (British)", "supports_formality": False},
    {"language": "EN-US", "name": "English (American)", "supports_formality": False},
    {"language": "ES", "name": "Spanish", "supports_formality": True},
    {"language": "FR", "name": "French", "supports_formality": True},
    {"language": "HE", "name": "Hebrew", "supports_formality": False},
    {"language": "JA", "name": "Japanese", "supports_formality": True},
    {"language": "KO", "name": "Korean", "supports_formality": False},
    {"language": "PT-BR", "name": "Portuguese (Brazilian)", "supports_formality": True},
    {"language": "RU", "name": "Russian", "supports_formality": True},
    {"language": "TH", "name": "Thai", "supports_formality": False},
    {"language": "UK", "name": "Ukrainian", "supports_formality": False},
    {"language": "ZH-HANS", "name": "Chinese (simplified)", "supports_formality": False},
]

GLOSSARY_PAIRS: list[tuple[str, str]] = [
    ("en", "de"),
    ("en", "fr"),
    ("en", "es"),
    ("en", "ja"),
    ("en", "ru"),
    ("de", "en"),
    ("fr", "en"),
]

_ENTITY = re.compile(r"&#?\w+;|&|[^&]+")
_TAG = re.compile(r"(<(?P<name>[A-Za-z][\w-]*)\b[^>]*>.*?</(?P=name)>)", re.DOTALL)


class FakeDeepL(_FakeBase):
    """A DeepL API v2 server: languages, translate, glossaries, glossary-language-pairs, usage.

    auth_key: the only key accepted (others get 403). languages: target languages (DeepL's JSON).
    glossary_pairs: (source, target) pairs that support glossaries.
    character_limit: /v2/usage limit; translating past it answers 456, as DeepL does.
    """

    def __init__(
        self,
        auth_key: str = "fake-deepl-key:fx",
        *,
        languages: list[dict] | None = None,
        glossary_pairs: Iterable[tuple[str, str]] = GLOSSARY_PAIRS,
        character_limit: int = 500_000,
    ) -> None:
        super().__init__()
        self.auth_key = auth_key
        self.languages = languages if languages is not None else list(DEEPL_LANGUAGES)
        self.glossary_pairs = {(s.upper(), t.upper()) for s, t in glossary_pairs}
        self.character_limit = character_limit
        self.character_count = 0
        self.glossaries: dict[str, dict] = {}

    @property
    def server_url(self) -> str:
        """What DEEPL_SERVER_URL / Settings.deepl_server_url should be."""
        return self.url

    def _error(self, handler, fault: Fault) -> None:
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = f"{fault.retry_after:g}"
        self._send(handler, fault.status, {"message": fault.message or f"Error {fault.status}"}, headers)

    def _fail(self, handler, status: int, message: str) -> None:
        self._send(handler, status, {"message": message})

    def _route(self, handler, request: Request, fault: Fault | None) -> None:
        auth = request.headers.get("Authorization", "")
        if auth != f"DeepL-Auth-Key {self.auth_key}":
            return self._fail(handler, 403, "Wrong endpoint. Use https://api.deepl.com")
        path, method = request.path.rstrip("/"), request.method
        form = request.body if isinstance(request.body, dict) else {}
        if path == "/v2/languages" and method == "GET":
            kind = (request.query.get("type") or [form.get("type", "source")])[0]
            if kind == "target":
                return self._send(handler, 200, self.languages)
            sources = {}
            for lang in self.languages:
                code = lang["language"].split("-")[0]
                sources[code] = {"language": code, "name": lang["name"].split(" (")[0]}
            return self._send(handler, 200, list(sources.values()))
        if path == "/v2/translate" and method == "POST":
            return self._translate(handler, form)
        if path == "/v2/usage" and method == "GET":
            return self._send(
                handler, 200, {"character_count": self.character_count, "character_limit": self.character_limit}
            )
        if path == "/v2/glossary-language-pairs" and method == "GET":
            return self._send(
                handler,
                200,
                {
                    "supported_languages": [
                        {"source_lang": s.lower(), "target_lang": t.lower()} for s, t in sorted(self.glossary_pairs)
                    ]
                },
            )
        if path == "/v2/glossaries" and method == "POST":
            return self._create_glossary(handler, form)
        if path == "/v2/glossaries" and method == "GET":
            return self._send(handler, 200, {"glossaries": [self._info(g) for g in self.glossaries.values()]})
        match = re.fullmatch(r"/v2/glossaries/([\w-]+)(/entries)?", path)
        if match:
            glossary = self.glossaries.get(match.group(1))
            if glossary is None:
                return self._fail(handler, 404, "Glossary not found")
            if method == "DELETE":
                del self.glossaries[match.group(1)]
                handler.send_response(204)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            if match.group(2):
                tsv = "\n".join(f"{k}\t{v}" for k, v in glossary["entries"].items())
                return self._send(handler, 200, tsv, ctype="text/tab-separated-values")
            return self._send(handler, 200, self._info(glossary))
        return self._fail(handler, 404, f"Not found: {path}")

    @staticmethod
    def _info(g: dict) -> dict:
        return {
            k: g[k]
            for k in ("glossary_id", "name", "ready", "source_lang", "target_lang", "creation_time", "entry_count")
        }

    def _create_glossary(self, handler, form: dict) -> None:
        source = str(form.get("source_lang", "")).upper()
        target = str(form.get("target_lang", "")).upper()
        if (source, target) not in self.glossary_pairs:
            return self._fail(handler, 400, "Unsupported glossary source and target language pair")
        entries = {}
        for line in str(form.get("entries", "")).splitlines():
            if "\t" in line:
                k, v = line.split("\t", 1)
                entries[k] = v
        if not entries:
            return self._fail(handler, 400, "Invalid glossary entries")
        gid = str(uuid.uuid4())
        self.glossaries[gid] = {
            "glossary_id": gid,
            "name": form.get("name", ""),
            "ready": True,
            "source_lang": source.lower(),
            "target_lang": target.lower(),
            "creation_time": "2024-01-01T00:00:00.000000Z",
            "entry_count": len(entries),
            "entries": entries,
        }
        self._send(handler, 201, self._info(self.glossaries[gid]))

    def _target(self, code: str) -> dict | None:
        for lang in self.languages:
            if lang["language"].upper() == code.upper():
                return lang
        return None

    def _translate(self, handler, form: dict) -> None:
        texts = form.get("text") or []
        texts = [texts] if isinstance(texts, str) else list(texts)
        target = str(form.get("target_lang", "")).upper()
        lang = self._target(target)
        if not texts or lang is None:
            return self._fail(handler, 400, "Value for 'target_lang' not supported.")
        formality = form.get("formality")
        if formality in ("more", "less") and not lang.get("supports_formality"):
            return self._fail(handler, 400, "'formality' is not supported for given 'target_lang'.")
        entries: dict[str, str] = {}
        if form.get("glossary_id"):
            glossary = self.glossaries.get(form["glossary_id"])
            if glossary is None:
                return self._fail(handler, 404, "Glossary not found")
            source = str(form.get("source_lang", "")).upper()
            if glossary["source_lang"].upper() != source or glossary["target_lang"].upper() != target.split("-")[0]:
                return self._fail(handler, 400, "Glossary does not match the language pair")
            entries = glossary["entries"]
        ignored = form.get("ignore_tags") or []
        ignored = [ignored] if isinstance(ignored, str) else ignored
        if isinstance(ignored, list) and len(ignored) == 1 and "," in ignored[0]:
            ignored = ignored[0].split(",")
        xml = form.get("tag_handling") in ("xml", "html")
        chars = sum(len(t) for t in texts)
        if self.character_count + chars > self.character_limit:
            return self._fail(handler, 456, "Quota exceeded")
        self.character_count += chars
        label = target + {"more": " formal", "less": " informal"}.get(formality, "")
        out = [
            {
                "detected_source_language": str(form.get("source_lang") or "EN").upper(),
                "text": f"[{label}] " + self._fake(t, entries, ignored if xml else []),
                "billed_characters": len(t),
            }
            for t in texts
        ]
        self._send(handler, 200, {"translations": out})

    @staticmethod
    def _fake(text: str, entries: dict[str, str], ignored: list[str]) -> str:
        """Upper-case every word, except glossary terms (replaced) and ignored tags (kept)."""
        parts = _TAG.split(text) if ignored else [text]
        out = []
        skip = False
        for part in parts:
            if skip:  # the tag name captured by the group
                skip = False
                continue
            if part and part.startswith("<") and _TAG.fullmatch(part):
                name = _TAG.fullmatch(part).group("name")
                out.append(part if name in ignored else part.upper())
                skip = True
                continue
            if not part:
                continue
            pieces = re.split(r"(\s+)", part)
            words = []
            for piece in pieces:
                core = piece.strip(".,;:!?\"'")
                if core and core in entries:
                    words.append(piece.replace(core, entries[core]))
                else:
                    words.append(
                        _ENTITY.sub(lambda m: m.group(0) if m.group(0).startswith("&") else m.group(0).upper(), piece)
                    )
            out.append("".join(words))
        return "".join(out)


if __name__ == "__main__":  # python -m tests.fake_servers: both fakes, until Ctrl-C
    openai_fake, deepl_fake = FakeOpenAI().start(), FakeDeepL().start()
    print(f"OPENAI_BASE_URL={openai_fake.base_url} OPENAI_API_KEY=any")
    print(f"DEEPL_SERVER_URL={deepl_fake.server_url} DEEPL_AUTH_KEY={deepl_fake.auth_key}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        openai_fake.stop()
        deepl_fake.stop()
