"""What changed between two versions: added, retired, renamed, merged, remapped, redefined."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sanad.taxonomy.content import CodeData, VersionContent, content_of
from sanad.taxonomy.models import DefinitionVersion, RecodeKind
from sanad.taxonomy.recoding import recode_map


@dataclass(frozen=True)
class Renamed:
    before: CodeData
    after: CodeData


@dataclass(frozen=True)
class Merged:
    into: CodeData
    sources: tuple[CodeData, ...]


@dataclass
class Comparison:
    older: DefinitionVersion
    newer: DefinitionVersion
    added: list[CodeData] = field(default_factory=list)
    retired: list[CodeData] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    merged: list[Merged] = field(default_factory=list)
    remapped: list[Renamed] = field(default_factory=list)
    redefined: list[Renamed] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not any((self.added, self.retired, self.renamed, self.merged, self.remapped, self.redefined))


def compare(older: DefinitionVersion, newer: DefinitionVersion) -> Comparison:
    """``newer`` must descend from ``older`` (or be it); recodes along the chain are composed."""
    old, new = content_of(older), content_of(newer)
    return compare_content(older, newer, old, new, recode_map(older, newer), _kinds(newer, older))


def _kinds(newer: DefinitionVersion, older: DefinitionVersion) -> dict[tuple[str, str], str]:
    # The declared kind of the last step is the one a reader wants to see (rename or merge).
    return {(r.list, r.from_code): r.kind for r in newer.recodes.all()} if newer.recodes_from_id == older.pk else {}


def compare_content(
    older: DefinitionVersion,
    newer: DefinitionVersion,
    old: VersionContent,
    new: VersionContent,
    mapping: dict[tuple[str, str], str | None],
    kinds: dict[tuple[str, str], str],
) -> Comparison:
    result = Comparison(older=older, newer=newer)
    before, after = old.by_key(), new.by_key()
    targets: dict[tuple[str, str], list[CodeData]] = defaultdict(list)
    for key, code in before.items():
        target = mapping.get(key)
        if target is None:
            result.retired.append(code)
        elif target != key[1]:
            targets[(key[0], target)].append(code)
        else:
            now = after[key]
            if code.active and not now.active:
                result.retired.append(code)
            if (code.label_ar, code.label_en) != (now.label_ar, now.label_en):
                result.renamed.append(Renamed(code, now))
            if (code.gbvims_type, code.iccs_code) != (now.gbvims_type, now.iccs_code):
                result.remapped.append(Renamed(code, now))
            if (code.definition_ar, code.definition_en) != (now.definition_ar, now.definition_en):
                result.redefined.append(Renamed(code, now))
    for target_key, sources in targets.items():
        into = after[target_key]
        renamed = len(sources) == 1 and target_key not in before and kinds.get(sources[0].key) != RecodeKind.MERGE
        if renamed:
            result.renamed.append(Renamed(sources[0], into))
        else:
            result.merged.append(Merged(into, tuple(sources)))
    moved_into = set(targets)
    result.added = [c for key, c in after.items() if key not in before and key not in moved_into]
    # A merge into a brand-new code adds that code too.
    result.added += [m.into for m in result.merged if m.into.key not in before]
    return result
