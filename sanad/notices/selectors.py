from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import get_for, scope
from sanad.notices.models import Notice

BOXES = ("all", "mine", "unit")


def notice_list(*, actor: Actor, unread_only: bool = False, box: str = "all") -> QuerySet[Notice]:
    """The actor's inbox: notices to them (``mine``), to the unit they act for (``unit``), or both."""
    notices = scope(actor, "notice.read", Notice.objects.all())
    if box == "mine":
        notices = notices.filter(recipient_id=actor.user_id or 0)
    elif box == "unit":
        notices = notices.filter(unit_id=actor.unit_id or 0)
    return notices.filter(read_at__isnull=True) if unread_only else notices


def notice_get(*, actor: Actor, pk: int) -> Notice:
    return get_for(actor, "notice.read", Notice.objects.all(), pk=pk)


def unread_counts(*, actor: Actor) -> dict[str, int]:
    """Unread notices to the user and to their unit, in one query."""
    counts = notice_list(actor=actor, unread_only=True).aggregate(
        mine=Count("pk", filter=Q(recipient_id=actor.user_id or 0)),
        unit=Count("pk", filter=Q(unit_id=actor.unit_id or 0)),
    )
    return {"mine": counts["mine"], "unit": counts["unit"]}


def unread_count(*, actor: Actor) -> int:
    return notice_list(actor=actor, unread_only=True).count()
