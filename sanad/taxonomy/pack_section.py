"""The ``definitions`` section of a country pack: the first published version of a country.

    definitions:
      base: v1                  # sanad/taxonomy/data/v1.yaml, shipped with Sanad
      add:                      # national codes beside the shared ones, mapped to GBVIMS and ICCS
        - {list: violence_type, code: ..., label_ar: ..., label_en: ..., definition_ar: ...,
           gbvims_type: ..., iccs_code: "...", order: ...}

The pack publishes it once. Loading again changes nothing when the pack still says what the
published version holds; when the pack now says something else the pack is refused, because a
published version never changes: a new version is drafted on the definitions pages instead.
"""

from __future__ import annotations

from typing import Any

from sanad.access.actor import Actor
from sanad.institutions.models import Country
from sanad.institutions.pack_format import Node
from sanad.institutions.packs import PackContext, Section, register_section
from sanad.taxonomy.checks import Problem, check_version
from sanad.taxonomy.content import CodeData, VersionContent, content_of
from sanad.taxonomy.files import DATA_DIR, code_from_mapping, read_shipped
from sanad.taxonomy.models import DefinitionVersion
from sanad.taxonomy.services import publish_content

SECTION = "definitions"


def _pack_content(ctx: PackContext, node: Node) -> VersionContent | None:
    r = ctx.reader
    base = str(node.get("base") or "")
    if not base or not (DATA_DIR / f"{base}.yaml").is_file():
        r.problem(node, f"unknown definitions base '{base}' (shipped: v1)")
        return None
    content, problems = read_shipped(base)
    for item in r.mappings(node, "add"):
        found: list[Problem] = []
        code = code_from_mapping(item, "", found, national=True)
        for problem in found:
            r.problem(item, problem.en)
        if code is not None:
            content.codes.append(CodeData(**{**code.values(), "origin": f"line {item.line}"}))
    for problem in problems:
        r.problem(node, str(problem))
    return content


def _comparable(content: VersionContent) -> set[tuple[Any, ...]]:
    return {tuple(sorted(c.values().items(), key=lambda kv: kv[0])) for c in content.codes}


def _validate(ctx: PackContext, node: Any) -> None:
    if not isinstance(node, Node):
        ctx.reader.problem(ctx.root, "'definitions' must be a mapping with 'base' and optional 'add'")
        return
    content = _pack_content(ctx, node)
    if content is None:
        return
    for problem in check_version(content, None):
        ctx.reader.problem(node, str(problem))
    country_code = (ctx.root.get("country") or {}).get("code")
    first = DefinitionVersion.objects.filter(country__code=country_code, number=1).first()
    if first is not None and _comparable(content_of(first)) != _comparable(content):
        ctx.reader.problem(
            node,
            "the pack's definitions differ from published version 1, which cannot change; "
            "draft a new version on the definitions pages (or import the file there)",
        )
    ctx.objects["definitions_content"] = content


def _apply(ctx: PackContext, node: Node) -> None:
    country: Country = ctx.objects["country"]
    if DefinitionVersion.objects.filter(country=country).exists():
        ctx.count(SECTION, "unchanged")
        return
    publish_content(
        actor=Actor.for_system("load_country_pack"),
        country=country,
        content=ctx.objects["definitions_content"],
        source=f"pack:{country.code}",
        notes=str(node.get("notes") or ""),
    )
    ctx.count(SECTION, "created")


register_section(Section(SECTION, 30, _validate, _apply))
