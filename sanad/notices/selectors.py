from __future__ import annotations

from django.db.models import QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import get_for, scope
from sanad.notices.models import Notice


def notice_list(*, actor: Actor, unread_only: bool = False) -> QuerySet[Notice]:
    notices = scope(actor, "notice.read", Notice.objects.all())
    return notices.filter(read_at__isnull=True) if unread_only else notices


def notice_get(*, actor: Actor, pk: int) -> Notice:
    return get_for(actor, "notice.read", Notice.objects.all(), pk=pk)


def unread_count(*, actor: Actor) -> int:
    return notice_list(actor=actor, unread_only=True).count()
