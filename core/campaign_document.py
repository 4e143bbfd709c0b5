"""The Campaign document: everything a marketer made for one product photo, and the brand kit
it carries (`core.campaign.brand` reads and checks kits; this module is what is stored).

It is kept on a Story (`Story.campaign`), so a campaign is saved, versioned, shared and deleted
exactly as a story is, in the same space, with the same revision checks; the story's photo and
captions are the campaign's. The brand kit is copied in as it was when chosen (a later change to
the space's kit does not repaint a campaign already presented); its logo and font are files of
the story, named by their hash, like its pictures.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_VARIANTS = 8
CAMPAIGN_STYLES = ("clean", "bold", "photo", "scene")  # the mockups' looks: core.campaign.render draws each
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")  # a colour as a designer writes it
FILE_NAME = r"^[0-9a-f]{64}\.(png|bin)$"  # a kit's logo or font, named by the hash of its bytes

RGB = tuple[int, int, int]


def rgb(hex_colour: str) -> RGB:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _now() -> datetime:
    return datetime.now(UTC)


def _short_id() -> str:
    return secrets.token_hex(6)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


class Palette(BaseModel):
    model_config = ConfigDict(extra="forbid")

    primary: str
    accent: str
    background: str = "#FFFFFF"
    text: str = "#111111"

    @field_validator("primary", "accent", "background", "text")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not isinstance(value, str) or not HEX.match(value.strip()):
            raise ValueError(f"'{value}' is not a colour: write it as # and six hex digits, like #1A73E8")
        return value.strip().upper()

    def colours(self) -> dict[str, RGB]:
        return {name: rgb(getattr(self, name)) for name in ("primary", "accent", "background", "text")}


class BrandKit(BaseModel):
    """A brand kit as stored: files (logo, font) are named by the hash of their bytes."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    palette: Palette
    tone: list[str] = Field(default_factory=list, max_length=8)
    banned: list[str] = Field(default_factory=list, max_length=200)
    mandatory: str = Field(default="", max_length=160)
    logo: str | None = Field(default=None, pattern=FILE_NAME)
    font: str | None = Field(default=None, pattern=FILE_NAME)
    font_family: str = ""  # the uploaded font's own name, for people

    @field_validator("name", "mandatory")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("tone", "banned")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        words = [" ".join(str(w).split()).lower() for w in value]
        return list(dict.fromkeys(w for w in words if w))


class CampaignBrief(_Model):
    product: str = ""
    audience: str = ""
    offer: str = ""
    channel: str = ""
    cta: str = ""  # the call to action the person wants ("" lets the writer choose)
    language: str = "en"


BRIEF_FIELDS = ("product", "audience", "offer", "channel", "cta", "language")


class CopyVariant(_Model):
    id: str = Field(default_factory=_short_id)
    headline: str
    body: str
    cta: str
    locked: bool = False  # kept when the others are written again
    author: Literal["model", "person"] = "model"
    engine: str = ""
    created: datetime = Field(default_factory=_now)


class CopyTranslation(_Model):
    variant: str  # CopyVariant.id
    language: str
    headline: str
    body: str
    cta: str
    engine: str = ""


class CampaignPicture(_Model):
    variant: str  # CopyVariant.id
    format: str  # "1x1", "4x5", "9x16", "16x9"
    language: str = "en"
    image: str  # image name in the store
    style: str
    subject_box: tuple[int, int, int, int]
    text_boxes: list[tuple[int, int, int, int]] = Field(default_factory=list)
    min_contrast: float
    panel: bool = False
    engine: str = "offline"  # who drew the background


class CampaignExport(_Model):
    token: str
    deck_size: int
    zip_size: int
    files: list[str]  # the names inside the ZIP
    url: str | None = None  # where the deck is published (the QR code's address)
    zip_url: str | None = None
    created: datetime = Field(default_factory=_now)


class Campaign(_Model):
    name: str
    brand: BrandKit
    brand_source: str = ""  # "default", "file NAME", or "kit ID revision N" of the space
    brief: CampaignBrief = Field(default_factory=CampaignBrief)
    style: str = "clean"
    seed: int = 1
    variants: list[CopyVariant] = Field(default_factory=list)
    translations: list[CopyTranslation] = Field(default_factory=list)
    pictures: list[CampaignPicture] = Field(default_factory=list)
    backdrop: str | None = None  # image name of a backdrop drawn by a model (style "scene")
    exports: list[CampaignExport] = Field(default_factory=list)

    def variant(self, variant_id: str) -> CopyVariant | None:
        return next((v for v in self.variants if v.id == variant_id), None)

    def letter(self, variant_id: str) -> str:
        """Variants are called A, B, C ... on the pictures' file names and in the deck."""
        ids = [v.id for v in self.variants]
        return chr(ord("A") + ids.index(variant_id)) if variant_id in ids else "?"

    def picture(self, variant_id: str, fmt: str, language: str | None = None) -> CampaignPicture | None:
        language = language or self.brief.language
        found = [p for p in self.pictures if (p.variant, p.format, p.language) == (variant_id, fmt, language)]
        return found[-1] if found else None

    def translation(self, variant_id: str, language: str) -> CopyTranslation | None:
        found = [t for t in self.translations if (t.variant, t.language) == (variant_id, language)]
        return found[-1] if found else None

    def image_names(self) -> set[str]:
        names = {p.image for p in self.pictures}
        names |= {n for n in (self.brand.logo, self.brand.font, self.backdrop) if n}
        return names
