from __future__ import annotations

from django.db import transaction

from sanad.accounts.models import User
from sanad.api.models import TOKEN_PREFIX_LENGTH, ApiToken, hash_token
from sanad.institutions.models import Membership


@transaction.atomic
def api_token_create(*, user: User, name: str = "", membership: Membership | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its only plaintext copy."""
    if membership is not None and membership.user_id != user.pk:
        raise ValueError("the membership belongs to another user")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, membership=membership, name=name, prefix=raw[:TOKEN_PREFIX_LENGTH], key_hash=hash_token(raw)
    )
    return token, raw
