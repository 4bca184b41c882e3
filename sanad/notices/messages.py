"""How each kind of notice reads, in the reader's language, from identifiers only."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanad.notices.models import Notice, NoticeKind


def notice_text(notice: Notice) -> str:
    p = notice.params
    if notice.kind == NoticeKind.RECORD_OPENED_BREAK_GLASS:
        return _(
            "%(user)s (%(unit)s) opened record %(object)s of your unit by break-glass until %(until)s. "
            "The stated reason is in the record's access log."
        ) % _with_object(notice, p)
    if notice.kind == NoticeKind.RECORD_OPENED_UNSEAL:
        return _(
            "%(user)s (%(unit)s) unsealed record %(object)s until %(until)s. "
            "The stated reason is in the record's access log."
        ) % _with_object(notice, p)
    if notice.kind == NoticeKind.AUDIT_BROKEN:
        return _("The audit trail failed verification: %(problem)s. Run verify_audit and investigate.") % {
            "problem": p.get("problem", "")
        }
    if notice.kind == NoticeKind.URGENT_REPORT:
        return _("Urgent report %(object)s received at %(at)s: immediate response needed.") % {
            "object": f"R-{notice.object_id}",
            "at": p.get("at", ""),
        }
    if notice.kind in _REFERRAL_KINDS:
        return _referral_text(notice, p)
    if notice.kind in _COURT_KINDS:
        return _court_text(notice, p)
    if notice.kind == NoticeKind.CLOSURE_REQUESTED:
        return _("Closure of case %(number)s awaits your approval.") % {"number": p.get("number", "")}
    if notice.kind == NoticeKind.MARAC_CONVENED:
        return _("Your institution takes part in multi-agency review meeting %(object)s on %(date)s.") % {
            "object": f"MARAC-{notice.object_id}",
            "date": p.get("date", ""),
        }
    if notice.kind == NoticeKind.MARAC_ACTION:
        return _("An action agreed at meeting %(meeting)s on case %(number)s is yours, due %(due)s.") % {
            "meeting": f"MARAC-{p.get('meeting', '')}",
            "number": p.get("number", ""),
            "due": p.get("due", ""),
        }
    if notice.kind == NoticeKind.MARAC_ACTION_OVERDUE:
        return _("The multi-agency action on case %(number)s was due %(due)s and is not done.") % {
            "number": p.get("number", ""),
            "due": p.get("due", ""),
        }
    if notice.kind in _STRATEGY_KINDS:
        return _strategy_text(notice, p)
    return str(notice.get_kind_display())


_STRATEGY_KINDS = {
    NoticeKind.STRATEGY_ROUND_OPENED,
    NoticeKind.STRATEGY_SUBMITTED,
    NoticeKind.STRATEGY_RETURNED,
    NoticeKind.STRATEGY_APPROVED,
    NoticeKind.STRATEGY_REMINDER,
    NoticeKind.STRATEGY_OVERDUE,
}


def _strategy_text(notice: Notice, p: dict[str, str]) -> str:
    values = {
        "round": p.get("round", ""),
        "due": p.get("due", ""),
        "institution": p.get("institution_en" if (get_language() or "ar").startswith("en") else "institution_ar", ""),
    }
    if notice.kind == NoticeKind.STRATEGY_ROUND_OPENED:
        return _("Round %(round)s of the national strategy is open: fill your institution's form by %(due)s.") % values
    if notice.kind == NoticeKind.STRATEGY_SUBMITTED:
        return _("%(institution)s submitted its form for round %(round)s: it awaits your review.") % values
    if notice.kind == NoticeKind.STRATEGY_RETURNED:
        return _("The council returned your form for round %(round)s for corrections; see its comment.") % values
    if notice.kind == NoticeKind.STRATEGY_APPROVED:
        return _("The council approved your form for round %(round)s.") % values
    if notice.kind == NoticeKind.STRATEGY_REMINDER:
        return _("Your institution's form for round %(round)s is due on %(due)s and is not submitted yet.") % values
    return _("The form of %(institution)s for round %(round)s was due on %(due)s and is not submitted.") % values


def _with_object(notice: Notice, p: dict[str, str]) -> dict[str, str]:
    return {
        "user": p.get("user", ""),
        "unit": p.get("unit_en" if (get_language() or "ar").startswith("en") else "unit_ar", ""),
        "object": f"{notice.object_type}:{notice.object_id}",
        "until": p.get("until", ""),
    }


_REFERRAL_KINDS = {
    NoticeKind.REFERRAL_RECEIVED,
    NoticeKind.REFERRAL_CHANGED,
    NoticeKind.REFERRAL_WITHOUT_CONSENT,
    NoticeKind.REFERRAL_BREACH,
    NoticeKind.REFERRAL_ESCALATED,
}


def _referral_text(notice: Notice, p: dict[str, str]) -> str:
    from sanad.cases.timeline import referral_event_label
    from sanad.referrals.models import BreachKind, ReferralStatus, Urgency

    values = {
        "referral": f"RF-{notice.object_id}",
        "unit": p.get("unit_en" if (get_language() or "ar").startswith("en") else "unit_ar", ""),
        "urgency": dict(Urgency.choices).get(p.get("urgency", ""), p.get("urgency", "")),
        "event": referral_event_label(p.get("event", "")),
        "status": dict(ReferralStatus.choices).get(p.get("status", ""), p.get("status", "")),
        "breach": dict(BreachKind.choices).get(p.get("breach", ""), p.get("breach", "")),
        "user": p.get("user", ""),
    }
    if notice.kind == NoticeKind.REFERRAL_RECEIVED:
        return _("Referral %(referral)s was sent to your unit (%(urgency)s).") % values
    if notice.kind == NoticeKind.REFERRAL_CHANGED:
        return _("Referral %(referral)s: %(event)s; it is now %(status)s.") % values
    if notice.kind == NoticeKind.REFERRAL_WITHOUT_CONSENT:
        return _("%(user)s sent referral %(referral)s without consent, on a legal ground.") % values
    if notice.kind == NoticeKind.REFERRAL_BREACH:
        return _("Referral %(referral)s to %(unit)s: %(breach)s.") % values
    return _("Escalated: referral %(referral)s to %(unit)s: %(breach)s, and not put right.") % values


_COURT_KINDS = {
    NoticeKind.COURT_ORDER_BREACH,
    NoticeKind.COURT_ORDER_CHANGED,
    NoticeKind.COURT_COMPLIANCE_REPORT,
    NoticeKind.COURT_ORDER_EXPIRING,
    NoticeKind.COURT_SESSION_SOON,
}


def _court_text(notice: Notice, p: dict[str, str]) -> str:
    from sanad.courts.models import OrderStatus, OrderType

    values = {
        "order": f"CO-{notice.object_id}",
        "type": dict(OrderType.choices).get(p.get("type", ""), p.get("type", "")),
        "number": p.get("number", ""),
        "date": p.get("date", ""),
        "event": dict(OrderStatus.choices).get(p.get("event", ""), p.get("event", "")),
        "missed": p.get("missed", ""),
    }
    if notice.kind == NoticeKind.COURT_ORDER_BREACH:
        return _("Breach of %(type)s %(order)s (case %(number)s) reported on %(date)s.") % values
    if notice.kind == NoticeKind.COURT_ORDER_CHANGED:
        return _("%(type)s %(order)s (case %(number)s) changed: %(event)s.") % values
    if notice.kind == NoticeKind.COURT_COMPLIANCE_REPORT:
        return _("Compliance report on %(order)s (case %(number)s): %(missed)s sessions missed.") % values
    if notice.kind == NoticeKind.COURT_ORDER_EXPIRING:
        return _("%(type)s %(order)s (case %(number)s) expires on %(date)s.") % values
    return _("A visitation session of %(order)s is scheduled on %(date)s.") % values
