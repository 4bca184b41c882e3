"""Definitions as files: the shipped YAML, and CSV and JSON for import and export.

CSV carries codes and recodes in one sheet, told apart by the ``record`` column ("code" or
"recode"; a recode row puts the earlier code in ``code`` and the new one in ``to_code``). It is
written with a byte-order mark so that spreadsheet programs open the Arabic correctly. Reading
never stops at the first bad row: every problem is listed with its line.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from sanad.taxonomy.checks import Problem
from sanad.taxonomy.content import CODE_FIELDS, CodeData, RecodeData, VersionContent
from sanad.taxonomy.models import DefinitionVersion

DATA_DIR = Path(__file__).resolve().parent / "data"
CSV_COLUMNS = ["record", *CODE_FIELDS[:2], "to_code", "kind", *CODE_FIELDS[2:]]
JSON_FORMAT = "sanad-definitions/1"
_INT_FIELDS = {"order", "age_min", "age_max"}
_BOOL_FIELDS = {"active", "national"}
_TRUE = {"1", "true", "yes", "y", "نعم"}
_FALSE = {"0", "false", "no", "n", "لا", ""}


def _typed(name: str, value: Any, where: str, problems: list[Problem]) -> Any:
    if name in _INT_FIELDS:
        if value in (None, ""):
            return 0 if name == "order" else None
        try:
            return int(value)
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    where, _("'%(field)s' must be a whole number, got '%(value)s'"), {"field": name, "value": value}
                )
            )
            return None
    if name in _BOOL_FIELDS:
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else ("true" if name == "active" else "")).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        problems.append(
            Problem(where, _("'%(field)s' must be true or false, got '%(value)s'"), {"field": name, "value": value})
        )
        return name == "active"
    return "" if value is None else str(value).strip()


def code_from_mapping(item: dict[str, Any], where: str, problems: list[Problem], **defaults: Any) -> CodeData | None:
    unknown = sorted(set(item) - set(CODE_FIELDS) - {"record", "to_code", "kind"})
    if unknown:
        problems.append(Problem(where, _("unknown fields: %(fields)s"), {"fields": ", ".join(unknown)}))
    values = {**defaults, **{k: v for k, v in item.items() if k in CODE_FIELDS}}
    for name in ("list", "code"):
        if not str(values.get(name) or "").strip():
            problems.append(Problem(where, _("missing field '%(field)s'"), {"field": name}))
            return None
    typed = {
        name: _typed(name, values.get(name), where, problems)
        for name in CODE_FIELDS
        if name in values or name in _INT_FIELDS | _BOOL_FIELDS
    }
    if typed.get("order") is None:
        typed["order"] = 0
    return CodeData(**typed, origin=where)


def recode_from_mapping(item: dict[str, Any], where: str, problems: list[Problem]) -> RecodeData | None:
    values = {name: str(item.get(name) or "").strip() for name in ("list", "from_code", "to_code", "kind")}
    for name in ("list", "from_code", "to_code"):
        if not values[name]:
            problems.append(Problem(where, _("missing field '%(field)s'"), {"field": name}))
            return None
    return RecodeData(**{**values, "kind": values["kind"] or "merge"}, origin=where)


def read_shipped(name: str) -> tuple[VersionContent, list[Problem]]:
    """A version shipped with Sanad (``data/<name>.yaml``), with each code's line for problems."""
    from sanad.institutions.pack_format import read_pack

    path = DATA_DIR / f"{name}.yaml"
    root = read_pack(path)
    content, problems = VersionContent(), list[Problem]()
    for list_name, items in (root.get("lists") or {}).items():
        for item in items or []:
            code = code_from_mapping(item, f"{path.name}:{getattr(item, 'line', 0)}", problems, list=list_name)
            if code is not None:
                content.codes.append(code)
    return content, problems


def read_json(data: bytes, filename: str = "import.json") -> tuple[VersionContent, list[Problem]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return VersionContent(), [Problem(filename, _("not a valid JSON file: %(reason)s"), {"reason": str(exc)})]
    if not isinstance(doc, dict) or not isinstance(doc.get("codes"), list):
        return VersionContent(), [Problem(filename, _("a definitions file needs a list of 'codes'"), {})]
    content, problems = VersionContent(), list[Problem]()
    for i, item in enumerate(doc["codes"]):
        where = f"{filename} codes[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, _("each code must be an object"), {}))
        elif (code := code_from_mapping(item, where, problems)) is not None:
            content.codes.append(code)
    for i, item in enumerate(doc.get("recodes") or []):
        where = f"{filename} recodes[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, _("each recode must be an object"), {}))
        elif (recode := recode_from_mapping(item, where, problems)) is not None:
            content.recodes.append(recode)
    return content, problems


def read_csv(data: bytes, filename: str = "import.csv") -> tuple[VersionContent, list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return VersionContent(), [Problem(filename, _("not UTF-8 text: %(reason)s"), {"reason": exc.reason})]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("list", "code", "label_ar") if c not in (reader.fieldnames or [])]
    if missing:
        return VersionContent(), [Problem(filename, _("missing columns: %(columns)s"), {"columns": ", ".join(missing)})]
    content, problems = VersionContent(), list[Problem]()
    for row in reader:
        where = f"{filename}:{reader.line_num}"
        record = (row.get("record") or "code").strip()
        if record == "recode":
            recode = recode_from_mapping({**row, "from_code": row.get("code")}, where, problems)
            if recode is not None:
                content.recodes.append(recode)
        elif record == "code":
            code = code_from_mapping({k: v for k, v in row.items() if k not in ("to_code", "kind")}, where, problems)
            if code is not None:
                content.codes.append(code)
        else:
            problems.append(
                Problem(where, _("unknown record '%(record)s' (expected code or recode)"), {"record": record})
            )
    return content, problems


def write_json(version: DefinitionVersion, content: VersionContent) -> str:
    doc = {
        "format": JSON_FORMAT,
        "country": version.country.code,
        "number": version.number,
        "status": version.status,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "recodes_from": version.recodes_from.number if version.recodes_from else None,
        "codes": [c.values() for c in content.codes],
        "recodes": [r.values() for r in content.recodes],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def write_csv(content: VersionContent) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for c in content.codes:
        writer.writerow({"record": "code", **{k: ("" if v is None else v) for k, v in c.values().items()}})
    for r in content.recodes:
        writer.writerow({"record": "recode", "list": r.list, "code": r.from_code, "to_code": r.to_code, "kind": r.kind})
    return out.getvalue()
