"""Loading a country pack: validate everything, then write everything in one transaction.

Each domain registers the sections it owns (``register_section``) from its AppConfig.ready, so
later domains (definitions, response standards, legal grounds...) extend packs without this
module knowing them. A load is idempotent: rows are matched by their codes and only changed
fields are written; nothing is deleted.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model

from sanad.institutions.pack_format import Node, PackReader, PackRefused, read_pack

PACKS_DIR = settings.BASE_DIR / "packs"


@dataclass
class PackContext:
    reader: PackReader
    root: Node
    # Codes each section declares, for the sections after it to check references against.
    known: dict[str, set[str]] = field(default_factory=dict)
    # Objects written by earlier sections during apply (e.g. "country").
    objects: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, section: str, outcome: str) -> None:
        self.summary.setdefault(section, Counter())[outcome] += 1


@dataclass(frozen=True)
class Section:
    name: str
    order: int
    validate: Callable[[PackContext, Any], None]
    apply: Callable[[PackContext, Any], None]
    required: bool = False


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _SECTIONS[section.name] = section


def pack_path(code_or_path: str) -> Path:
    candidate = Path(code_or_path)
    if candidate.suffix in {".yaml", ".yml"}:
        return candidate
    return PACKS_DIR / f"{code_or_path}.yaml"


def save_if_changed(
    ctx: PackContext, section: str, model: type[Model], lookup: dict[str, Any], values: dict[str, Any]
) -> Any:
    """Create or update one row by its natural key, writing only when something differs."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        ctx.count(section, "created")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        ctx.count(section, "updated")
    else:
        ctx.count(section, "unchanged")
    return obj


def load_country_pack(code_or_path: str) -> dict[str, dict[str, int]]:
    """Load one pack; raise PackRefused (nothing written) or return the per-section summary."""
    from sanad.institutions.models import PackLoad

    path = pack_path(code_or_path)
    root = read_pack(path)
    ctx = PackContext(reader=PackReader(file=str(path)), root=root)

    for name in root:
        if name not in _SECTIONS:
            ctx.reader.problem(root, f"unknown section '{name}'")
    ordered = sorted(_SECTIONS.values(), key=lambda s: s.order)
    for section in ordered:
        if section.name in root:
            section.validate(ctx, root[section.name])
        elif section.required:
            ctx.reader.problem(root, f"missing section '{section.name}'")
    if ctx.reader.problems:
        raise PackRefused(ctx.reader.problems)

    with transaction.atomic():
        for section in ordered:
            if section.name in root:
                section.apply(ctx, root[section.name])
        summary = {name: dict(counts) for name, counts in ctx.summary.items()}
        PackLoad.objects.create(
            country_code=root["country"]["code"],
            source=str(path.name),
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            summary=summary,
        )
    return summary


def refuse(problems: list[Any]) -> None:
    if problems:
        raise PackRefused(problems)
