"""Report packs, regenerable for any past period: the national periodic report (quarterly or
annual) as XLSX and Arabic PDF, and the table set shaped for international reporting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from sanad.documents import pdf
from sanad.statistics import exports
from sanad.statistics.dashboard import HEADLINES, PANELS, panel_result, prefetch_dashboard
from sanad.statistics.exports import MARK, Table
from sanad.statistics.indicators import INDICATORS, compute, settings_for
from sanad.statistics.labels import label_map, order_keys


def _period_line(start: dt.date, end: dt.date) -> str:
    return _("Period: %(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


def headline_tables(country_id: int, start: dt.date, end: dt.date) -> list[Table]:
    """The key counts, and the key medians, shares and rates (in their own table and format)."""
    rule, _consent = settings_for(country_id)
    counts: list[list[exports.Value]] = []
    measures: list[list[exports.Value]] = []
    for code in HEADLINES:
        indicator = INDICATORS[code]
        result = compute(code, period_start=start, period_end=end, country_id=country_id)
        if indicator.is_count:
            counts.append([str(indicator.title), MARK if result.total.value is None else result.total.value])
        else:
            v = result.total_value
            measures.append([str(indicator.title), MARK if v is None or v.value is None else v.value])
    notes = [_period_line(start, end), rule.text()]
    return [
        Table(_("Key figures"), [_("Indicator"), _("Count")], counts, notes),
        Table(_("Key measures"), [_("Indicator"), _("Value")], measures, notes, value_columns=frozenset({1})),
    ]


def national_tables(country_id: int, start: dt.date, end: dt.date) -> list[tuple[str, list[Table]]]:
    lines = [_period_line(start, end)]
    prefetch_dashboard(country_id=country_id, start=start, end=end, filters={})
    sheets: list[tuple[str, list[Table]]] = [(_("Key figures"), headline_tables(country_id, start, end))]
    for panel in PANELS:
        pr = panel_result(panel, country_id=country_id, start=start, end=end, filters={})
        if pr.result is None:
            continue
        sheets.append(
            (panel.key, [exports.table_of(str(panel.title), pr.result, pr.row_labels, pr.col_labels, context=lines)])
        )
    return sheets


def international_tables(country_id: int, start: dt.date, end: dt.date) -> list[tuple[str, list[Table]]]:
    """ICCS × sex, ICCS × age group for each sex (the three-way table as one two-way table per sex),
    and trafficking victims detected by sex and by age group."""
    lines = [_period_line(start, end)]
    iccs = label_map("iccs_code", country_id)
    sexes = label_map("sex", country_id)
    ages = label_map("age_group", country_id)

    def table(title: str, code: str, by: tuple[str, ...], filters: dict[str, list[str]], rows: dict[str, str],
              cols: dict[str, str]) -> Table:
        result = compute(code, period_start=start, period_end=end, by=by, filters=filters, country_id=country_id,
                         order=order_keys)
        return exports.table_of(title, result, rows, cols, context=lines)

    tables = [table(_("Victims of violence by offence (ICCS) and sex"), "incidents", ("iccs_code", "sex"), {}, iccs,
                    sexes)]
    for sex in ("female", "male"):
        tables.append(
            table(_("Offence (ICCS) by age group: %(sex)s") % {"sex": sexes[sex]}, "incidents",
                  ("iccs_code", "age_group"), {"sex": [sex]}, iccs, ages)
        )
    trafficking = [
        table(_("Trafficking victims detected by sex"), "trafficking_victims", ("sex",), {}, sexes, {}),
        table(_("Trafficking victims detected by age group"), "trafficking_victims", ("age_group",), {}, ages, {}),
    ]
    return [(_("ICCS"), tables), (_("Trafficking"), trafficking)]


def to_pdf(title: str, sheets: Sequence[tuple[str, Sequence[Table]]], *, language: str = "ar") -> bytes:
    blocks: list[pdf.Block] = []
    first = True
    for _name, tables in sheets:
        for t in tables:
            if first:
                blocks += [pdf.Paragraph(note) for note in t.notes]
                first = False
            rows: list[tuple[str, str]] = []
            for values in t.rows:
                label = str(values[0])
                if len(t.header) > 2:
                    rest = " · ".join(f"{h}: {v}" for h, v in zip(t.header[1:], values[1:], strict=False))
                else:
                    rest = " · ".join(str(v) for v in values[1:])
                rows.append((label, rest))
            blocks.append(pdf.KeyValues(rows=rows, title=t.title))
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    footer = _("Sanad · generated %(at)s") % {"at": generated}
    return pdf.render(pdf.Document(title=title, blocks=blocks, language=language, footer=footer))
