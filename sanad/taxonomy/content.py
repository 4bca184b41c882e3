"""A version's content as plain values: what the checks, the comparison, imports, exports and the
country pack all work on, whether it comes from the database, a file or a pack."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.utils.translation import get_language

from sanad.taxonomy.models import Code, CodeList, DefinitionVersion, Recode


@dataclass(frozen=True)
class CodeData:
    list: str
    code: str
    label_ar: str
    label_en: str = ""
    definition_ar: str = ""
    definition_en: str = ""
    order: int = 0
    active: bool = True
    gbvims_type: str = ""
    iccs_code: str = ""
    age_min: int | None = None
    age_max: int | None = None
    national: bool = False
    # Where it was read from (e.g. "v1.yaml:120"), to point at the problem; not part of the content.
    origin: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.list, self.code)

    @property
    def list_label(self) -> str:
        return str(CodeList(self.list).label) if self.list in CodeList.values else self.list

    @property
    def label(self) -> str:
        english = (get_language() or "ar").startswith("en")
        return (self.label_en or self.label_ar) if english else self.label_ar

    def values(self) -> dict[str, Any]:
        """The model fields, for creating or comparing a ``Code`` row."""
        data = asdict(self)
        data.pop("origin")
        return data


@dataclass(frozen=True)
class RecodeData:
    list: str
    from_code: str
    to_code: str
    kind: str = "merge"
    origin: str = field(default="", compare=False)

    def values(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("origin")
        return data


@dataclass
class VersionContent:
    codes: list[CodeData] = field(default_factory=list)
    recodes: list[RecodeData] = field(default_factory=list)

    def by_key(self) -> dict[tuple[str, str], CodeData]:
        return {c.key: c for c in self.codes}

    def codes_of(self, code_list: str) -> list[CodeData]:
        return [c for c in self.codes if c.list == code_list]


CODE_FIELDS = [f.name for f in fields(CodeData) if f.name != "origin"]
RECODE_FIELDS = [f.name for f in fields(RecodeData) if f.name != "origin"]


def code_data(row: Code) -> CodeData:
    return CodeData(**{name: getattr(row, name) for name in CODE_FIELDS})


def content_of(version: DefinitionVersion) -> VersionContent:
    """Two queries, whatever the size of the version."""
    return VersionContent(
        codes=[code_data(c) for c in Code.objects.filter(version=version).order_by("list", "order", "code")],
        recodes=[
            RecodeData(**{name: getattr(r, name) for name in RECODE_FIELDS})
            for r in Recode.objects.filter(version=version).order_by("list", "from_code")
        ],
    )
