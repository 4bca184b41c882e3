from __future__ import annotations

from typing import Any

from django import template

from sanad.taxonomy.models import Code, DefinitionVersion

register = template.Library()


@register.simple_tag(takes_context=True)
def code_label(context: Any, version: DefinitionVersion | None, code_list: str, code: str) -> str:
    """The label of a code in the version it was coded under, in the reader's language; cached per page."""
    if not code or version is None:
        return "—"
    cache = context.render_context.setdefault("code_labels", {})
    key = (version.pk, code_list)
    if key not in cache:
        cache[key] = {c.code: c.label for c in Code.objects.filter(version=version, list=code_list)}
    return str(cache[key].get(code, code))


@register.simple_tag(takes_context=True)
def code_labels(context: Any, version: DefinitionVersion | None, code_list: str, codes: list[str]) -> str:
    return "، ".join(code_label(context, version, code_list, c) for c in codes) or "—"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)
