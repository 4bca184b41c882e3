"""Referral pages: the unit's incoming and outgoing referrals, sending, the referral page with its
actions, the export, response times and the response standards. Thin: a service or selector does
the work; refused input comes back next to its field with what was typed."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import can, require
from sanad.cases import selectors as case_selectors
from sanad.cases.timeline import referral_event_label
from sanad.cases.views import _definitions, denied_as_403
from sanad.documents.views import pdf_response
from sanad.institutions.roles import Role
from sanad.referrals import reports, selectors, services
from sanad.referrals.form_pdf import export_referral_form
from sanad.referrals.forms import (
    CompleteForm,
    ContactForm,
    DeclineForm,
    DeliverForm,
    ReferralForm,
    StandardForm,
    WithdrawForm,
)
from sanad.referrals.models import OPEN_STATUSES, Referral, ReferralStatus, ResponseStandard, SharedField
from sanad.taxonomy.models import CodeList
from sanad.taxonomy.selectors import codes_of


@login_required
@denied_as_403
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "referral.list")
    # The national coordinator belongs to neither side: they follow every referral of the country.
    default = "all" if actor.has_role(Role.NATIONAL_COORDINATOR) else "incoming"
    box = request.GET.get("box", default)
    if box not in ("incoming", "outgoing", "all"):
        box = default
    state = request.GET.get("state", "open")
    raw_page = request.GET.get("page", "1")
    page = selectors.referral_page(actor=actor, box=box, state=state, number=int(raw_page) if raw_page.isdigit() else 1)
    return render(
        request,
        "referrals/inbox.html",
        {
            "page": page,
            "box": box,
            "state": state,
            "states": ReferralStatus.choices,
            "may_notify": can(actor, "referral.notify"),
        },
    )


def _country_id(actor: Actor) -> int:
    return actor.membership.unit.institution.country_id if actor.membership else 0


@login_required
@denied_as_403
def referral_create(request: HttpRequest, case_pk: int | None = None) -> HttpResponse:
    actor = actor_from_request(request)
    case = case_selectors.case_get(actor=actor, pk=case_pk) if case_pk else None
    require(actor, "referral.send", case) if case else require(actor, "referral.notify")
    form = ReferralForm(
        request.POST or None,
        version=_definitions(actor),
        country_id=_country_id(actor),
        own_unit_id=actor.unit_id or 0,
        case=case,
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_send(actor=actor, case=case, data=form.to_input())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The referral was sent; the receiving unit was told."))
            return redirect("referral-detail", pk=referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "case": case},
        status=400 if form.errors else 200,
    )


def _labels(actor: Actor, code_list: str) -> dict[str, str]:
    version = _definitions(actor)
    return {c.code: c.label for c in codes_of(version, code_list)} if version else {}


def _detail(request: HttpRequest, actor: Actor, referral: Referral, status: int = 200, **forms: Any) -> HttpResponse:
    side = (
        "receiver"
        if referral.to_unit_id == actor.unit_id
        else "sender"
        if referral.from_unit_id == actor.unit_id
        else ""
    )
    services_labels = _labels(actor, CodeList.SERVICE)
    version = _definitions(actor)
    allowed = selectors.referral_scope(referral=referral)
    context: dict[str, Any] = {
        "referral": referral,
        "side": side,
        "events": [(e, referral_event_label(e.event)) for e in referral.events.select_related("by")],
        "delivered": list(referral.delivered.all()),
        "services": [services_labels.get(c, c) for c in referral.service_codes],
        "shared": [label for value, label in SharedField.choices if value in referral.shared_fields],
        "scope": allowed,
        "scope_labels": [label for value, label in SharedField.choices if value in allowed.fields],
        "case_view": selectors.referral_case_view(actor=actor, referral=referral) if side == "receiver" else None,
        "may_respond": side == "receiver" and can(actor, "referral.respond", referral),
        "may_withdraw": side == "sender" and referral.is_open and can(actor, "referral.withdraw", referral),
        "may_withdraw_consent": side == "sender"
        and referral.consent is not None
        and referral.consent.is_live
        and can(actor, "referral.withdraw_consent", referral),
        "decline_form": forms.get("decline_form") or DeclineForm(version=version),
        "complete_form": forms.get("complete_form") or CompleteForm(version=version),
        "deliver_form": forms.get("deliver_form")
        or DeliverForm(services=[(c, services_labels.get(c, c)) for c in allowed.service_codes]),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "decline_label": _labels(actor, CodeList.DECLINE_REASON).get(referral.decline_reason_code, ""),
        "outcome_label": _labels(actor, CodeList.OUTCOME).get(referral.outcome_code, ""),
        "OPEN": OPEN_STATUSES,
    }
    return render(request, "referrals/referral_detail.html", context, status=status)


@login_required
@denied_as_403
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    return _detail(request, actor, selectors.referral_get(actor=actor, pk=pk))


@login_required
@denied_as_403
def referral_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable referral form: built on each request, sent with no-store, audited."""
    actor = actor_from_request(request)
    referral = selectors.referral_get(actor=actor, pk=pk, action="referral.print_form")
    data = export_referral_form(actor=actor, referral=referral, language=get_language() or "ar")
    return pdf_response(data, f"RF-{referral.pk}.pdf")


@login_required
@require_POST
@denied_as_403
def referral_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = actor_from_request(request)
    referral = selectors.referral_get(actor=actor, pk=pk)
    version = _definitions(actor)
    raw_version = request.POST.get("version", "")
    expected = int(raw_version) if raw_version.isdigit() else None
    form: Any = None
    form_name = ""
    try:
        if action == "acknowledge":
            services.referral_acknowledge(actor=actor, referral=referral, expected_version=expected)
        elif action == "accept":
            services.referral_accept(actor=actor, referral=referral, expected_version=expected)
        elif action == "start":
            services.referral_start(actor=actor, referral=referral, expected_version=expected)
        elif action == "decline":
            form, form_name = DeclineForm(request.POST, version=version), "decline_form"
            if form.is_valid():
                services.referral_decline(
                    actor=actor,
                    referral=referral,
                    reason_code=form.cleaned_data["decline_reason_code"],
                    note=form.cleaned_data["note"],
                    expected_version=expected,
                )
        elif action == "contact":
            form, form_name = ContactForm(request.POST), "contact_form"
            if form.is_valid():
                services.referral_record_contact(
                    actor=actor, referral=referral, at=form.cleaned_data["at"], expected_version=expected
                )
        elif action == "deliver":
            codes = selectors.referral_scope(referral=referral).service_codes
            form, form_name = DeliverForm(request.POST, services=[(c, c) for c in codes]), "deliver_form"
            if form.is_valid():
                services.referral_deliver_service(
                    actor=actor,
                    referral=referral,
                    service_code=form.cleaned_data["service_code"],
                    delivered_on=form.cleaned_data["delivered_on"],
                    expected_version=expected,
                )
        elif action == "complete":
            form, form_name = CompleteForm(request.POST, version=version), "complete_form"
            if form.is_valid():
                services.referral_complete(
                    actor=actor,
                    referral=referral,
                    outcome_code=form.cleaned_data["outcome_code"],
                    note=form.cleaned_data["note"],
                    expected_version=expected,
                )
        elif action == "withdraw":
            form, form_name = WithdrawForm(request.POST), "withdraw_form"
            if form.is_valid():
                services.referral_withdraw(
                    actor=actor, referral=referral, reason=form.cleaned_data["reason"], expected_version=expected
                )
        elif action == "link-case":
            number = request.POST.get("case_number", "").strip()
            case = case_selectors.case_list(actor=actor).filter(number=number).first() if number else None
            if case is None:
                raise ValidationError({"case": [_("No case with this number within your reach.")]})
            services.referral_link_receiver_case(actor=actor, referral=referral, case=case, expected_version=expected)
        elif action == "withdraw-consent":
            services.consent_withdraw(actor=actor, referral=referral)
        else:
            return render(request, "404.html", status=404)
    except ValidationError as exc:
        if form is not None:
            form.add_service_errors(exc)
        else:
            messages.error(request, " ".join(exc.messages))
            return _detail(request, actor, _reload(actor, pk), status=400)
    except services.ReferralConflict as exc:
        messages.error(request, exc.message)
        return _detail(request, actor, _reload(actor, pk), status=409)
    if form is not None and form.errors:
        return _detail(request, actor, _reload(actor, pk), status=400, **{form_name: form})
    messages.success(request, _("Done."))
    return redirect("referral-detail", pk=pk)


def _reload(actor: Actor, pk: int) -> Referral:
    return selectors.referral_get(actor=actor, pk=pk)


@login_required
@denied_as_403
def export_csv(request: HttpRequest) -> HttpResponse:
    """The unit's incoming referrals with what each receiver may read of the case: consented fields only."""
    actor = actor_from_request(request)
    require(actor, "referral.list")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="referrals-incoming.csv"'
    response.write("\ufeff")  # Excel reads Arabic CSV as UTF-8 only with the byte-order mark
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Referral"),
            _("Sent at"),
            _("Urgency"),
            _("Status"),
            _("From"),
            _("Case number"),
            _("Survivor"),
            _("Phones"),
        ]
    )
    for referral in selectors.referral_list(actor=actor, box="incoming", state="all")[:2000]:
        view = selectors.referral_case_view(actor=actor, referral=referral)
        writer.writerow(
            [
                f"RF-{referral.pk}",
                referral.sent_at.isoformat(timespec="minutes"),
                referral.get_urgency_display(),
                referral.get_status_display(),
                f"{referral.from_unit.institution.name} / {referral.from_unit.name}",
                view.get("case_number", ""),
                (view.get("survivor") or {}).get("name", ""),
                (view.get("contact") or {}).get("phones", ""),
            ]
        )
    return response


@login_required
@denied_as_403
def response_times(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "referral.response_times")
    days = request.GET.get("days", "90")
    period = int(days) if days.isdigit() and 0 < int(days) <= 3650 else 90
    rows = reports.response_times(country_id=_country_id(actor), days=period)
    return render(request, "referrals/response_times.html", {"rows": rows, "days": period})


@login_required
@denied_as_403
def standards(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "standard.view")
    rows = ResponseStandard.objects.filter(country_id=_country_id(actor)).select_related("sector", "confirmed_by")
    return render(
        request,
        "referrals/standards.html",
        {"rows": rows, "may_confirm": can(actor, "standard.confirm")},
    )


@login_required
@denied_as_403
def standard_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "standard.confirm")
    standard = ResponseStandard.objects.select_related("sector").filter(country_id=_country_id(actor), pk=pk).first()
    if standard is None:
        return render(request, "404.html", status=404)
    initial = {
        name: getattr(standard, name)
        for name in ("acknowledge_minutes", "first_contact_minutes", "complete_minutes", "escalate_after_minutes")
    }
    form = StandardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.standard_confirm(actor=actor, standard=standard, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The standard is confirmed."))
            return redirect("referral-standards")
    return render(
        request,
        "referrals/standard_form.html",
        {"form": form, "standard": standard},
        status=400 if form.errors else 200,
    )
