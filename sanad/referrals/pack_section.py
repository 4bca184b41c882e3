"""The ``referrals`` section of a country pack: legal grounds for sharing without consent and the
response standards per receiving sector and urgency.

    referrals:
      legal_grounds:
        - {code: child_at_risk, name_ar: ..., name_en: ...}
      response_standards:          # durations: 30m, 4h, 14d
        - {sector: shelter, urgency: immediate, acknowledge: 1h, first_contact: 4h, complete: 14d,
           escalate_after: 2h}

Every standard a pack ships is a default: it applies at once, and stays marked as a default until the
national administrator confirms it (or changes it) on the standards page. A confirmed standard is
never overwritten by loading the pack again. Decline reasons are part of the definitions
(``decline_reason``), published by the ``definitions`` section.
"""

from __future__ import annotations

import re
from typing import Any

from sanad.institutions.models import Country, Sector
from sanad.institutions.pack_format import Node
from sanad.institutions.packs import PackContext, Section, register_section, save_if_changed
from sanad.institutions.sectors import SECTOR_CODES
from sanad.referrals.models import LegalGround, ResponseStandard, Urgency

SECTION = "referrals"
_DURATION = re.compile(r"^(\d+)\s*([mhd])$")
_MINUTES = {"m": 1, "h": 60, "d": 1440}
_TIMES = ("acknowledge", "first_contact", "complete", "escalate_after")


def minutes(value: Any) -> int | None:
    match = _DURATION.match(str(value).strip())
    return int(match.group(1)) * _MINUTES[match.group(2)] if match else None


def _validate(ctx: PackContext, node: Any) -> None:
    r = ctx.reader
    if not isinstance(node, Node):
        r.problem(ctx.root, "'referrals' must be a mapping with 'legal_grounds' and 'response_standards'")
        return
    seen: set[str] = set()
    for ground in r.mappings(node, "legal_grounds"):
        if r.require(ground, "code", "name_ar", "name_en"):
            if ground["code"] in seen:
                r.problem(ground, f"duplicate legal ground '{ground['code']}'")
            seen.add(str(ground["code"]))
    pairs: set[tuple[str, str]] = set()
    for item in r.mappings(node, "response_standards"):
        if not r.require(item, "sector", "urgency", *_TIMES):
            continue
        if item["sector"] not in SECTOR_CODES:
            r.problem(item, f"unknown sector '{item['sector']}'")
        if item["urgency"] not in Urgency.values:
            r.problem(item, f"unknown urgency '{item['urgency']}' (expected {', '.join(Urgency.values)})")
        for name in _TIMES:
            if not minutes(item[name]):
                r.problem(item, f"'{name}' must be a duration such as 30m, 4h or 14d, got {item[name]!r}")
        times = [minutes(item[n]) or 0 for n in ("acknowledge", "first_contact", "complete")]
        if times != sorted(times):
            r.problem(item, "the times must not decrease: acknowledge <= first_contact <= complete")
        key = (str(item["sector"]), str(item["urgency"]))
        if key in pairs:
            r.problem(item, f"duplicate standard for {key[0]}/{key[1]}")
        pairs.add(key)


def _apply(ctx: PackContext, node: Node) -> None:
    country: Country = ctx.objects["country"]
    for order, ground in enumerate(node.get("legal_grounds") or []):
        save_if_changed(
            ctx,
            SECTION,
            LegalGround,
            {"country": country, "code": ground["code"]},
            {"name_ar": ground["name_ar"], "name_en": ground["name_en"], "sort_order": order},
        )
    for item in node.get("response_standards") or []:
        lookup = {"country": country, "sector": Sector.objects.get(code=item["sector"]), "urgency": item["urgency"]}
        current = ResponseStandard.objects.filter(**lookup).first()
        if current is not None and not current.is_default:
            ctx.count(SECTION, "confirmed, kept")
            continue
        save_if_changed(
            ctx,
            SECTION,
            ResponseStandard,
            lookup,
            {
                "acknowledge_minutes": minutes(item["acknowledge"]),
                "first_contact_minutes": minutes(item["first_contact"]),
                "complete_minutes": minutes(item["complete"]),
                "escalate_after_minutes": minutes(item["escalate_after"]),
                "is_default": True,
            },
        )


# After the institutions (the sectors exist) and the definitions.
register_section(Section(SECTION, 40, _validate, _apply))
