"""The Campaign document: everything a marketer made for one product photo.

It is kept on a Story (`Story.campaign`), so a campaign is saved, versioned, shared and deleted
exactly as a story is, in the same space, with the same revision checks; the story's photo and
captions are the campaign's. The brand kit is copied in as it was when chosen (a later change to
the space's kit does not repaint a campaign already presented); its logo and font are files of
the story, named by their hash, like its pictures.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.campaign.brand import BrandKit

MAX_VARIANTS = 8


def _now() -> datetime:
    return datetime.now(UTC)


def _short_id() -> str:
    return secrets.token_hex(6)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


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
