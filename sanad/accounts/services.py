from __future__ import annotations

from sanad.accounts.models import User

SUPPORTED_LANGUAGES = ("ar", "en")


def user_set_language(*, actor: User, language: str) -> User:
    """Remember a user's language; an unknown code falls back to Arabic."""
    language = language if language in SUPPORTED_LANGUAGES else "ar"
    if actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
    return actor
