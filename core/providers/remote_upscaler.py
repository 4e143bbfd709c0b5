"""The upscaler on a remote picture server: `POST /v1/images/upscale` (our Ray Serve app's route).

OpenAI's API has no upscale route, so this one is ours, shaped like `/v1/images/generations`: the
request is JSON `{"model", "image": base64 PNG, "factor": 2 | 4, "prompt", "response_format":
"b64_json"}`, the answer `{"created", "data": [{"b64_json": ...}]}`. It goes to the illustrator's
server (`illustrator_base_url`, else `openai_base_url`): the server that draws the pictures is the
one that enlarges them. The model is the `model_upscaler` setting, the name `python -m core serve`
serves it under. Failures and retries are the remote engine's (`_Service`): one sentence naming the
server, 5xx retried with a bounded backoff.
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any

from core.errors import InputError, ProviderError
from core.providers.remote_openai import _service

if TYPE_CHECKING:
    from PIL.Image import Image

    from core.settings import Settings

ROUTE = "/images/upscale"  # under the base URL, which ends in /v1


class RemoteUpscaler:
    engine = "remote"

    def __init__(self, service: Any) -> None:
        self.service = service
        self.model = service.model

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> RemoteUpscaler:
        return cls(_service(settings, "illustrator", settings.model_upscaler, **options))

    def upscale(self, image: Image, factor: int, prompt: str = "") -> Image:
        if factor not in (2, 4):
            raise InputError("Pictures can be upscaled 2x or 4x.")
        import httpx
        from PIL import Image as PILImage

        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "PNG")
        body = {
            "model": self.model,
            "image": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "factor": factor,
            "prompt": prompt,
            "response_format": "b64_json",
        }
        client = self.service.client
        response = self.service.call(lambda: client.post(ROUTE, body=body, cast_to=httpx.Response), "upscale request")
        try:
            b64 = response.json()["data"][0]["b64_json"]
            big = PILImage.open(io.BytesIO(base64.b64decode(b64)))
            big.load()
        except Exception:  # noqa: BLE001 - any unreadable answer is the server's bad data
            raise ProviderError(
                f"The server {self.service.host} sent an upscaled picture that could not be read; try again."
            ) from None
        wanted = (image.width * factor, image.height * factor)
        return big.convert("RGB") if big.size == wanted else big.convert("RGB").resize(wanted)
