"""The remote upscaler's client side, against a server that has no upscale route (OpenAI-compatible
servers other than `python -m core serve`): one sentence saying so, nothing else. The route itself is
driven end to end in tests/test_serve.py."""

from __future__ import annotations

import pytest
from PIL import Image

from core.errors import InputError, ProviderError
from core.providers import upscaler_for
from core.settings import Settings
from tests.fake_servers import FakeOpenAI


def test_a_server_without_the_upscale_route_is_named_with_what_to_check():
    with FakeOpenAI() as server:
        settings = Settings(upscaler="remote", illustrator_base_url=server.base_url, request_timeout_s=5)
        upscaler = upscaler_for(settings)
        with pytest.raises(ProviderError, match=r"has no endpoint for this upscale request \(404"):
            upscaler.upscale(Image.new("RGB", (8, 8)), 2)
        assert [r.path for r in server.requests] == ["/v1/images/upscale"]
        with pytest.raises(InputError, match="2x or 4x"):
            upscaler.upscale(Image.new("RGB", (8, 8)), 3)
