"""Strategy pages: thin, they parse input, call a service or selector, and render. Refused input comes
back next to its field with what was typed kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import can, require
from sanad.cases.attachments import max_bytes
from sanad.cases.views import denied_as_403
from sanad.documents.views import pdf_response
from sanad.strategy import report, selectors, services
from sanad.strategy.api import evidence_response, xlsx_response
from sanad.strategy.charts import trend_svg
from sanad.strategy.forms import DraftFromForm, EntriesForm, EvidenceForm, LessonForm, ReviewForm, RoundForm
from sanad.strategy.models import ReportingRound, RoundStatus, Strategy, StrategyStatus, Submission


def _put_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            # The services name "entries.<indicator>.<field>"; the page calls it "<field>_<indicator>".
            parts = name.split(".")
            field = f"{parts[2]}_{parts[1]}" if len(parts) == 3 and parts[0] == "entries" else name
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc)


@login_required
@denied_as_403
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "strategy.view")
    strategies = list(selectors.strategy_list(actor=actor))
    active = [s for s in strategies if s.status == StrategyStatus.ACTIVE]
    may_open = can(actor, "strategy.manage")
    form = RoundForm(request.POST or None, strategies=active) if may_open else None
    if request.method == "POST":
        require(actor, "strategy.manage")
        if form is not None and form.is_valid():
            d = form.cleaned_data
            strategy = next((s for s in active if s.pk == d["strategy"]), None)
            try:
                if strategy is None:
                    raise ValidationError({"strategy": [_("Choose the strategy in force.")]})
                rnd = services.round_open(
                    actor=actor,
                    strategy=strategy,
                    name=d["name"],
                    period_start=d["period_start"],
                    period_end=d["period_end"],
                    due_on=d["due_on"],
                )
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("The round is open; each responsible institution has its form."))
                return redirect("strategy-round", pk=rnd.pk)
    rounds = list(selectors.round_list(actor=actor).order_by("-period_end", "-pk")[:50])
    forms = list(
        selectors.submission_list(actor=actor).order_by("-round__period_end", "institution__code")[:50]
        if can(actor, "strategy.submission_view")
        else []
    )
    today = timezone.localdate()
    return render(
        request,
        "strategy/home.html",
        {
            "strategies": strategies,
            "rounds": rounds,
            "forms": [(f, selectors.is_overdue(f, today)) for f in forms],
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _strategy_page(
    request: HttpRequest, actor: Actor, strategy: Strategy, draft_form: Form | None = None
) -> HttpResponse:
    manages = can(actor, "strategy.manage", strategy)
    return render(
        request,
        "strategy/strategy.html",
        {
            "strategy": strategy,
            "pillars": selectors.strategy_tree(strategy),
            "manages": manages,
            "draft_form": draft_form or (DraftFromForm() if manages else None),
            "is_draft": strategy.status == StrategyStatus.DRAFT,
        },
        status=400 if draft_form is not None and draft_form.errors else 200,
    )


@login_required
@denied_as_403
def strategy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    return _strategy_page(request, actor, selectors.strategy_get(actor=actor, pk=pk))


@login_required
@require_POST
@denied_as_403
def strategy_draft_from(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    strategy = selectors.strategy_get(actor=actor, pk=pk, action="strategy.manage")
    form = DraftFromForm(request.POST)
    if form.is_valid():
        try:
            new = services.strategy_draft_from(actor=actor, strategy=strategy, **form.cleaned_data)
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("A new draft was made from this strategy; revise its targets."))
            return redirect("strategy-detail", pk=new.pk)
    return _strategy_page(request, actor, strategy, draft_form=form)


@login_required
@require_POST
@denied_as_403
def strategy_activate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    strategy = selectors.strategy_get(actor=actor, pk=pk, action="strategy.manage")
    try:
        services.strategy_activate(actor=actor, strategy=strategy)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The strategy is in force; the previous one is archived."))
    return redirect("strategy-detail", pk=pk)


@login_required
@denied_as_403
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    rnd = selectors.round_get(actor=actor, pk=pk)
    today = timezone.localdate()
    forms = list(selectors.submission_list(actor=actor, rnd=rnd))
    rows = sorted(
        ((f, selectors.is_overdue(f, today)) for f in forms), key=lambda fo: (not fo[1], fo[0].institution.code)
    )
    return render(
        request,
        "strategy/round.html",
        {
            "round": rnd,
            "rows": rows,
            "overdue": sum(1 for _f, o in rows if o),
            "today": today,
            "manages": can(actor, "strategy.manage", rnd.strategy) and rnd.status == RoundStatus.OPEN,
        },
    )


@login_required
@require_POST
@denied_as_403
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    rnd = selectors.round_get(actor=actor, pk=pk)
    require(actor, "strategy.manage", rnd.strategy)
    services.round_close(actor=actor, rnd=rnd)
    messages.success(request, _("The round is closed; its forms can no longer be changed."))
    return redirect("strategy-round", pk=pk)


def _form_page(request: HttpRequest, actor: Actor, submission: Submission, **forms: Any) -> HttpResponse:
    entries = selectors.submission_entries(submission)
    fills = can(actor, "strategy.submission_fill", submission)
    reviews = can(actor, "strategy.submission_review", submission)
    initial = {"row_version": submission.row_version}
    entries_form = forms.get("entries_form") or (EntriesForm(entries=entries, initial=initial) if fills else None)
    failed = any(getattr(f, "errors", None) for f in forms.values() if isinstance(f, Form))
    status = 409 if forms.get("conflict") else 400 if failed else 200
    return render(
        request,
        "strategy/form.html",
        {
            "submission": submission,
            "entries": entries,
            "fills": fills,
            "reviews": reviews,
            "entries_form": entries_form,
            "evidence_form": forms.get("evidence_form"),
            "evidence_for": forms.get("evidence_for"),
            "review_form": forms.get("review_form") or (ReviewForm(initial=initial) if reviews else None),
            "events": list(submission.events.select_related("by")),
            "max_size": filesizeformat(max_bytes()),
            "conflict": forms.get("conflict", False),
            "overdue": selectors.is_overdue(submission, timezone.localdate()),
        },
        status=status,
    )


@login_required
@denied_as_403
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    return _form_page(request, actor, selectors.submission_get(actor=actor, pk=pk))


@login_required
@require_POST
@denied_as_403
def form_save(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    submission = selectors.submission_get(actor=actor, pk=pk, action="strategy.submission_fill")
    entries = selectors.submission_entries(submission)
    form = EntriesForm(request.POST, entries=entries)
    if not form.is_valid():
        return _form_page(request, actor, submission, entries_form=form)
    version = form.cleaned_data["row_version"]
    data = [
        services.EntryInput(
            indicator_id=e.indicator_id,
            value=form.cleaned_data[f"value_{e.indicator_id}"],
            narrative=form.cleaned_data[f"narrative_{e.indicator_id}"],
        )
        for e in entries
    ]
    try:
        saved = services.submission_save(actor=actor, submission=submission, entries=data, expected_version=version)
        if request.POST.get("then") == "submit":
            services.submission_submit(actor=actor, submission=saved, expected_version=saved.row_version)
            messages.success(request, _("Your form was submitted to the council."))
        else:
            messages.success(request, _("Your form was saved."))
    except services.StaleVersion as exc:
        post = request.POST.copy()
        post["row_version"] = str(exc.current)
        form = EntriesForm(post, entries=entries)
        form.is_valid()
        return _form_page(
            request, actor, selectors.submission_get(actor=actor, pk=pk), entries_form=form, conflict=True
        )
    except ValidationError as exc:
        # Values saved a moment ago stay saved when only the submission was refused: reload them below.
        _put_errors(form, exc)
        fresh = selectors.submission_get(actor=actor, pk=pk)
        post = request.POST.copy()
        post["row_version"] = str(fresh.row_version)
        kept = EntriesForm(post, entries=entries)
        kept.is_valid()
        for name, errs in form.errors.items():
            for err in errs:
                kept.add_error(name if name in kept.fields else None, err)
        return _form_page(request, actor, fresh, entries_form=kept)
    return redirect("strategy-submission", pk=pk)


@login_required
@require_POST
@denied_as_403
def form_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    submission = selectors.submission_get(actor=actor, pk=pk, action="strategy.submission_fill")
    form = EvidenceForm(request.POST, request.FILES)
    indicator = request.POST.get("indicator", "")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > max_bytes():
                raise ValidationError(
                    {"file": [_("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_bytes())}]}
                )
            services.evidence_add(
                actor=actor,
                submission=submission,
                indicator_id=form.cleaned_data["indicator"],
                filename=upload.name,
                data=upload.read(),
                expected_version=form.cleaned_data["row_version"],
            )
        except services.StaleVersion:
            form.add_error(None, _("The form changed since you loaded it; attach the file again."))
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("The evidence was attached."))
            return redirect("strategy-submission", pk=pk)
    fresh = selectors.submission_get(actor=actor, pk=pk)
    return _form_page(
        request, actor, fresh, evidence_form=form, evidence_for=int(indicator) if indicator.isdigit() else None
    )


@login_required
@denied_as_403
def form_evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    return evidence_response(actor, selectors.submission_get(actor=actor, pk=pk), evidence_id)


@login_required
@require_POST
@denied_as_403
def form_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    actor = actor_from_request(request)
    submission = selectors.submission_get(actor=actor, pk=pk, action="strategy.submission_review")
    form = ReviewForm(request.POST)
    if decision not in ("approve", "return"):
        raise Http404
    if form.is_valid():
        d = form.cleaned_data
        try:
            if decision == "approve":
                services.submission_approve(
                    actor=actor, submission=submission, comment=d["comment"], expected_version=d["row_version"]
                )
                messages.success(request, _("The form was approved."))
            else:
                services.submission_return(
                    actor=actor, submission=submission, comment=d["comment"], expected_version=d["row_version"]
                )
                messages.success(request, _("The form was returned to the institution for corrections."))
        except services.StaleVersion:
            form.add_error(None, _("The form changed since you loaded it; check it and decide again."))
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            return redirect("strategy-round", pk=submission.round_id)
    return _form_page(request, actor, selectors.submission_get(actor=actor, pk=pk), review_form=form)


def _chosen_round(request: HttpRequest, strategy: Strategy) -> ReportingRound | None:
    raw = request.GET.get("round", "")
    rounds = strategy.rounds.order_by("-period_end", "-pk")
    if raw.isdigit():
        found = rounds.filter(pk=int(raw)).first()
        if found is None:
            raise Http404
        return found
    return rounds.first()


@login_required
@denied_as_403
def progress(request: HttpRequest, pk: int, lesson_form: LessonForm | None = None) -> HttpResponse:
    actor = actor_from_request(request)
    strategy = selectors.strategy_get(actor=actor, pk=pk, action="strategy.progress")
    rnd = _chosen_round(request, strategy)
    rows = selectors.progress(actor=actor, strategy=strategy, rnd=rnd)
    pillars, institutions = selectors.summaries(rows)
    manages = can(actor, "strategy.manage", strategy)
    charts = [(t, trend_svg(t, label=t.indicator.name)) for t in selectors.trends(actor=actor, strategy=strategy)]
    return render(
        request,
        "strategy/progress.html",
        {
            "strategy": strategy,
            "round": rnd,
            "rounds": list(strategy.rounds.order_by("-period_end", "-pk")),
            "rows": rows,
            "pillars": pillars,
            "institutions": institutions,
            "charts": charts,
            "lessons": list(strategy.lessons.select_related("pillar", "recorded_by")),
            "lesson_form": lesson_form or (LessonForm(strategy=strategy) if manages else None),
            "may_report": can(actor, "strategy.report", strategy),
            "status_labels": selectors.STATUS_LABELS,
        },
        status=400 if lesson_form is not None and lesson_form.errors else 200,
    )


@login_required
@require_POST
@denied_as_403
def lesson_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    strategy = selectors.strategy_get(actor=actor, pk=pk, action="strategy.manage")
    form = LessonForm(request.POST, strategy=strategy)
    if form.is_valid():
        rnd = _chosen_round(request, strategy)
        try:
            services.lesson_record(
                actor=actor,
                strategy=strategy,
                text=form.cleaned_data["text"],
                round_id=rnd.pk if rnd else None,
                pillar_id=form.cleaned_data["pillar"],
            )
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("The lesson was recorded."))
            suffix = f"?round={rnd.pk}" if rnd else ""
            return redirect(f"{reverse('strategy-progress', args=[pk])}{suffix}")
    return progress(request, pk, lesson_form=form)


@login_required
@denied_as_403
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    strategy = selectors.strategy_get(actor=actor, pk=pk, action="strategy.report")
    rnd = _chosen_round(request, strategy)
    if rnd is None:
        raise Http404
    data = report.build_pdf(actor=actor, strategy=strategy, rnd=rnd, language=get_language() or "ar")
    return pdf_response(data, f"strategy-{strategy.pk}-round-{rnd.pk}.pdf")


@login_required
@denied_as_403
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    strategy = selectors.strategy_get(actor=actor, pk=pk, action="strategy.report")
    rnd = _chosen_round(request, strategy)
    if rnd is None:
        raise Http404
    data = report.build_xlsx(actor=actor, strategy=strategy, rnd=rnd, language=get_language() or "ar")
    return xlsx_response(data, f"strategy-{strategy.pk}-round-{rnd.pk}.xlsx")
