"""Intake and case pages: thin, they parse input, call a service or selector, and render. A refused
input comes back next to its field with what was typed; a stale edit says so and keeps the input."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanad.access.actor import Actor, actor_from_request
from sanad.access.pages import open_record_page
from sanad.access.policy import Denied, can, require
from sanad.accounts.stepup import require_recent_auth
from sanad.audit.services import audit_record
from sanad.cases import selectors, services
from sanad.cases.access_rules import remember_reach
from sanad.cases.attachments import max_bytes
from sanad.cases.forms import (
    AdvanceForm,
    AppealForm,
    AssessmentForm,
    AssignForm,
    AttachmentForm,
    ClosureRequestForm,
    DecisionForm,
    IncidentForm,
    NoteForm,
    PlanActionForm,
    ReasonForm,
    ReportEditForm,
    ReportForm,
    RoleForm,
    ServiceForm,
    TriageForm,
)
from sanad.cases.models import APPEAL_CLOSED, WORK_STEPS, Case, CaseStatus, ClosureDecision, PersonRole, ReportStatus
from sanad.cases.risk import instrument
from sanad.cases.timeline import entry_text
from sanad.documents.case_summary import SECTIONS as SUMMARY_SECTIONS
from sanad.institutions.models import Governorate
from sanad.people.forms import ConfidentialityForm, PersonForm
from sanad.people.matching import find_candidates
from sanad.people.services import person_register
from sanad.taxonomy.models import DefinitionVersion, VersionStatus

View = Callable[..., HttpResponse]


def denied_as_403(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Denied:
            return render(request, "403.html", status=403)

    return wrapped


def _definitions(actor: Actor) -> DefinitionVersion | None:
    if actor.membership is None:
        return None
    return (
        DefinitionVersion.objects.filter(
            country_id=actor.membership.unit.institution.country_id, status=VersionStatus.PUBLISHED
        )
        .order_by("-number")
        .first()
    )


def _country_id(actor: Actor) -> int | None:
    return actor.membership.unit.institution.country_id if actor.membership else None


@login_required
@denied_as_403
def worklist(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "case.list")
    view = request.GET.get("view", "mine" if actor.has_role("case_worker") else "open")
    search = (request.GET.get("q") or "").strip()
    sort = request.GET.get("sort", "-created_at")
    if sort not in ("created_at", "-created_at", "number", "-number", "status"):
        sort = "-created_at"
    governorates = list(
        Governorate.objects.filter(country_id=_country_id(actor) or 0, parent__isnull=True).order_by("pk")
    )
    chosen = request.GET.get("governorate", "")
    governorate = next((g.pk for g in governorates if str(g.pk) == chosen), None)
    cases = selectors.case_list(
        actor=actor,
        search=search,
        status="open" if view in ("open", "mine", "high_risk", "overdue") else "",
        mine=view == "mine",
        high_risk=view == "high_risk",
        governorate=governorate,
    ).order_by(sort, "pk")
    status_filter = request.GET.get("status", "")
    if status_filter in CaseStatus.values:
        cases = cases.filter(status=status_filter)
    else:
        status_filter = ""
    if view == "overdue":
        cases = cases.filter(
            plan_actions__done_at__isnull=True, plan_actions__due_on__lt=timezone.localdate()
        ).distinct()
    if view == "awaiting":
        cases = selectors.awaiting_action(actor=actor, search=search, governorate=governorate).order_by(sort, "pk")
    page = selectors.case_page(cases, request.GET.get("page"))
    reports = list(selectors.new_reports(actor=actor)[:50]) if can(actor, "report.list") else []
    return render(
        request,
        "cases/worklist.html",
        {
            "page": page,
            "q": search,
            "view": view,
            "sort": sort,
            "status_filter": status_filter,
            "statuses": CaseStatus.choices,
            "governorates": governorates,
            "governorate": governorate,
            "new_reports": reports,
            "may_register": can(actor, "report.create"),
        },
    )


@login_required
@denied_as_403
def report_create(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "report.create")
    version = _definitions(actor)
    initial = {"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    form = ReportForm(request.POST or None, initial=initial, version=version, country_id=_country_id(actor))
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_register(actor=actor, data=form.to_input())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The report was registered. Now add the persons involved."))
            return redirect("report-detail", pk=report.pk)
    return render(request, "cases/report_form.html", {"form": form}, status=400 if form.errors else 200)


def _report_page(request: HttpRequest, actor: Actor, pk: int, **extra: Any) -> HttpResponse:
    report = selectors.report_get(actor=actor, pk=pk)
    version = _definitions(actor)
    persons = list(report.persons.select_related("person").order_by("pk"))
    context = {
        "report": report,
        "persons": persons,
        "incidents": list(report.incidents.select_related("governorate").order_by("pk")),
        "has_survivor": any(p.role == PersonRole.SURVIVOR for p in persons),
        "may_edit": can(actor, "report.edit", report),
        "may_open": report.status == ReportStatus.NEW and can(actor, "case.open", report),
        "existing_case": services.open_case_of(actor=actor, report=report)
        if report.status == ReportStatus.NEW
        else None,
        "person_form": PersonForm(),
        "role_form": RoleForm(),
        "incident_form": IncidentForm(version=version, country_id=_country_id(actor)),
        "roles": PersonRole.choices,
    }
    context.update(extra)
    return render(request, "cases/report_detail.html", context, status=400 if extra.get("failed") else 200)


@login_required
@denied_as_403
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, actor_from_request(request), pk)


@login_required
@denied_as_403
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the report's own fields. A second editor on a stale version is told, keeps what they
    typed, and sees the current values; saving again applies their text deliberately."""
    actor = actor_from_request(request)
    report = selectors.report_get(actor=actor, pk=pk, action="report.edit")
    version = report.definitions_version
    form = ReportEditForm(request.POST or None, initial=ReportEditForm.initial_for(report), version=version)
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "cases/report_edit.html", {"form": form, "report": report}, status=400 if form.errors else 200
        )
    try:
        services.report_update(
            actor=actor, report=report, data=form.to_edit(), expected_version=form.cleaned_data["row_version"]
        )
    except services.StaleVersion:
        fresh = selectors.report_get(actor=actor, pk=pk, action="report.edit")
        data = request.POST.copy()
        data["row_version"] = str(fresh.row_version)
        rebound = ReportEditForm(data, version=version)
        rebound.is_valid()
        context = {"form": rebound, "report": fresh, "conflict": True, "current": ReportEditForm.initial_for(fresh)}
        return render(request, "cases/report_edit.html", context, status=409)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return render(request, "cases/report_edit.html", {"form": form, "report": report}, status=400)
    messages.success(request, _("The report was corrected."))
    return redirect("report-detail", pk=pk)


@login_required
@denied_as_403
def report_person_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment under the name field: persons already registered, as the officer types."""
    actor = actor_from_request(request)
    report = selectors.report_get(actor=actor, pk=pk, action="report.edit")
    name = (request.GET.get("name") or "").strip()
    inside, outside = find_candidates(actor=actor, name=name) if len(name) >= 2 else ([], [])
    return render(
        request,
        "cases/_person_matches.html",
        {"report": report, "inside": inside[:10], "outside": outside[:5], "name": name, "roles": PersonRole.choices},
    )


@login_required
@require_POST
@denied_as_403
def report_add_person(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    report = selectors.report_get(actor=actor, pk=pk, action="report.edit")
    role_form = RoleForm(request.POST)
    try:
        person_id = int(request.POST.get("person", ""))
    except ValueError:
        person_id = 0
    if role_form.is_valid():
        try:
            services.report_add_person(
                actor=actor, report=report, person_id=person_id, role=role_form.cleaned_data["role"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The person was added to the report."))
    return redirect("report-detail", pk=pk)


@login_required
@require_POST
@denied_as_403
def report_register_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a person not found in the registry and add them to the report in their role."""
    actor = actor_from_request(request)
    report = selectors.report_get(actor=actor, pk=pk, action="report.edit")
    person_form = PersonForm(request.POST)
    role_form = RoleForm(request.POST)
    if person_form.is_valid() and role_form.is_valid():
        person = person_register(actor=actor, data=person_form.to_input())
        services.report_add_person(actor=actor, report=report, person_id=person.pk, role=role_form.cleaned_data["role"])
        messages.success(request, _("The person was registered and added to the report."))
        return redirect("report-detail", pk=pk)
    return _report_page(request, actor, pk, person_form=person_form, role_form=role_form, failed=True)


@login_required
@require_POST
@denied_as_403
def report_add_incident(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    report = selectors.report_get(actor=actor, pk=pk, action="report.edit")
    form = IncidentForm(request.POST, version=_definitions(actor), country_id=_country_id(actor))
    if form.is_valid():
        try:
            services.report_add_incident(actor=actor, report=report, data=form.incident_input())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The incident was added."))
            return redirect("report-detail", pk=pk)
    return _report_page(request, actor, pk, incident_form=form, failed=True)


@login_required
@require_POST
@denied_as_403
def report_open_case(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    report = selectors.report_get(actor=actor, pk=pk)
    link_to = request.POST.get("link_to")
    try:
        if request.POST.get("not_a_case"):
            services.report_close_not_a_case(actor=actor, report=report, reason=request.POST.get("reason", ""))
            messages.success(request, _("The report was closed as not a case."))
            return redirect("report-detail", pk=pk)
        if link_to:
            case = selectors.case_get(actor=actor, pk=int(link_to), action="case.edit")
            services.case_link_report(actor=actor, report=report, case=case)
            messages.success(request, _("The report was linked to the open case."))
        else:
            case = services.case_open(actor=actor, report=report)
            messages.success(request, _("Case %(number)s was opened.") % {"number": case.number})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("report-detail", pk=pk)
    return redirect("case-detail", pk=case.pk)


def _with_trend(assessments: list[Any]) -> list[tuple[Any, str]]:
    """Each assessment with how its score moved since the one before: up, down, same ('' for the first)."""
    rows, previous = [], None
    for a in assessments:
        trend = "" if previous is None else "up" if a.score > previous else "down" if a.score < previous else "same"
        rows.append((a, trend))
        previous = a.score
    return rows


def _case_page(request: HttpRequest, actor: Actor, case: Case, **forms: Any) -> HttpResponse:
    if not hasattr(case, "_reach_memo"):
        remember_reach(case)
    version = _definitions(actor)
    steps = [str(s) for s in WORK_STEPS]
    step = steps.index(case.status) if case.status in steps else None
    pending = case.closure_requests.filter(decision=ClosureDecision.PENDING).select_related("requested_by").first()
    tool = instrument("dash")
    labels = dict(CaseStatus.choices)
    context = {
        "case": case,
        "reports": list(case.reports.order_by("received_at")),
        "timeline": [(e, entry_text(e)) for e in case.timeline.select_related("by")],
        "assessments": _with_trend(list(case.assessments.select_related("assessed_by"))),
        "instrument": tool,
        "next_status": steps[step + 1] if step is not None and step + 1 < len(steps) else None,
        "previous_status": steps[step - 1] if step else None,
        "status_labels": labels,
        "pending": pending,
        "may_advance": case.status in steps and can(actor, "case.advance", case),
        "may_assess": case.is_open and can(actor, "case.assess", case),
        "may_request_closure": case.status in steps and can(actor, "case.request_closure", case),
        "may_decide": pending is not None
        and pending.requested_by_id != actor.user_id
        and can(actor, "case.approve_closure", case),
        "may_reopen": case.status == CaseStatus.CLOSED and can(actor, "case.reopen", case),
        "closure_form": forms.get("closure_form")
        or ClosureRequestForm(initial={"row_version": case.row_version}, version=version),
        "decision_form": forms.get("decision_form") or DecisionForm(initial={"row_version": case.row_version}),
        "reopen_form": forms.get("reopen_form") or ReasonForm(initial={"row_version": case.row_version}),
        "conflict": forms.get("conflict", False),
        "plan_actions": list(case.plan_actions.select_related("created_by")),
        "services": list(case.services.select_related("provider", "definitions_version")),
        "notes": list(case.notes.select_related("written_by")),
        "today": timezone.localdate(),
        "may_plan": case.is_open and can(actor, "case.plan", case),
        "may_record_service": case.is_open and can(actor, "case.record_service", case),
        "may_note": can(actor, "case.note", case),
        "may_set_confidentiality": can(actor, "case.set_confidentiality", case),
        "may_export_summary": can(actor, "case.export_summary", case),
        "summary_sections": list(SUMMARY_SECTIONS.items()),
        "may_assign": case.is_open and can(actor, "case.assign", case),
        "may_refer": case.is_open and can(actor, "referral.send", case),
        "referrals": list(case.referrals.select_related("to_unit__institution").order_by("-sent_at", "-pk")),
        "assign_form": forms.get("assign_form")
        or AssignForm(
            initial={"row_version": case.row_version, "assigned_to": case.assigned_to_id}, unit_id=case.owner_unit_id
        ),
        "plan_form": forms.get("plan_form") or PlanActionForm(),
        "service_form": forms.get("service_form")
        or ServiceForm(version=version, country_id=_country_id(actor), initial={"delivered_on": timezone.localdate()}),
        "note_form": forms.get("note_form") or NoteForm(),
        "attachments": list(case.attachments.defer("content").select_related("uploaded_by")),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }
    failed = any(f is not None and getattr(f, "errors", None) for f in forms.values()) or context["conflict"]
    return render(
        request, "cases/case_detail.html", context, status=409 if context["conflict"] else 400 if failed else 200
    )


@login_required
@denied_as_403
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    case, readable = selectors.case_open_or_closed(actor=actor, pk=pk)
    if readable:
        return _case_page(request, actor, case)
    # Within reach but closed: a sealed case the actor may unseal, or one they may break the glass on.
    return render(
        request,
        "cases/closed.html",
        {
            "case": case,
            "may_unseal": can(actor, "case.unseal", case),
            "may_break_glass": can(actor, "case.break_glass", case),
        },
    )


@login_required
@require_recent_auth()
def case_open(request: HttpRequest, pk: int, how: str) -> HttpResponse:
    actor = actor_from_request(request)
    case = selectors.case_reachable(actor=actor, pk=pk)
    return open_record_page(request, actor=actor, obj=case, how=how, done_url=reverse("case-detail", args=[pk]))


@login_required
@require_recent_auth()
def case_confidentiality(request: HttpRequest, pk: int) -> HttpResponse:
    """Restrict or seal a case (and its reports) through the one access policy; step-up first."""
    actor = actor_from_request(request)
    case = selectors.case_get(actor=actor, pk=pk, action="case.set_confidentiality")
    form = ConfidentialityForm(request.POST or None, initial={"level": case.confidentiality})
    if request.method == "POST" and form.is_valid():
        services.case_set_confidentiality(
            actor=actor, case=case, level=form.cleaned_data["level"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Confidentiality changed."))
        if form.cleaned_data["level"] == "sealed":
            return redirect("case-worklist")
        return redirect("case-detail", pk=pk)
    return render(request, "people/open.html", {"form": form, "how": "confidentiality"})


@login_required
@require_POST
@denied_as_403
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One endpoint per workflow action. On a stale version the page is shown again with a warning,
    the current state, and the editor's input still in the form."""
    actor = actor_from_request(request)
    case = selectors.case_get(actor=actor, pk=pk)
    version = _definitions(actor)
    form: Any
    if action == "advance":
        form = AdvanceForm(request.POST)
        key = "advance_form"
    elif action == "request-closure":
        form = ClosureRequestForm(request.POST, version=version)
        key = "closure_form"
    elif action == "decide":
        form = DecisionForm(request.POST)
        key = "decision_form"
    elif action == "reopen":
        form = ReasonForm(request.POST)
        key = "reopen_form"
    elif action == "assign":
        form = AssignForm(request.POST, unit_id=case.owner_unit_id)
        key = "assign_form"
    elif action in ("plan", "service", "note", "plan-done"):
        return _case_addition(request, actor, case, action)
    else:
        return render(request, "404.html", status=404)
    if not form.is_valid():
        return _case_page(request, actor, case, **{key: form})
    d = form.cleaned_data
    try:
        if action == "advance":
            services.case_advance(actor=actor, case=case, to_status=d["to_status"], expected_version=d["row_version"])
            messages.success(request, _("The case moved to the next step."))
        elif action == "request-closure":
            services.case_request_closure(
                actor=actor, case=case, reason_code=d["reason_code"], note=d["note"], expected_version=d["row_version"]
            )
            messages.success(request, _("Closure requested; a supervisor will decide."))
        elif action == "decide":
            services.case_decide_closure(
                actor=actor,
                case=case,
                approve=d["decision"] == "approve",
                note=d["note"],
                expected_version=d["row_version"],
            )
            messages.success(request, _("Your decision was recorded."))
        elif action == "assign":
            services.case_assign(actor=actor, case=case, user=d["assigned_to"], expected_version=d["row_version"])
            messages.success(request, _("The case was assigned."))
        else:
            services.case_reopen(actor=actor, case=case, reason=d["reason"], expected_version=d["row_version"])
            messages.success(request, _("The case was reopened."))
    except services.StaleVersion:
        fresh = selectors.case_get(actor=actor, pk=pk)
        # The editor's input stays; only the version moves on, so a deliberate resubmit applies it.
        data = request.POST.copy()
        data["row_version"] = str(fresh.row_version)
        rebound: Any
        if key == "closure_form":
            rebound = ClosureRequestForm(data, version=version)
        elif key == "assign_form":
            rebound = AssignForm(data, unit_id=case.owner_unit_id)
        else:
            rebound = type(form)(data)
        rebound.is_valid()
        return _case_page(request, actor, fresh, **{key: rebound, "conflict": True})
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errs in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            form.add_error(None, exc)
        return _case_page(request, actor, case, **{key: form})
    return redirect("case-detail", pk=pk)


def _case_addition(request: HttpRequest, actor: Actor, case: Case, action: str) -> HttpResponse:
    """Plan actions, services delivered and notes are added to a case, not edited in it, so they
    need no version: two workers adding at once both keep what they added."""
    form: Any
    if action == "plan-done":
        try:
            services.case_complete_plan_action(actor=actor, case=case, action_id=int(request.POST.get("id", "0")))
        except (ValidationError, ValueError):
            messages.error(request, _("No such plan action on this case."))
        return redirect("case-detail", pk=case.pk)
    if action == "plan":
        form, key = PlanActionForm(request.POST), "plan_form"
    elif action == "service":
        form = ServiceForm(request.POST, version=_definitions(actor), country_id=_country_id(actor))
        key = "service_form"
    else:
        form, key = NoteForm(request.POST), "note_form"
    if form.is_valid():
        d = form.cleaned_data
        try:
            if action == "plan":
                services.case_add_plan_action(actor=actor, case=case, **d)
            elif action == "service":
                services.case_record_service(
                    actor=actor,
                    case=case,
                    service_code=d["service_code"],
                    provider_id=d["provider"].pk,
                    delivered_on=d["delivered_on"],
                    outcome_code=d["outcome_code"] or "",
                )
            else:
                services.case_add_note(actor=actor, case=case, text=d["text"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errs in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errs)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("case-detail", pk=case.pk)
    return _case_page(request, actor, case, **{key: form})


@login_required
@denied_as_403
def case_assess(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    case = selectors.case_get(actor=actor, pk=pk, action="case.assess")
    tool = instrument("dash")
    form = AssessmentForm(request.POST or None, instrument=tool)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.case_assess_risk(
                actor=actor,
                case=case,
                answers=form.answers(),
                judged_level=form.cleaned_data["level"],
                reason=form.cleaned_data["judgement_reason"],
            )
        except ValidationError as exc:
            for name, errs in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            messages.success(
                request,
                _("Risk assessed: score %(score)s, level %(level)s.")
                % {"score": assessment.score, "level": assessment.get_level_display()},
            )
            return redirect("case-detail", pk=pk)
    return render(
        request,
        "cases/assess.html",
        {"case": case, "form": form, "instrument": tool},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@denied_as_403
def case_attach(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    case = selectors.case_get(actor=actor, pk=pk, action="case.note")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > max_bytes():
                raise ValidationError(
                    {"file": [_("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_bytes())}]}
                )
            services.case_add_attachment(actor=actor, case=case, filename=upload.name, data=upload.read())
        except ValidationError as exc:
            for name, errs in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("case-detail", pk=pk)
    return _case_page(request, actor, case, attachment_form=form)


@login_required
@denied_as_403
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """Served only to those who may read the case, and the read is audited; never cached, never
    rendered inline (a PDF or image opened in the page could run or leak)."""
    actor = actor_from_request(request)
    case = selectors.case_get(actor=actor, pk=pk)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    audit_record(
        actor=actor,
        action="case.attachment.download",
        object_type="cases.case",
        object_id=case.pk,
        details={"attachment": attachment.pk},
    )
    response = HttpResponse(services.attachment_bytes(attachment), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@denied_as_403
def appeal_list(request: HttpRequest) -> HttpResponse:
    """Social-media and press appeals of the unit, and the form to log a new one."""
    actor = actor_from_request(request)
    require(actor, "appeal.list")
    form = AppealForm(request.POST or None)
    if request.method == "POST":
        require(actor, "appeal.create")
        if form.is_valid():
            try:
                appeal = services.appeal_register(actor=actor, data=services.AppealInput(**form.cleaned_data))
            except ValidationError as exc:
                for name, errs in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errs)
            else:
                return redirect("appeal-detail", pk=appeal.pk)
    page = Paginator(selectors.appeal_list(actor=actor), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/appeals.html",
        {"page": page, "form": form, "may_create": can(actor, "appeal.create")},
        status=400 if form.errors else 200,
    )


@login_required
@denied_as_403
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    appeal = selectors.appeal_get(actor=actor, pk=pk)
    form = TriageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_triage(
                actor=actor, appeal=appeal, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            for name, errs in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            return redirect("appeal-detail", pk=pk)
    return render(
        request,
        "cases/appeal_detail.html",
        {
            "appeal": appeal,
            "log": list(appeal.log.select_related("by")),
            "form": form,
            "may_triage": appeal.status not in APPEAL_CLOSED and can(actor, "appeal.triage", appeal),
        },
        status=400 if form.errors else 200,
    )
