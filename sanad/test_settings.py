"""Test overrides: fast hashing, no secure cookies on the test server, a fixed key."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from sanad.settings import *  # noqa: F403
from sanad.settings import DATABASES, STATIC_ROOT

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The __Host- names need Secure cookies, which the plain-HTTP test server cannot set.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The suite's flush between transactional tests truncates every table; the audit table's trigger
# allows that only on connections carrying this option (see audit migration 0002).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c sanad.audit_truncate=allow"

# Tests use generated keys under var/keys, as development does.
SANAD_TESTING = True

# The project's URLs plus test-only views (e.g. one behind require_recent_auth).
ROOT_URLCONF = "sanad.testing.urls"
