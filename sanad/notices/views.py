from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanad.access.actor import actor_from_request
from sanad.notices import selectors, services
from sanad.notices.messages import notice_text


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    page = Paginator(selectors.notice_list(actor=actor), 50).get_page(request.GET.get("page"))
    rows = [(notice, notice_text(notice)) for notice in page]
    return render(request, "notices/inbox.html", {"page": page, "rows": rows})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    changed = services.notices_mark_read(actor=actor, notices=selectors.notice_list(actor=actor, unread_only=True))
    if changed:
        messages.success(request, _("All notices marked as read."))
    return redirect("notice-inbox")
