"""Sessions follow the account: signing in records them; disabling a user, ending or removing a membership,
or closing a unit or an institution ends them at once."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from sanad.accounts import sessions
from sanad.accounts.events import audit_auth
from sanad.accounts.models import User
from sanad.institutions.models import Institution, Membership, Unit


@receiver(user_logged_in, dispatch_uid="sanad.accounts.start_session")
def _start_session(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.start_session(request, user)
        audit_auth(request, "auth.password_accepted", user=user)


@receiver(user_logged_out, dispatch_uid="sanad.accounts.end_session")
def _end_session(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if request is None:
        return
    if user is not None and not getattr(request, "_sanad_logout_audited", False):
        audit_auth(request, "auth.logout", user=user)
    sessions.forget_session(request.session.session_key)


@receiver(user_locked_out, dispatch_uid="sanad.accounts.locked_out")
def _locked_out(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    if request is not None:
        audit_auth(request, "auth.locked_out", user=None, denied=True, details={"username": (username or "")[:150]})


@receiver(post_save, sender=User, dispatch_uid="sanad.accounts.user_disabled")
def _user_saved(sender: Any, instance: User, **kwargs: Any) -> None:
    if not instance.is_active:
        sessions.end_user_sessions(instance, reason="user_disabled")


def _membership_is_over(membership: Membership) -> bool:
    return not membership.is_active or (membership.ends_at is not None and membership.ends_at <= timezone.now())


def _remember_previous_state(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Whether the row was current before this save, so that only a change ends sessions."""
    previous = sender.objects.filter(pk=instance.pk).first() if instance.pk is not None else None
    if sender is Membership:
        instance._sanad_was_current = previous is not None and not _membership_is_over(previous)
    else:
        instance._sanad_was_current = previous is not None and previous.is_active


for _model in (Membership, Unit, Institution):
    pre_save.connect(_remember_previous_state, sender=_model, dispatch_uid=f"sanad.accounts.previous.{_model.__name__}")


@receiver(post_save, sender=Membership, dispatch_uid="sanad.accounts.membership_ended")
def _membership_saved(sender: Any, instance: Membership, **kwargs: Any) -> None:
    if getattr(instance, "_sanad_was_current", False) and _membership_is_over(instance):
        sessions.end_user_sessions(instance.user_id, reason="membership_ended")


@receiver(post_delete, sender=Membership, dispatch_uid="sanad.accounts.membership_removed")
def _membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    sessions.end_user_sessions(instance.user_id, reason="membership_removed")


@receiver(post_save, sender=Unit, dispatch_uid="sanad.accounts.unit_closed")
def _unit_saved(sender: Any, instance: Unit, **kwargs: Any) -> None:
    if getattr(instance, "_sanad_was_current", False) and not instance.is_active:
        for user_id in set(Membership.objects.filter(unit=instance).values_list("user_id", flat=True)):
            sessions.end_user_sessions(user_id, reason="unit_closed")


@receiver(post_save, sender=Institution, dispatch_uid="sanad.accounts.institution_closed")
def _institution_saved(sender: Any, instance: Institution, **kwargs: Any) -> None:
    if getattr(instance, "_sanad_was_current", False) and not instance.is_active:
        for user_id in set(Membership.objects.filter(unit__institution=instance).values_list("user_id", flat=True)):
            sessions.end_user_sessions(user_id, reason="institution_closed")
