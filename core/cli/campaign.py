"""`python -m core campaign PHOTO --out DIR`: the Campaign pages' steps in one go.

Writes `A-1x1.png`, `A-4x5.png` ... (variant letter, format), `deck.pdf`, `copy.csv` and
`campaign.zip` into DIR, and keeps the campaign in the data folder like any story. Bad input (a
brand file with an invalid colour, a font that cannot be embedded, an unknown brief field) exits
2 with one line naming the field.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from io import BytesIO
from pathlib import Path

from core import jobs, providers, studio
from core.campaign import steps
from core.campaign.brand import kit_json, kit_toml, read_kit
from core.campaign.brands import KIT_ID, BrandKits
from core.campaign.plain_brief import read_plain_brief
from core.campaign_document import BRIEF_FIELDS
from core.cli.common import publisher_for
from core.cli.output import run
from core.errors import InputError
from core.settings import Settings
from core.storage.store import Store


def parse_brief(text: str) -> dict[str, str]:
    """'product=X; audience=Y' as fields; text without '=' is the product."""
    text = text.strip()
    if not text:
        return {}
    if "=" not in text:  # a sentence: its product, audience, offer and call to action
        fields, unread = read_plain_brief(text)
        if unread:
            print(f"brief: not used: {'; '.join(unread)} (write product=...; audience=...; offer=...)", file=sys.stderr)
        return fields
    fields = {}
    for part in filter(None, (p.strip() for p in text.replace("\n", ";").split(";"))):
        key, sep, value = part.partition("=")
        key = key.strip().lower().replace(" ", "_")
        if key == "call_to_action":
            key = "cta"
        if not sep or key not in BRIEF_FIELDS:
            raise InputError(f"brief: '{key or part}' is not a brief field ({', '.join(BRIEF_FIELDS)}).")
        fields[key] = value.strip()
    return fields


def campaign(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    if not args.photo.is_file():
        raise InputError(f"There is no photo at {args.photo}.")
    brief = parse_brief(args.brief)
    kit, source = None, ""
    if args.brand is not None:
        if args.brand.is_file():
            kit, source = (
                read_kit(args.brand.read_bytes(), args.brand.name, args.brand.parent),
                f"file {args.brand.name}",
            )
        elif KIT_ID.match(str(args.brand)):
            kit, revision = BrandKits(store).load(str(args.brand))
            source = f"kit {args.brand} revision {revision}"
        else:
            raise InputError(f"brand: there is no brand file at {args.brand}.")
    # Ask for every engine before any work, so a missing model or translator fails fast.
    if not args.caption:
        providers.vision_for(settings)
    providers.writer_for(settings)
    if args.style == "scene":
        providers.illustrator_for(settings)
    if args.translate:
        providers.translator_for(settings)
    tools = jobs.Tools(settings, publisher_for(settings) if args.publish else None)
    story = steps.start_campaign(store, args.photo.read_bytes(), args.photo.name, kit, source)
    print(f"campaign {story.id} (saved in {store.location(story.id)})", file=sys.stderr)
    extra = {"name": args.name} if args.name else {}
    steps.update_campaign(store, story, style=args.style, seed=args.seed, **brief, **extra)
    # Each step is a job of the campaign (`core.jobs`), recorded so that `jobs ID` lists it and
    # `jobs ID --resume JOB` finishes one this process did not.
    if args.caption:
        studio.edit_caption(store, story, args.caption)
    else:
        run(jobs.follow(store, story, "caption", {}, tools), "caption")
    run(jobs.follow(store, story, "campaign-copy", {"count": args.variants}, tools), "copy")
    pictures = {"language": None, "variant_ids": None}
    run(jobs.follow(store, story, "campaign-pictures", pictures, tools), "pictures")
    for language in args.translate:
        run(jobs.follow(store, story, "campaign-translate", {"language": language}, tools), f"translate {language}")
        pictures = {"language": language, "variant_ids": None}
        run(jobs.follow(store, story, "campaign-pictures", pictures, tools), f"pictures {language}")
    run(jobs.follow(store, story, "campaign-export", {}, tools), "export")
    record, _, archive = steps.latest_export(store, story)
    args.out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(BytesIO(archive)) as files:
        for name in files.namelist():
            (args.out / name).write_bytes(files.read(name))
    (args.out / steps.ZIP_NAME).write_bytes(archive)
    for variant in story.campaign.variants:
        letter = story.campaign.letter(variant.id)
        print(f"{letter}: {variant.headline} | {variant.body} | {variant.cta}", file=sys.stderr)
    print(args.out / steps.ZIP_NAME)
    if record.url:
        print(record.url)


def brand(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    kits = BrandKits(store)
    if args.action == "list":
        for kit in kits.list():
            print(f"{kit.id}  version {kit.revision}  {kit.updated:%Y-%m-%d %H:%M}  {kit.name}")
        return
    if not args.target:
        raise InputError(f"brand {args.action}: name the {'kit file' if args.action == 'import' else 'kit id'}.")
    if args.action == "import":
        path = Path(args.target)
        if not path.is_file():
            raise InputError(f"brand: there is no brand file at {path}.")
        kit_id, revision = kits.save(read_kit(path.read_bytes(), path.name, path.parent))
        print(kit_id)
        return
    kit, _ = kits.load(args.target)
    if args.out is None:
        raise InputError("brand export: say where with --out FILE (.toml or .json).")
    text = kit_json(kit.kit, kit.files) if args.out.suffix.lower() == ".json" else kit_toml(kit.kit, kit.files)
    args.out.write_text(text, encoding="utf-8")
    print(args.out)
