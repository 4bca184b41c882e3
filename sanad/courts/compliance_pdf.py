"""The compliance report to the court (issue 9, item 2): how a visitation ruling was kept, built from
the session records on each request as an Arabic-first PDF. It names the ruling's parties and lists
the sessions; nothing of the case behind it."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.audit.services import audit_record
from sanad.courts.models import ComplianceReport, Reporter, SessionStatus
from sanad.courts.services import _weekday_name
from sanad.documents.pdf import Block, Document, Heading, KeyValues, Paragraph, confidential_footer, render


def build_compliance_report(report: ComplianceReport, *, language: str = "ar", footer: str = "") -> Document:
    order = report.order
    labels = dict(SessionStatus.choices)
    with translation.override(language):
        blocks: list[Block] = [
            KeyValues(
                title=_("The ruling"),
                rows=[
                    (_("Order"), f"CO-{order.pk}"),
                    (_("Court reference"), order.reference),
                    (_("Case number"), order.case.number),
                    (_("Court"), f"{order.court_unit.institution.name} · {order.court_unit.name}"),
                    (
                        _("Social centre"),
                        f"{order.centre_unit.institution.name} · {order.centre_unit.name}"
                        if order.centre_unit
                        else "—",
                    ),
                    (_("Child"), order.child.full_name if order.child else "—"),
                    (_("Custodial parent"), order.custodial_parent.full_name if order.custodial_parent else "—"),
                    (_("Visiting parent"), order.visiting_parent.full_name if order.visiting_parent else "—"),
                    (
                        _("Schedule"),
                        f"{_weekday_name(order.weekday or 0)} {order.session_start:%H:%M}–{order.session_end:%H:%M}"
                        f" · {order.get_session_frequency_display()}",
                    ),
                    (_("Supervised"), _("Yes") if order.supervised else _("No")),
                ],
            ),
            KeyValues(
                title=_("Sessions up to %(date)s") % {"date": report.up_to.isoformat()},
                rows=[
                    (_("Sessions due"), str(report.scheduled)),
                    (str(labels[SessionStatus.HELD]), str(report.held)),
                    (str(labels[SessionStatus.VISITOR_ABSENT]), str(report.visitor_absent)),
                    (str(labels[SessionStatus.CHILD_NOT_BROUGHT]), str(report.child_not_brought)),
                    (str(labels[SessionStatus.CANCELLED]), str(report.cancelled)),
                ],
            ),
            Heading(_("Session records")),
        ]
        reporters = {"": "—"}
        reporters.update({k: str(v) for k, v in Reporter.choices})
        for session in order.sessions.filter(on__lte=report.up_to).order_by("on"):
            line = f"{session.on.isoformat()} · {labels[session.status]}"
            if session.reported_by:
                line += f" · {_('reported by')}: {reporters[session.reported_by]}"
            if session.note:
                line += " · " + str(session.note)
            blocks.append(Paragraph(line))
            if session.wellbeing:
                blocks.append(Paragraph(_("The child's wellbeing") + ": " + str(session.wellbeing)))
        return Document(
            title=_("Visitation compliance report CR-%(number)s") % {"number": report.pk},
            blocks=blocks,
            language=language,
            footer=footer or _("Confidential: for the court and the social centre."),
        )


def export_compliance_report(*, actor: Actor, report: ComplianceReport, language: str) -> bytes:
    require(actor, "court.compliance.view", report.order)
    footer = confidential_footer(username=actor.user.get_username() if actor.user else "", language=language)
    data = render(build_compliance_report(report, language=language, footer=footer))
    audit_record(
        actor=actor,
        action="court.compliance.export",
        object_type="courts.compliancereport",
        object_id=report.pk,
        details={"format": "pdf", "order": report.order_id},
    )
    return data
