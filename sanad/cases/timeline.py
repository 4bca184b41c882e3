"""How each timeline entry reads, in the reader's language, from the codes and ids it holds."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanad.cases.models import CaseStatus, PlanKind, RiskLevel, TimelineEntry, TimelineKind


def entry_text(entry: TimelineEntry) -> str:
    p = entry.params
    statuses = dict(CaseStatus.choices)
    levels = dict(RiskLevel.choices)
    if entry.kind == TimelineKind.OPENED:
        return _("Case opened from report R-%(report)s.") % {"report": p.get("report")}
    if entry.kind == TimelineKind.REPORT_LINKED:
        return _("Report R-%(report)s linked to the case.") % {"report": p.get("report")}
    if entry.kind == TimelineKind.STATUS_CHANGED:
        return _("Moved from %(before)s to %(after)s.") % {
            "before": statuses.get(p.get("before", ""), p.get("before")),
            "after": statuses.get(p.get("after", ""), p.get("after")),
        }
    if entry.kind == TimelineKind.RISK_ASSESSED:
        return _("Risk assessed: score %(score)s, level %(level)s.") % {
            "score": p.get("score"),
            "level": levels.get(p.get("level", ""), p.get("level")),
        }
    if entry.kind in (TimelineKind.PLAN_ACTION_ADDED, TimelineKind.PLAN_ACTION_DONE):
        plans = dict(PlanKind.choices)
        text = _("Plan action added (%(plan)s, due %(due)s).")
        if entry.kind == TimelineKind.PLAN_ACTION_DONE:
            text = _("Plan action done (%(plan)s, due %(due)s).")
        return text % {"plan": plans.get(p.get("plan", ""), p.get("plan")), "due": p.get("due_on", "")}
    if entry.kind == TimelineKind.MARAC_LISTED:
        return _("Listed on the agenda of multi-agency review meeting MARAC-%(meeting)s.") % {
            "meeting": p.get("meeting")
        }
    if entry.kind == TimelineKind.MARAC_DECIDED:
        text = _("Multi-agency review MARAC-%(meeting)s: reviewed.")
        if p.get("outcome") == "deflagged":
            text = _("Multi-agency review MARAC-%(meeting)s: no longer flagged for review.")
        return text % {"meeting": p.get("meeting")}
    if entry.kind in (
        TimelineKind.MARAC_ACTION_AGREED,
        TimelineKind.MARAC_ACTION_DONE,
        TimelineKind.MARAC_ACTION_OVERDUE,
    ):
        texts = {
            TimelineKind.MARAC_ACTION_AGREED: _("Multi-agency action agreed for %(institution)s, due %(due)s."),
            TimelineKind.MARAC_ACTION_DONE: _("Multi-agency action of %(institution)s done (due %(due)s)."),
            TimelineKind.MARAC_ACTION_OVERDUE: _("Multi-agency action of %(institution)s is overdue (due %(due)s)."),
        }
        english = (get_language() or "ar").startswith("en")
        institution = p.get("institution_en" if english else "institution_ar", "")
        return texts[TimelineKind(entry.kind)] % {"institution": institution, "due": p.get("due_on", "")}
    if entry.kind == TimelineKind.REFERRAL:
        from sanad.referrals.models import ReferralStatus

        return _("Referral RF-%(referral)s: %(event)s (now %(status)s).") % {
            "referral": p.get("referral"),
            "event": referral_event_label(p.get("event", "")),
            "status": dict(ReferralStatus.choices).get(p.get("status", ""), p.get("status", "")),
        }
    if entry.kind == TimelineKind.ASSIGNED:
        return _("Assigned to %(user)s.") % {"user": p.get("user", "")}
    return str(entry.get_kind_display())


def referral_event_label(event: str) -> str:
    return {
        "sent": _("sent"),
        "acknowledged": _("acknowledged"),
        "accepted": _("accepted"),
        "declined": _("declined"),
        "first_contact": _("first contact with the survivor"),
        "started": _("work started"),
        "service_delivered": _("service delivered"),
        "completed": _("completed"),
        "withdrawn": _("withdrawn by the sender"),
        "consent_withdrawn": _("consent withdrawn"),
        "receiver_case_linked": _("linked to the receiving unit's case"),
        "completion_due_changed": _("the court varied the order: completion due at its new end"),
    }.get(event, event)
