"""The pack sections owned by institutions: ``country``, ``governorates``, ``institutions``."""

from __future__ import annotations

from typing import Any

from sanad.institutions.models import (
    AreaLevel,
    Country,
    Governorate,
    Institution,
    RolloutPhase,
    Sector,
    Unit,
)
from sanad.institutions.pack_format import Node
from sanad.institutions.packs import PackContext, Section, register_section, save_if_changed
from sanad.institutions.sectors import SECTOR_CODES, ensure_sectors

PHASES = set(RolloutPhase.values)
LEVELS = set(AreaLevel.values)


def _validate_country(ctx: PackContext, node: Any) -> None:
    r = ctx.reader
    if not isinstance(node, Node):
        r.problem(ctx.root, "'country' must be a mapping")
        return
    if r.require(node, "code", "name_ar", "name_en", "case_prefix", "time_zone"):
        code = str(node["code"])
        if len(code) != 2 or not code.isalpha() or not code.islower():
            r.problem(node, f"country code must be two lower-case letters, got {code!r}")
        expected = ctx.reader.file.rsplit("/", 1)[-1].split(".")[0]
        if expected != code and len(expected) == 2:
            r.problem(node, f"pack file {expected}.yaml declares country {code!r}")


def _apply_country(ctx: PackContext, node: Node) -> None:
    ensure_sectors()
    ctx.objects["country"] = save_if_changed(
        ctx,
        "country",
        Country,
        {"code": node["code"]},
        {k: node[k] for k in ("name_ar", "name_en", "case_prefix", "time_zone")},
    )


def _walk_areas(ctx: PackContext, items: list[Node], parent: Node | None, seen: dict[str, int]) -> None:
    r = ctx.reader
    for node in items:
        if not r.require(node, "code", "name_ar", "name_en"):
            continue
        code = str(node["code"])
        if code in seen:
            r.problem(node, f"duplicate governorate/area code '{code}' (first on line {seen[code]})")
        seen[code] = node.line
        level = node.get("level", AreaLevel.GOVERNORATE if parent is None else AreaLevel.DISTRICT)
        if level not in LEVELS:
            r.problem(node, f"unknown level '{level}' (expected one of {', '.join(sorted(LEVELS))})")
        phase = node.get("phase", RolloutPhase.PLANNED)
        if phase not in PHASES:
            r.problem(node, f"unknown roll-out phase '{phase}' (expected one of {', '.join(sorted(PHASES))})")
        population = node.get("population")
        if population is not None:
            if not isinstance(population, Node):
                r.problem(node, "'population' must be a mapping with value, year and source")
            elif r.require(population, "value", "year", "source"):
                if not isinstance(population["value"], int) or population["value"] <= 0:
                    r.problem(population, "population value must be a positive whole number")
                if not isinstance(population["year"], int) or not 1900 <= population["year"] <= 2100:
                    r.problem(population, "population year must be a year")
        _walk_areas(ctx, r.mappings(node, "areas"), node, seen)


def _validate_governorates(ctx: PackContext, items: Any) -> None:
    seen: dict[str, int] = {}
    if not isinstance(items, list):
        ctx.reader.problem(ctx.root, "'governorates' must be a list")
        return
    _walk_areas(ctx, ctx.reader.mappings(ctx.root, "governorates"), None, seen)
    ctx.known["governorates"] = set(seen)


def _apply_areas(ctx: PackContext, items: list[Node], parent: Governorate | None) -> None:
    for order, node in enumerate(items):
        population = node.get("population") or {}
        area = save_if_changed(
            ctx,
            "governorates",
            Governorate,
            {"country": ctx.objects["country"], "code": str(node["code"])},
            {
                "parent": parent,
                "name_ar": node["name_ar"],
                "name_en": node["name_en"],
                "level": node.get("level", AreaLevel.GOVERNORATE if parent is None else AreaLevel.DISTRICT),
                "rollout_phase": node.get("phase", RolloutPhase.PLANNED),
                "population": population.get("value"),
                "population_year": population.get("year"),
                "population_source": population.get("source", ""),
                "sort_order": order,
            },
        )
        _apply_areas(ctx, list(node.get("areas") or []), area)


def _apply_governorates(ctx: PackContext, items: list[Node]) -> None:
    _apply_areas(ctx, items, None)


def _validate_institutions(ctx: PackContext, items: Any) -> None:
    r = ctx.reader
    if not isinstance(items, list):
        r.problem(ctx.root, "'institutions' must be a list")
        return
    sectors = SECTOR_CODES
    governorates = ctx.known.get("governorates", set())
    seen: dict[str, int] = {}
    nodes = r.mappings(ctx.root, "institutions")
    for node in nodes:
        if r.require(node, "code"):
            code = str(node["code"])
            if code in seen:
                r.problem(node, f"duplicate institution code '{code}' (first on line {seen[code]})")
            seen.setdefault(code, node.line)
    for node in nodes:
        if not r.require(node, "code", "name_ar", "name_en", "sector"):
            continue
        if node["sector"] not in sectors:
            r.problem(node, f"unknown sector '{node['sector']}' (expected one of {', '.join(sorted(sectors))})")
        if node.get("governorate") and node["governorate"] not in governorates:
            r.problem(node, f"unknown governorate '{node['governorate']}'")
        if node.get("parent") and node["parent"] not in seen:
            r.problem(node, f"unknown parent institution '{node['parent']}'")
        phase = node.get("phase", RolloutPhase.PLANNED)
        if phase not in PHASES:
            r.problem(node, f"unknown roll-out phase '{phase}' (expected one of {', '.join(sorted(PHASES))})")
        unit_codes: dict[str, int] = {}
        for unit in r.mappings(node, "units"):
            if not r.require(unit, "code", "name_ar", "name_en"):
                continue
            if unit["code"] in unit_codes:
                r.problem(unit, f"duplicate unit code '{unit['code']}' (first on line {unit_codes[unit['code']]})")
            unit_codes.setdefault(unit["code"], unit.line)
            if unit.get("governorate") and unit["governorate"] not in governorates:
                r.problem(unit, f"unknown governorate '{unit['governorate']}'")
    parents = {str(n["code"]): n.get("parent") for n in nodes if n.get("code")}
    for node in nodes:
        ancestor: str | None = node.get("parent")
        steps = 0
        while ancestor and steps <= len(parents):
            if ancestor == node.get("code"):
                r.problem(node, f"institution '{node['code']}' is its own ancestor")
                break
            ancestor, steps = parents.get(ancestor), steps + 1
    ctx.known["institutions"] = set(seen)


def _apply_institutions(ctx: PackContext, items: list[Node]) -> None:
    country = ctx.objects["country"]
    areas = {g.code: g for g in Governorate.objects.filter(country=country)}
    sectors = {s.code: s for s in Sector.objects.all()}
    by_code: dict[str, Institution] = {}
    # Parents first, whatever the order in the file.
    pending = list(items)
    while pending:
        progressed = False
        for node in list(pending):
            parent_code = node.get("parent")
            if parent_code and parent_code not in by_code:
                continue
            by_code[node["code"]] = save_if_changed(
                ctx,
                "institutions",
                Institution,
                {"country": country, "code": str(node["code"])},
                {
                    "name_ar": node["name_ar"],
                    "name_en": node["name_en"],
                    "sector": sectors[node["sector"]],
                    "governorate": areas.get(node.get("governorate") or ""),
                    "parent": by_code.get(parent_code) if parent_code else None,
                    "rollout_phase": node.get("phase", RolloutPhase.PLANNED),
                },
            )
            pending.remove(node)
            progressed = True
        if not progressed:
            raise ValueError("institution parents form a cycle")  # validate() makes this unreachable
    for node in items:
        institution = by_code[node["code"]]
        for unit in node.get("units") or []:
            save_if_changed(
                ctx,
                "units",
                Unit,
                {"institution": institution, "code": str(unit["code"])},
                {
                    "name_ar": unit["name_ar"],
                    "name_en": unit["name_en"],
                    "governorate": areas.get(unit.get("governorate") or node.get("governorate") or ""),
                },
            )


register_section(Section("country", 0, _validate_country, _apply_country, required=True))
register_section(Section("governorates", 10, _validate_governorates, _apply_governorates, required=True))
register_section(Section("institutions", 20, _validate_institutions, _apply_institutions, required=True))
