"""The evaluation report of a round: progress per pillar and institution against the targets, each
indicator's value (approved report or computed), the trend over rounds, and the lessons the council
recorded. Arabic PDF (``sanad.documents.pdf``) and XLSX, built in memory on each request."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.audit.services import audit_record
from sanad.documents.pdf import Block, Document, Heading, KeyValues, Paragraph, render
from sanad.strategy import selectors
from sanad.strategy.models import IndicatorKind, IndicatorUnit, ReportingRound, Strategy


def fmt(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.2f}"
    if unit == IndicatorUnit.PERCENT:
        return f"{text}%"
    return f"{text} {IndicatorUnit(unit).label}" if unit in (IndicatorUnit.HOURS, IndicatorUnit.DAYS) else text


def _source_label(kind: str) -> str:
    return str(_("computed by Sanad") if kind == IndicatorKind.COMPUTED else _("reported, approved"))


def _audit(actor: Actor, strategy: Strategy, rnd: ReportingRound, fmt_name: str) -> None:
    audit_record(
        actor=actor,
        action="strategy.report_export",
        object_type="strategy.reportinground",
        object_id=rnd.pk,
        details={"strategy": strategy.pk, "format": fmt_name},
    )


def build_pdf(*, actor: Actor, strategy: Strategy, rnd: ReportingRound, language: str = "ar") -> bytes:
    require(actor, "strategy.report", strategy)
    with translation.override(language):
        rows = selectors.progress(actor=actor, strategy=strategy, rnd=rnd)
        pillars, institutions = selectors.summaries(rows)
        blocks: list[Block] = [
            KeyValues(
                rows=[
                    (_("Strategy"), strategy.name),
                    (_("Round"), rnd.name),
                    (_("Period"), f"{rnd.period_start.isoformat()} – {rnd.period_end.isoformat()}"),
                ]
            ),
            Paragraph(
                _(
                    "On track: at least 90% of the way from the baseline to this year's target; at risk: 50% to 90%; "
                    "off track: under 50%. Reported values count once the council has approved them."
                )
            ),
            KeyValues(
                title=_("Progress per pillar"),
                rows=[(s.label, "، ".join(f"{label}: {n}" for _code, label, n in s.ordered() if n)) for s in pillars],
            ),
            KeyValues(
                title=_("Progress per responsible institution"),
                rows=[
                    (s.label, "، ".join(f"{label}: {n}" for _code, label, n in s.ordered() if n)) for s in institutions
                ],
            ),
            Heading(_("Indicators")),
        ]
        for row in rows:
            i = row.indicator
            values = [
                (_("Pillar"), i.objective.pillar.name),
                (_("Responsible institution"), i.responsible.name),
                (
                    _("Value"),
                    f"{_('suppressed') if row.suppressed else fmt(row.value, i.unit)} ({_source_label(i.kind)})",
                ),
                (_("Target"), fmt(row.target, i.unit)),
                (_("Baseline"), fmt(i.baseline, i.unit)),
                (_("Status"), row.status_label),
            ]
            if row.narrative:
                values.append((_("Narrative"), row.narrative))
            blocks.append(KeyValues(title=i.name, rows=values))
        lessons = list(strategy.lessons.select_related("pillar").order_by("recorded_at"))
        blocks.append(Heading(_("Lessons learned")))
        blocks.extend(
            Paragraph(f"• {lesson.pillar.name + ': ' if lesson.pillar else ''}{lesson.text}") for lesson in lessons
        )
        if not lessons:
            blocks.append(Paragraph(_("No lesson recorded yet.")))
        doc = Document(
            title=_("Evaluation report of the national strategy"),
            blocks=blocks,
            language=language,
            footer=_("Generated %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        )
        data = render(doc)
    _audit(actor, strategy, rnd, "pdf")
    return data


def build_xlsx(*, actor: Actor, strategy: Strategy, rnd: ReportingRound, language: str = "ar") -> bytes:
    require(actor, "strategy.report", strategy)
    with translation.override(language):
        rows = selectors.progress(actor=actor, strategy=strategy, rnd=rnd)
        pillars, institutions = selectors.summaries(rows)
        trends = selectors.trends(actor=actor, strategy=strategy)
        book = Workbook()
        sheet = book.worksheets[0]
        sheet.title = str(_("Indicators"))[:31]
        sheet.sheet_view.rightToLeft = language.startswith("ar")
        header = [
            _("Pillar"),
            _("Indicator"),
            _("Kind"),
            _("Responsible institution"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            _("Value"),
            _("Status"),
            _("Narrative"),
        ]
        sheet.append([str(h) for h in header])
        for row in rows:
            i = row.indicator
            sheet.append(
                [
                    i.objective.pillar.name,
                    i.name,
                    _source_label(i.kind),
                    i.responsible.name,
                    str(IndicatorUnit(i.unit).label),
                    float(i.baseline) if i.baseline is not None else None,
                    float(row.target) if row.target is not None else None,
                    float(row.value) if row.value is not None else (str(_("suppressed")) if row.suppressed else None),
                    row.status_label,
                    row.narrative,
                ]
            )
        summary = book.create_sheet(str(_("Summary"))[:31])
        summary.sheet_view.rightToLeft = sheet.sheet_view.rightToLeft
        summary.append([str(_("Pillar")), *[str(label) for label in selectors.STATUS_LABELS.values()]])
        for s in pillars:
            summary.append([s.label, *[n for _c, _l, n in s.ordered()]])
        summary.append([])
        summary.append([str(_("Responsible institution")), *[str(label) for label in selectors.STATUS_LABELS.values()]])
        for s in institutions:
            summary.append([s.label, *[n for _c, _l, n in s.ordered()]])
        trend_sheet = book.create_sheet(str(_("Trends"))[:31])
        trend_sheet.sheet_view.rightToLeft = sheet.sheet_view.rightToLeft
        rounds = trends[0].points if trends else []
        trend_sheet.append([str(_("Indicator")), *[r.name for r, _v, _t in rounds]])
        for t in trends:
            trend_sheet.append([t.indicator.name, *[float(v) if v is not None else None for _r, v, _t in t.points]])
        lessons = book.create_sheet(str(_("Lessons learned"))[:31])
        lessons.sheet_view.rightToLeft = sheet.sheet_view.rightToLeft
        lessons.append([str(_("Pillar")), str(_("Lesson learned")), str(_("Recorded"))])
        for lesson in strategy.lessons.select_related("pillar").order_by("recorded_at"):
            lessons.append(
                [
                    lesson.pillar.name if lesson.pillar else "",
                    lesson.text,
                    timezone.localtime(lesson.recorded_at).date(),
                ]
            )
        for ws in (sheet, summary, trend_sheet, lessons):
            for cell in ws[1]:
                cell.font = Font(bold=True)
        out = io.BytesIO()
        book.save(out)
    _audit(actor, strategy, rnd, "xlsx")
    return out.getvalue()
