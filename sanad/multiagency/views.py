"""Multi-agency review pages: thin, they parse input, call a service or selector, and render. Refused
input comes back next to its field with what was typed kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import can, require
from sanad.cases.models import RiskLevel
from sanad.cases.views import denied_as_403
from sanad.multiagency import selectors, services
from sanad.multiagency.forms import ActionForm, AddCaseForm, ConveneForm, DecideForm
from sanad.multiagency.models import ReviewMeeting


def _country_id(actor: Actor) -> int | None:
    return actor.membership.unit.institution.country_id if actor.membership else None


def _put_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, exc)


@login_required
@denied_as_403
def meeting_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "marac.view")
    may_convene = can(actor, "marac.convene")
    form = ConveneForm(request.POST or None, country_id=_country_id(actor)) if may_convene else None
    if request.method == "POST":
        require(actor, "marac.convene")
        if form is not None and form.is_valid():
            try:
                meeting = services.meeting_convene(
                    actor=actor,
                    held_on=form.cleaned_data["held_on"],
                    institution_ids=[i.pk for i in form.cleaned_data["institutions"]],
                )
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("The meeting was convened; the participating institutions were told."))
                return redirect("marac-meeting", pk=meeting.pk)
    meetings = list(selectors.meeting_list(actor=actor)[:100])
    return render(
        request,
        "multiagency/meetings.html",
        {"meetings": meetings, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _meeting_page(request: HttpRequest, actor: Actor, meeting: ReviewMeeting, **forms: Any) -> HttpResponse:
    rows = selectors.agenda(actor=actor, meeting=meeting)
    manages = can(actor, "marac.manage", meeting)
    institutions = list(meeting.institutions.order_by("pk"))
    context: dict[str, Any] = {
        "meeting": meeting,
        "institutions": institutions,
        "rows": rows,
        "manages": manages,
        "today": timezone.localdate(),
        "risk_labels": dict(RiskLevel.choices),
        "conflict": forms.get("conflict", False),
        "failed_item": forms.get("item_id"),
    }
    if manages:
        choices = [(c.pk, f"{c.number} · {c.institution}") for c in selectors.candidates(actor=actor, meeting=meeting)]
        initial = {"row_version": meeting.row_version}
        context["add_form"] = forms.get("add_form") or AddCaseForm(choices=choices, initial=initial)
        context["decide_form"] = forms.get("decide_form") or DecideForm(initial=initial)
        context["action_form"] = forms.get("action_form") or ActionForm(institutions=institutions, initial=initial)
        context["fresh_decide_form"] = DecideForm(initial=initial)
        context["fresh_action_form"] = ActionForm(institutions=institutions, initial=initial)
    failed = any(getattr(f, "errors", None) for f in forms.values() if isinstance(f, Form))
    status = 409 if context["conflict"] else 400 if failed else 200
    return render(request, "multiagency/meeting.html", context, status=status)


@login_required
@denied_as_403
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    return _meeting_page(request, actor, selectors.meeting_get(actor=actor, pk=pk))


@login_required
@require_POST
@denied_as_403
def meeting_change(request: HttpRequest, pk: int, what: str, item_id: int | None = None) -> HttpResponse:
    """Add a case, decide an item, or agree an action: each names the meeting version it was made on."""
    actor = actor_from_request(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk, action="marac.manage")
    institutions = list(meeting.institutions.order_by("pk"))
    item = selectors.item_get(actor=actor, meeting=meeting, pk=item_id) if item_id is not None else None
    choices = [(c.pk, c.number) for c in selectors.candidates(actor=actor, meeting=meeting)] if what == "add" else []

    def bind(data: Any) -> Any:
        if what == "add":
            return AddCaseForm(data, choices=choices)
        if what == "decide":
            return DecideForm(data)
        return ActionForm(data, institutions=institutions)

    if what not in ("add", "decide", "action") or (what != "add" and item is None):
        return render(request, "404.html", status=404)
    form = bind(request.POST)
    key = {"add": "add_form", "decide": "decide_form", "action": "action_form"}[what]
    extra = {"item_id": item.pk if item else None}
    if not form.is_valid():
        return _meeting_page(request, actor, meeting, **{key: form}, **extra)
    d = form.cleaned_data
    try:
        if what == "add":
            services.agenda_add_case(actor=actor, meeting=meeting, case_id=d["case"], expected_version=d["row_version"])
            messages.success(request, _("The case was added to the agenda."))
        elif what == "decide" and item is not None:
            services.item_decide(
                actor=actor, item=item, outcome=d["outcome"], reason=d["reason"], expected_version=d["row_version"]
            )
            messages.success(request, _("The case left the agenda."))
        elif item is not None:
            services.action_agree(
                actor=actor,
                item=item,
                description=d["description"],
                institution_id=d["institution"],
                user_id=d["user"],
                due_on=d["due_on"],
                expected_version=d["row_version"],
            )
            messages.success(request, _("The action was recorded and its responsible told."))
    except services.StaleVersion as exc:
        data = request.POST.copy()
        data["row_version"] = str(exc.current)
        form = bind(data)
        form.is_valid()
        fresh = selectors.meeting_get(actor=actor, pk=pk)
        return _meeting_page(request, actor, fresh, **{key: form, "conflict": True}, **extra)
    except ValidationError as exc:
        _put_errors(form, exc)
        return _meeting_page(request, actor, meeting, **{key: form}, **extra)
    return redirect("marac-meeting", pk=pk)


@login_required
@denied_as_403
def action_worklist(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "marac.action_list")
    actions = list(selectors.my_actions(actor=actor)[:200])
    return render(
        request,
        "multiagency/actions.html",
        {
            "rows": [(a, selectors.overdue(a), can(actor, "marac.action_complete", a)) for a in actions],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
@denied_as_403
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    action = selectors.action_get(actor=actor, pk=pk)
    try:
        version = int(request.POST.get("row_version", ""))
    except ValueError:
        version = None
    try:
        services.action_complete(actor=actor, action=action, expected_version=version)
    except services.StaleVersion:
        messages.error(request, _("This action changed since you loaded the page; check it and try again."))
        return redirect("marac-actions")
    messages.success(request, _("The action is marked done."))
    return redirect("marac-actions")
