"""The data stewards' pages: the review queue, one pair side by side, decide, merge and unmerge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanad.access.actor import actor_from_request
from sanad.access.policy import Denied, get_for
from sanad.people import review
from sanad.people.forms import ReasonForm
from sanad.people.merge import MergeRefused, person_merge, person_unmerge
from sanad.people.models import LinkStatus, PersonMerge
from sanad.people.review_display import explain


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    status = request.GET.get("status", LinkStatus.PENDING)
    if status not in LinkStatus.values:
        status = LinkStatus.PENDING
    try:
        queue = review.review_queue(actor=actor, status=status)
    except Denied:
        return render(request, "403.html", status=403)
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    review.audit_queue_page(actor=actor, candidates=list(page))
    return render(request, "people/review_queue.html", {"page": page, "status": status, "statuses": LinkStatus})


def _merge_of(candidate_pk: int, person_ids: tuple[int, int]) -> PersonMerge | None:
    return (
        PersonMerge.objects.filter(survivor_id__in=person_ids, duplicate_id__in=person_ids, unmerged_at__isnull=True)
        .order_by("-pk")
        .first()
    )


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    candidate = review.review_candidate_get(actor=actor, pk=pk)
    context = {
        "candidate": candidate,
        "reasons": explain(candidate.reasons),
        "merge": _merge_of(pk, (candidate.person_a_id, candidate.person_b_id)),
        "merge_form": ReasonForm(),
    }
    return render(request, "people/review_detail.html", context)


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    candidate = get_for(actor, "linkage.review", review.LinkCandidate.objects.all(), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("same", "different"):
        return HttpResponse(status=400)
    candidate = review.link_candidate_decide(actor=actor, candidate=candidate, same_person=decision == "same")
    if request.headers.get("HX-Request"):
        return render(request, "people/_review_decision.html", {"candidate": candidate})
    messages.success(request, _("Decision recorded."))
    return redirect("review-detail", pk=pk)


@login_required
@require_POST
def review_merge(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    candidate = get_for(
        actor, "person.merge", review.LinkCandidate.objects.select_related("person_a", "person_b"), pk=pk
    )
    form = ReasonForm(request.POST)
    if candidate.status != LinkStatus.CONFIRMED or not form.is_valid():
        messages.error(request, _("Only a confirmed pair can be merged, and a merge needs a reason."))
        return redirect("review-detail", pk=pk)
    try:
        # The older record survives: it is the one other systems have known longest.
        person_merge(
            actor=actor,
            survivor=candidate.person_a,
            duplicate=candidate.person_b,
            reason=form.cleaned_data["reason"],
        )
    except MergeRefused as refused:
        messages.error(request, _("The merge was refused: %(why)s. Nothing was changed.") % {"why": refused})
    else:
        messages.success(request, _("The two records are now one person."))
    return redirect("review-detail", pk=pk)


@login_required
@require_POST
def review_unmerge(request: HttpRequest, pk: int, merge_pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    candidate = get_for(actor, "person.merge", review.LinkCandidate.objects.all(), pk=pk)
    merge = _merge_of(pk, (candidate.person_a_id, candidate.person_b_id))
    if merge is None or merge.pk != merge_pk:
        raise Http404
    try:
        person_unmerge(actor=actor, merge=merge, reason=request.POST.get("reason", ""))
    except MergeRefused as refused:
        messages.error(request, _("The unmerge was refused: %(why)s. Nothing was changed.") % {"why": refused})
    else:
        messages.success(request, _("The merge was undone: both records are as they were before."))
    return redirect("review-detail", pk=pk)
