"""Court order pages: the orders a unit may see, the cases before a court, recording an order, the
order page with the actions of each side, and the compliance report PDF. Thin: services and
selectors do the work; refused input comes back next to its field with what was typed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import can, require
from sanad.cases.views import denied_as_403
from sanad.courts import selectors, services
from sanad.courts.compliance_pdf import export_compliance_report
from sanad.courts.forms import (
    FIELDS_BY_TYPE,
    WEEKDAYS,
    BreachForm,
    DecideForm,
    OrderForm,
    PaymentForm,
    RecoveryForm,
    ReferFundForm,
    RevokeForm,
    SessionForm,
    VaryForm,
)
from sanad.courts.models import Condition, CourtOrder, OrderEvent, OrderType
from sanad.documents.views import pdf_response
from sanad.institutions.models import Unit


def _units(actor: Actor, sector: str) -> QuerySet[Unit]:
    country = actor.membership.unit.institution.country_id if actor.membership else 0
    return (
        Unit.objects.filter(
            is_active=True,
            institution__is_active=True,
            institution__country_id=country,
            institution__sector__code=sector,
        )
        .select_related("institution")
        .order_by("institution__name_ar", "name_ar")
    )


@login_required
@denied_as_403
def order_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "court.order.list")
    order_type = request.GET.get("type", "")
    orders = list(selectors.order_list(actor=actor, order_type=order_type)[:100])
    cases = list(selectors.cases_before_court(actor=actor)[:50]) if can(actor, "court.case.list") else []
    return render(
        request,
        "courts/order_list.html",
        {"orders": orders, "cases": cases, "order_type": order_type, "types": OrderType.choices},
    )


@login_required
@denied_as_403
def order_create(request: HttpRequest, case_pk: int, order_type: str) -> HttpResponse:
    actor = actor_from_request(request)
    case = selectors.case_for_court(actor=actor, pk=case_pk)
    require(actor, "court.order.create", case)
    if order_type not in OrderType.values:
        return render(request, "404.html", status=404)
    form = OrderForm(
        request.POST or None,
        order_type=order_type,
        persons=services.case_persons(case),
        centres=_units(actor, "social_centre"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_record(actor=actor, case=case, data=form.to_input())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The order is recorded."))
            return redirect("court-order-detail", pk=order.pk)
    return render(
        request,
        "courts/order_form.html",
        {"form": form, "case": case, "order_type": OrderType(order_type), "fields": FIELDS_BY_TYPE[order_type]},
        status=400 if form.errors else 200,
    )


def _event_labels() -> dict[str, str]:
    return {
        "issued": _("Issued"),
        "varied": _("Varied"),
        "revoked": _("Revoked"),
        "expired": _("Expired"),
        "in_force": _("In force"),
        "overlap_flagged": _("Overlapping schedule flagged"),
        "session_recorded": _("Session recorded"),
        "session_corrected": _("Session record corrected"),
        "compliance_report": _("Compliance report sent to the court"),
        "referred_to_fund": _("Referred to the alimony fund"),
        "fund_approved": _("Approved by the fund"),
        "fund_rejected": _("Rejected by the fund"),
        "payment": _("Payment recorded"),
        "recovery": _("Recovery recorded"),
        "breach": _("Breach reported"),
    }


def _labelled(events: Any) -> list[OrderEvent]:
    labels = _event_labels()
    rows = list(events)
    for e in rows:
        e.label = labels.get(e.event, e.event)
    return rows


def _detail(request: HttpRequest, actor: Actor, order: CourtOrder, status: int = 200, **forms: Any) -> HttpResponse:
    view = selectors.order_view(actor=actor, order=order)
    context: dict[str, Any] = {
        "order": order,
        "view": view,
        "weekday": dict(WEEKDAYS).get(order.weekday) if order.weekday is not None else "",
        "sessions": list(order.sessions.all()) if order.order_type == OrderType.VISITATION else [],
        "reports": list(order.compliance_reports.all()) if order.order_type == OrderType.VISITATION else [],
        "payments": list(order.payments.all()),
        "recoveries": list(order.recoveries.all()),
        "breaches": list(order.breaches.all()) if order.order_type == OrderType.PROTECTION else [],
        "beneficiaries": [p.full_name for p in order.beneficiaries.all()],
        "variations": list(order.variations.all()),
        "events": _labelled(order.events.all()),
        "conditions": [str(label) for value, label in Condition.choices if value in order.conditions],
        "may_compliance": order.order_type == OrderType.VISITATION and can(actor, "court.compliance.view", order),
        "vary_form": forms.get("vary_form") or VaryForm(),
        "revoke_form": forms.get("revoke_form") or RevokeForm(),
        "refer_form": forms.get("refer_form") or ReferFundForm(funds=_units(actor, "alimony_fund")),
        "decide_form": forms.get("decide_form") or DecideForm(),
        "session_form": forms.get("session_form") or SessionForm(),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "recovery_form": forms.get("recovery_form") or RecoveryForm(),
        "breach_form": forms.get("breach_form") or BreachForm(),
    }
    return render(request, "courts/order_detail.html", context, status=status)


@login_required
@denied_as_403
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    return _detail(request, actor, selectors.order_get(actor=actor, pk=pk))


@login_required
@require_POST
@denied_as_403
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = actor_from_request(request)
    order = selectors.order_get(actor=actor, pk=pk)
    raw_version = request.POST.get("version", "")
    expected = int(raw_version) if raw_version.isdigit() else None
    form: Any = None
    name = ""
    try:
        if action == "vary":
            form, name = VaryForm(request.POST), "vary_form"
            if form.is_valid():
                services.order_vary(actor=actor, order=order, expected_version=expected, **form.cleaned_data)
        elif action == "revoke":
            form, name = RevokeForm(request.POST), "revoke_form"
            if form.is_valid():
                services.order_revoke(
                    actor=actor, order=order, reason=form.cleaned_data["reason"], expected_version=expected
                )
        elif action == "refer-to-fund":
            form, name = ReferFundForm(request.POST, funds=_units(actor, "alimony_fund")), "refer_form"
            if form.is_valid():
                services.order_refer_to_fund(
                    actor=actor,
                    order=order,
                    fund_unit_id=form.cleaned_data["fund_unit"].pk,
                    note=form.cleaned_data["note"],
                    expected_version=expected,
                )
        elif action == "decide":
            form, name = DecideForm(request.POST), "decide_form"
            if form.is_valid():
                services.fund_decide(
                    actor=actor,
                    order=order,
                    approve=form.cleaned_data["approve"],
                    reason=form.cleaned_data["reason"],
                    expected_version=expected,
                )
        elif action == "session":
            form, name = SessionForm(request.POST), "session_form"
            if form.is_valid():
                services.session_record(actor=actor, order=order, expected_version=expected, **form.cleaned_data)
        elif action == "compliance":
            services.compliance_report_request(actor=actor, order=order, expected_version=expected)
        elif action == "payment":
            form, name = PaymentForm(request.POST), "payment_form"
            if form.is_valid():
                services.payment_record(actor=actor, order=order, expected_version=expected, **form.cleaned_data)
        elif action == "recovery":
            form, name = RecoveryForm(request.POST), "recovery_form"
            if form.is_valid():
                services.recovery_record(actor=actor, order=order, expected_version=expected, **form.cleaned_data)
        elif action == "breach":
            form, name = BreachForm(request.POST), "breach_form"
            if form.is_valid():
                services.breach_report(actor=actor, order=order, expected_version=expected, **form.cleaned_data)
        else:
            return render(request, "404.html", status=404)
    except ValidationError as exc:
        if form is not None:
            form.add_service_errors(exc)
        else:
            messages.error(request, " ".join(exc.messages))
            return _detail(request, actor, selectors.order_get(actor=actor, pk=pk, audit=False), status=400)
    except services.OrderConflict as exc:
        messages.error(request, exc.message)
        return _detail(request, actor, selectors.order_get(actor=actor, pk=pk, audit=False), status=409)
    if form is not None and form.errors:
        return _detail(request, actor, selectors.order_get(actor=actor, pk=pk, audit=False), status=400, **{name: form})
    messages.success(request, _("Done."))
    return redirect("court-order-detail", pk=pk)


@login_required
@denied_as_403
def compliance_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    report = selectors.compliance_report_get(actor=actor, pk=pk)
    data = export_compliance_report(actor=actor, report=report, language=get_language() or "ar")
    return pdf_response(data, f"CR-{report.pk}.pdf")
