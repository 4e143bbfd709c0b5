"""Configuration: from the environment, `.streamlit/secrets.toml`, and what a person types in.

Later sources win: defaults < secrets.toml < environment < the browser session's own choices.
Every field can be set in the environment as `VISUTALE_<FIELD>` (upper case); the usual names of
the services' own tools work too (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `DEEPL_AUTH_KEY`,
`DEEPL_SERVER_URL`). Keys are `SecretStr`: printing or dumping a Settings object shows `**********`,
so a key cannot leak into a log, a story or a page by accident.

The defaults are the offline engine everywhere: the README's run command works on any machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, ValidationInfo, field_validator

from core import providers
from core.errors import InputError

ROOT = Path(__file__).resolve().parent.parent

# The names other tools already use for these settings.
ALIASES = {
    "OPENAI_API_KEY": "openai_api_key",
    "OPENAI_BASE_URL": "openai_base_url",
    "DEEPL_AUTH_KEY": "deepl_auth_key",
    "DEEPL_SERVER_URL": "deepl_server_url",
    "AWS_ENDPOINT_URL": "s3_endpoint_url",
    "AWS_ACCESS_KEY_ID": "s3_access_key_id",
    "AWS_SECRET_ACCESS_KEY": "s3_secret_access_key",
    "AWS_REGION": "s3_region",
}
SECRET_FIELDS = (
    "openai_api_key",
    "deepl_auth_key",
    "access_password",
    "vision_api_key",
    "writer_api_key",
    "illustrator_api_key",
    "narrator_api_key",
    "s3_secret_access_key",
)


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    # Which engine serves each capability: a name registered in `core.providers.REGISTRY`.
    vision: str = "offline"
    writer: str = "offline"
    translator: str = "none"  # "writer": the chosen writer translates
    illustrator: str = "offline"
    upscaler: str = "offline"
    narrator: str = "offline"

    # Local models (ids on the Hugging Face hub, or local folders).
    model_vision: str = "llava-hf/llava-1.5-7b-hf"
    model_writer: str = "Qwen/Qwen2.5-7B-Instruct"
    model_illustrator: str = "stabilityai/stable-diffusion-xl-base-1.0"
    model_refiner: str = "stabilityai/stable-diffusion-xl-refiner-1.0"
    model_upscaler: str = "stabilityai/stable-diffusion-x4-upscaler"
    load_in_4bit: bool = True
    gpu_memory_budget_gb: float | None = None  # None: what the card has
    illustrator_steps: int = Field(default=40, ge=1, le=200)
    # The long side of a picture in pixels (512 suits a CPU); None: each engine's own size.
    illustrator_size: int | None = Field(default=None, ge=128, le=2048)
    stop_words: list[str] = Field(default_factory=list)  # censored from local captions

    # Remote services. One OpenAI-compatible server by default; each capability may override.
    openai_base_url: str | None = None  # None: api.openai.com
    openai_api_key: SecretStr | None = None
    remote_vision_model: str = "gpt-4o-mini"
    remote_writer_model: str = "gpt-4o-mini"
    remote_illustrator_model: str = "gpt-image-1"
    vision_base_url: str | None = None
    vision_api_key: SecretStr | None = None
    writer_base_url: str | None = None
    writer_api_key: SecretStr | None = None
    illustrator_base_url: str | None = None
    illustrator_api_key: SecretStr | None = None
    request_timeout_s: float = Field(default=120.0, gt=0)
    writer_max_tokens: int | None = Field(default=8192, ge=256)  # per story answer; None: the server's limit
    deepl_auth_key: SecretStr | None = None
    deepl_server_url: str | None = None  # None: chosen by the key (Free keys end in ":fx")

    # The studio itself.
    data_dir: Path | str = ROOT / "data"  # a folder, or an object store: "s3://bucket/prefix"
    static_dir: Path = ROOT / "static"
    public_base_url: str | None = None  # for QR codes: how a phone reaches this studio
    access_password: SecretStr | None = None
    safety: bool = False  # classroom safety checks on prompts and texts
    # Limits per space (`core.people.limits`), set by the operator only; None: no limit.
    limit_stories_per_space: int | None = Field(default=None, ge=0)
    limit_pictures_per_hour: int | None = Field(default=None, ge=0)
    limit_remote_calls_per_day: int | None = Field(default=None, ge=0)
    # The photo as visual reference for pictures (`core/providers/local_reference.py`; the remote
    # engine sends it to the images edit endpoint): "none" or "photo"; how strongly it guides them.
    illustrator_reference: str = Field(default="none", pattern="^(none|photo)$")
    reference_strength: float = Field(default=0.5, ge=0.0, le=1.0)
    model_ip_adapter: str = "h94/IP-Adapter"  # a hub id or folder holding the SDXL IP-Adapter
    ip_adapter_weight: str = "sdxl_models/ip-adapter_sdxl.safetensors"  # its subfolder/weight file

    # Reading aloud (`core.narration`): the voice ("" each engine's own: offline, Piper's joe for
    # English and espeak-ng for other languages; "joe" or "espeak" offline; a server's voice name
    # such as "alloy" remote), the remote speech model and its own server, if any.
    narrator_voice: str = ""
    remote_narrator_model: str = "gpt-4o-mini-tts"
    narrator_base_url: str | None = None
    narrator_api_key: SecretStr | None = None

    # An object store for `data_dir = "s3://bucket/prefix"` (`core.storage.datadir`); unset, botocore looks
    # where every AWS tool does (~/.aws, an instance role).
    s3_endpoint_url: str | None = None  # MinIO, Ceph, R2...; None: AWS S3
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_region: str | None = None

    @field_validator("data_dir", mode="before")
    @classmethod
    def _folder_or_url(cls, value: object) -> object:
        """A folder, or an object store's address kept as written (a Path would fold its `//`)."""
        if isinstance(value, str) and "://" in value:
            return value.rstrip("/")
        return Path(value) if isinstance(value, str) else value

    @field_validator(*providers.CAPABILITIES)
    @classmethod
    def _registered_engine(cls, value: str, info: ValidationInfo) -> str:
        names = providers.engine_names(info.field_name)
        if value not in names:
            raise ValueError(f"'{value}' is not a {info.field_name} engine; choose {', '.join(names)}")
        return value

    def endpoint(self, capability: str) -> tuple[str | None, str | None]:
        """(base_url, api_key) for a remote capability, falling back to the shared server."""
        base = getattr(self, f"{capability}_base_url", None) or self.openai_base_url
        key = getattr(self, f"{capability}_api_key", None) or self.openai_api_key
        return base, key.get_secret_value() if key else None

    def secrets(self) -> list[str]:
        """Every secret value set, so logs and exports can be checked against them."""
        values = (getattr(self, name) for name in SECRET_FIELDS)
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field_name in ALIASES.items():
        if env.get(name):
            values[field_name] = env[name]
    for field_name in Settings.model_fields:
        key = f"VISUTALE_{field_name.upper()}"
        if env.get(key) not in (None, ""):
            raw = env[key]
            values[field_name] = raw.split(",") if field_name == "stop_words" else raw
    return values


def _from_secrets(secrets: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in secrets.items():
        name = ALIASES.get(key, key.lower())
        if name in Settings.model_fields:
            values[name] = value
    return values


# Which configured keys a server address may receive: a session that points one of these at
# another server must bring its own key, or the operator's key would go to that server.
ENDPOINT_KEYS = {
    "openai_base_url": (
        "openai_api_key",
        "vision_api_key",
        "writer_api_key",
        "illustrator_api_key",
        "narrator_api_key",
    ),
    "vision_base_url": ("vision_api_key", "openai_api_key"),
    "writer_base_url": ("writer_api_key", "openai_api_key"),
    "illustrator_base_url": ("illustrator_api_key", "openai_api_key"),
    "narrator_base_url": ("narrator_api_key", "openai_api_key"),
    "deepl_server_url": ("deepl_auth_key",),
}


def load_settings(
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    own_endpoints_need_own_keys: bool = False,
) -> Settings:
    """Settings from every source. A bad value raises InputError naming the field.

    With `own_endpoints_need_own_keys` (a shared studio), a session that overrides a server address
    loses the configured keys that address could receive unless it typed its own: a visitor must
    not be able to send the operator's key to a server of their choosing. The limits per space
    (`limit_*`) come from the operator alone: `overrides` cannot set them.
    """
    import os

    values: dict[str, Any] = {}
    values.update(_from_secrets(secrets or {}))
    values.update(_from_env(os.environ if env is None else env))
    # A session's own choices never lift the operator's limits.
    mine = {k: v for k, v in (overrides or {}).items() if v not in (None, "") and not k.startswith("limit_")}
    if own_endpoints_need_own_keys:
        for url_field, keys in ENDPOINT_KEYS.items():
            if url_field in mine and mine[url_field] != values.get(url_field):
                for key in keys:
                    if key not in mine:
                        values.pop(key, None)
    values.update(mine)
    try:
        return Settings(**values)
    except ValidationError as error:
        first = error.errors()[0]
        field_name = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise InputError(f"The setting '{field_name}' is not valid: {message}.") from None
