"""Who is acting: a user, for one membership (unit + role), from an address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sanad.accounts.models import User
    from sanad.institutions.models import Membership


@dataclass(frozen=True)
class Actor:
    user: User | None
    membership: Membership | None
    ip: str | None = None
    user_agent: str = ""
    # Set only for background jobs and management commands: who or what runs without a user.
    system: str = ""

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership is not None else None

    @property
    def unit_id(self) -> int | None:
        return self.membership.unit_id if self.membership is not None else None

    @property
    def institution_id(self) -> int | None:
        return self.membership.unit.institution_id if self.membership is not None else None

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @classmethod
    def for_system(cls, name: str) -> Actor:
        """A background job or command. It passes no role check: jobs call services that need no user."""
        return cls(user=None, membership=None, system=name)


def client_ip(request: Any) -> str | None:
    # Behind a proxy, the deployment sets REMOTE_ADDR correctly (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR")


def actor_from_request(request: Any) -> Actor:
    """The actor of a page or API request (``request.membership`` is set by middleware or token auth)."""
    django_request = getattr(request, "_request", request)
    user = request.user if request.user.is_authenticated else None
    return Actor(
        user=user,
        membership=getattr(django_request, "membership", None),
        ip=client_ip(django_request),
        user_agent=django_request.META.get("HTTP_USER_AGENT", "")[:300],
    )
