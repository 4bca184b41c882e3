"""Which membership a signed-in user is acting for on this request.

A user acts for the unit of one current membership. With one membership it is chosen for them;
with several they choose, and the choice lives in the session (``membership_id``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sanad.institutions.models import Membership
from sanad.institutions.selectors import current_memberships

SESSION_KEY = "membership_id"


def acting_membership(request: HttpRequest) -> Membership | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = list(current_memberships(user=user))
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    if len(memberships) == 1:
        return memberships[0]
    return None


class ActingMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = acting_membership(request)  # type: ignore[attr-defined]
        return self.get_response(request)
