"""The ``statistics`` section of a country pack: how the country protects small cells.

    statistics:
      threshold: 5            # counts from 1 to threshold - 1 are suppressed (default 5)
      rounding_base: 0        # round published counts to a multiple of this (0: no rounding)
      consent_required: false # count only survivors who consented to statistical use

Without the section a country gets the defaults.
"""

from __future__ import annotations

from typing import Any

from sanad.institutions.models import Country
from sanad.institutions.pack_format import Node
from sanad.institutions.packs import PackContext, Section, register_section, save_if_changed
from sanad.statistics.models import StatisticsSettings

SECTION = "statistics"


def _validate(ctx: PackContext, node: Any) -> None:
    r = ctx.reader
    if not isinstance(node, Node):
        r.problem(ctx.root, "'statistics' must be a mapping (threshold, rounding_base, consent_required)")
        return
    for name in ("threshold", "rounding_base"):
        value = node.get(name, 0 if name == "rounding_base" else 5)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 100:
            r.problem(node, f"'{name}' must be a whole number from 0 to 100, got {value!r}")
    if not isinstance(node.get("consent_required", False), bool):
        r.problem(node, "'consent_required' must be true or false")


def _apply(ctx: PackContext, node: Node) -> None:
    country: Country = ctx.objects["country"]
    save_if_changed(
        ctx,
        SECTION,
        StatisticsSettings,
        {"country": country},
        {
            "threshold": int(node.get("threshold", 5)),
            "rounding_base": int(node.get("rounding_base", 0)),
            "consent_required": bool(node.get("consent_required", False)),
        },
    )


register_section(Section(SECTION, 60, _validate, _apply))
