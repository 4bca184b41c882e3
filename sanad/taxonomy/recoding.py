"""Counting across versions: where a code of an earlier version is counted in a later one.

Each published version declares recodes from the version it was drafted from; a code present in
both maps to itself. ``recode_map`` composes the steps along the chain, so a statistic over a
period that spans versions 1 to 4 counts every record under version 4's codes."""

from __future__ import annotations

from sanad.taxonomy.models import Code, DefinitionVersion, Recode

Key = tuple[str, str]


def _chain(older: DefinitionVersion, newer: DefinitionVersion) -> list[DefinitionVersion]:
    """The versions after ``older`` up to ``newer``, oldest first, following ``recodes_from``."""
    steps: list[DefinitionVersion] = []
    current: DefinitionVersion | None = newer
    while current is not None and current.pk != older.pk:
        steps.append(current)
        current = current.recodes_from
    if current is None:
        raise ValueError(f"version {newer.number} does not descend from version {older.number}")
    return list(reversed(steps))


def recode_map(older: DefinitionVersion, newer: DefinitionVersion) -> dict[Key, str | None]:
    """For each (list, code) of ``older``: its code in ``newer``, or None when it has no counterpart."""
    current: dict[Key, str | None] = {
        (list_name, code): code for list_name, code in Code.objects.filter(version=older).values_list("list", "code")
    }
    for step in _chain(older, newer):
        present = set(Code.objects.filter(version=step).values_list("list", "code"))
        moves = {(r.list, r.from_code): r.to_code for r in Recode.objects.filter(version=step)}
        for key, code in current.items():
            if code is None:
                continue
            here = (key[0], code)
            current[key] = moves.get(here, code if here in present else None)
    return current


def recode(older: DefinitionVersion, newer: DefinitionVersion, code_list: str, code: str) -> str | None:
    return recode_map(older, newer).get((code_list, code))
