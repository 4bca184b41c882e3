"""Fill empty Arabic translations from a JSON object {msgid: msgstr} and report what is still empty.

    .venv/bin/python scripts/po_fill.py translations.json [locale/ar/LC_MESSAGES/django.po]

Exits 1 when an entry is still untranslated or fuzzy, so it doubles as a check.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib


def main() -> int:
    source = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    path = sys.argv[2] if len(sys.argv) > 2 else "locale/ar/LC_MESSAGES/django.po"
    po = polib.pofile(path)
    missing = []
    for entry in po:
        if entry.msgid in source and (not entry.msgstr or "fuzzy" in entry.flags):
            entry.msgstr = source[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        if (not entry.msgstr and not entry.msgstr_plural) or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
    po.save(path)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")  # noqa: T201 - a developer's command-line tool
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
