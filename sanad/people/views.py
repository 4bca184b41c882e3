from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanad.access.actor import actor_from_request
from sanad.access.pages import open_record_page
from sanad.access.policy import Denied, can, require
from sanad.accounts.stepup import require_recent_auth
from sanad.audit.history import row_history
from sanad.audit.selectors import record_access_log
from sanad.people import selectors, services
from sanad.people.forms import ConfidentialityForm, MatchForm, PersonForm
from sanad.people.matching import Match, find_candidates

# What a person's row history shows; search keys and bookkeeping columns are not part of it.
HISTORY_FIELDS = (*services.CHANGED_FIELDS, "confidentiality")


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        require(actor, "person.list")
    except Denied:
        return render(request, "403.html", status=403)
    search = (request.GET.get("q") or "").strip()
    page = Paginator(selectors.person_list(actor=actor, search=search), 25).get_page(request.GET.get("page"))
    return render(request, "people/list.html", {"page": page, "q": search, "may_create": can(actor, "person.create")})


@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    """The htmx fragment under the intake name field: likely existing persons, as the officer types."""
    actor = actor_from_request(request)
    try:
        require(actor, "person.list")
    except Denied:
        return render(request, "403.html", status=403)
    query = request.GET.copy()
    if not query.get("name"):
        parts = ("first_name", "father_name", "grandfather_name", "family_name", "latin_name")
        query["name"] = " ".join(request.GET.get(p, "") for p in parts).strip()
    query.setdefault("dob", request.GET.get("date_of_birth", ""))
    query.setdefault("id_number", request.GET.get("document_number", ""))
    form = MatchForm(query)
    inside: list[Match] = []
    outside: list[Match] = []
    if form.is_valid():
        inside, outside = find_candidates(
            actor=actor,
            name=form.cleaned_data["name"],
            dob=form.cleaned_data["dob"],
            id_number=form.cleaned_data["id_number"],
        )
    return render(request, "people/_matches.html", {"inside": inside, "outside": outside, "form": form})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        require(actor, "person.create")
    except Denied:
        return render(request, "403.html", status=403)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.person_register(actor=actor, data=form.to_input())
        messages.success(request, _("The person was registered."))
        return redirect("person-detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    survivor = selectors.survivor_pk(pk)
    if survivor != pk:  # a merged record: its survivor stands for it now
        return redirect("person-detail", pk=survivor)
    person, readable = selectors.person_open_or_closed(actor=actor, pk=pk)
    if readable:
        show_log = actor.has_role("supervisor") and person.owner_unit_id == actor.unit_id
        log = list(record_access_log(object_type="people.person", object_id=pk)[:50]) if show_log else None
        history = row_history(person, fields=HISTORY_FIELDS) if show_log else None
        return render(
            request,
            "people/detail.html",
            {
                "person": person,
                "access_log": log,
                "history": history,
                "may_edit": can(actor, "person.edit", person),
                "may_set_confidentiality": can(actor, "person.set_confidentiality", person),
            },
        )
    # Within reach but closed: a sealed record the actor may unseal, or one they may break the glass on.
    return render(
        request,
        "people/closed.html",
        {
            "person": person,
            "may_unseal": can(actor, "person.unseal", person),
            "may_break_glass": can(actor, "person.break_glass", person),
        },
    )


@login_required
@require_recent_auth()
def person_open(request: HttpRequest, pk: int, how: str) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_reachable(actor=actor, pk=pk)
    return open_record_page(request, actor=actor, obj=person, how=how, done_url=reverse("person-detail", args=[pk]))


@login_required
@require_recent_auth()
def person_confidentiality(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor, pk=pk, action="person.set_confidentiality")
    form = ConfidentialityForm(request.POST or None, initial={"level": person.confidentiality})
    if request.method == "POST" and form.is_valid():
        services.person_set_confidentiality(
            actor=actor, person=person, level=form.cleaned_data["level"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Confidentiality changed."))
        return redirect("person-detail", pk=pk) if form.cleaned_data["level"] != "sealed" else redirect("person-list")
    return render(request, "people/open.html", {"form": form, "person": person, "how": "confidentiality"})
