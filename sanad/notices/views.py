from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanad.access.actor import actor_from_request
from sanad.notices import selectors, services
from sanad.notices.messages import notice_text


def _box(request: HttpRequest) -> str:
    box = request.GET.get("box") or request.POST.get("box") or "all"
    return box if box in selectors.BOXES else "all"


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    box = _box(request)
    page = Paginator(selectors.notice_list(actor=actor, box=box), 50).get_page(request.GET.get("page"))
    rows = [(notice, notice_text(notice)) for notice in page]
    return render(
        request,
        "notices/inbox.html",
        {"page": page, "rows": rows, "box": box, "counts": selectors.unread_counts(actor=actor)},
    )


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    box = _box(request)
    changed = services.notices_mark_read(
        actor=actor, notices=selectors.notice_list(actor=actor, unread_only=True, box=box)
    )
    if changed:
        messages.success(request, _("All notices marked as read."))
    return redirect(f"{reverse('notice-inbox')}?box={box}")
