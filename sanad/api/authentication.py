from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from sanad.api.models import ApiToken, hash_token
from sanad.institutions.selectors import current_memberships


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``. Sets ``request.membership`` to the unit the system acts for."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        memberships = list(current_memberships(user=token.user))
        if token.membership_id is not None:
            membership = next((m for m in memberships if m.pk == token.membership_id), None)
        else:
            membership = memberships[0] if len(memberships) == 1 else None
        request._request.membership = membership  # type: ignore[attr-defined]
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
