"""Tables as rows for pages and downloads (CSV, XLSX). Suppressed cells are written "•", never a
number; every file states the period, the filters and the disclosure rule above the table."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from sanad.statistics.indicators import DIMENSIONS, Result
from sanad.statistics.suppression import Cell

MARK = "•"
Value = str | int | float | None


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Value]]
    notes: list[str]
    # Which columns hold counts (the others: medians, shares, rates); written with their own format.
    value_columns: frozenset[int] = frozenset()


def _cell(cell: Cell) -> Value:
    return MARK if cell.value is None else cell.value


def table_of(
    title: str,
    result: Result,
    row_labels: dict[str, str],
    col_labels: dict[str, str],
    *,
    context: Sequence[str] = (),
) -> Table:
    t = result.table
    ind = result.indicator
    first = str(DIMENSIONS[result.by[0]].label) if result.by else str(ind.title)
    notes = [*context, result.rule.text()]
    if ind.is_count and len(result.by) == 2:
        header = [first, *[col_labels.get(c, c) for c in t.col_keys], _("Total")]
        rows: list[list[Value]] = [
            [row_labels.get(k, k), *[_cell(c) for c in cells], _cell(total)]
            for k, cells, total in zip(t.row_keys, t.cells, t.row_totals, strict=True)
        ]
        rows.append([_("Total"), *[_cell(c) for c in t.col_totals], _cell(t.total)])
        return Table(title, header, rows, notes)
    if ind.is_count:
        header = [first, str(ind.title)]
        rows = [[row_labels.get(k, k), _cell(c)] for k, c in zip(t.row_keys, t.row_totals, strict=True)]
        if result.by:
            rows.append([_("Total"), _cell(t.total)])
        return Table(title, header, rows, notes)
    # Medians, shares and rates: the value, and the count it is computed over.
    measure = f"{ind.title} ({ind.suffix})" if ind.suffix else str(ind.title)
    header = [first, measure, _("Counted")]
    rows = []
    keys = [*t.row_keys] if result.by else []
    for k in [*keys, ""]:
        v = result.values.get(k)
        if v is None:
            continue
        label: Value = (row_labels.get(k, k) if k else _("Total")) if result.by else str(ind.title)
        rows.append([label, MARK if v.value is None else v.value, _cell(v.n)])
    return Table(title, header, rows, notes, value_columns=frozenset({1}))


def to_csv(tables: Sequence[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for table in tables:
        writer.writerow([table.title])
        for note in table.notes:
            writer.writerow([note])
        writer.writerow(table.header)
        writer.writerows(table.rows)
        writer.writerow([])
    # With a byte-order mark so spreadsheet programs read the Arabic as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_sheet(ws: Worksheet, tables: Sequence[Table]) -> None:
    ws.sheet_view.rightToLeft = get_language_bidi()
    row = 1
    for table in tables:
        ws.cell(row=row, column=1, value=table.title).font = Font(bold=True, size=14)
        row += 1
        for note in table.notes:
            ws.cell(row=row, column=1, value=note).alignment = Alignment(wrap_text=False)
            row += 1
        for col, heading in enumerate(table.header, start=1):
            ws.cell(row=row, column=col, value=heading).font = Font(bold=True)
        row += 1
        for values in table.rows:
            for col, value in enumerate(values, start=1):
                c = ws.cell(row=row, column=col, value=value)
                if value == MARK:
                    c.alignment = Alignment(horizontal="center")
                elif isinstance(value, int | float) and col > 1:
                    # Counts "0", other measures "0.0": a reader (and a test) tells them apart.
                    c.number_format = "0.0" if col - 1 in table.value_columns else "0"
            row += 1
        row += 1
    ws.column_dimensions["A"].width = 42
    for letter in "BCDEFGHIJKLMNOP":
        ws.column_dimensions[letter].width = 14


def to_xlsx(sheets: Sequence[tuple[str, Sequence[Table]]]) -> bytes:
    book = Workbook()
    first = True
    for name, tables in sheets:
        active = book.active if first else None
        ws = active if isinstance(active, Worksheet) else book.create_sheet()
        first = False
        # Sheet names: at most 31 characters, none of []:*?/\ .
        ws.title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
        write_sheet(ws, tables)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
