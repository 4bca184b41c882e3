from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from sanad.accounts import views as accounts
from sanad.audit import views as audit
from sanad.core import views as core

urlpatterns = [
    path("", core.home, name="home"),
    path("login/", core.LoginView.as_view(), name="login"),
    path("login/verify/", accounts.verify, name="login-verify"),
    path("login/confirm/", accounts.reauthenticate, name="reauthenticate"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/security/", accounts.security, name="account-security"),
    path("account/security/setup/", accounts.enrol, name="mfa-enrol"),
    path("account/security/recovery-codes/", accounts.recovery_codes, name="mfa-recovery-codes"),
    path("account/webauthn/", include("sanad.accounts.webauthn")),
    path("language/", core.set_language, name="set-language"),
    path("acting-for/", core.choose_membership, name="choose-membership"),
    path("institutions/", core.institution_directory, name="institution-directory"),
    path("healthz", core.healthz, name="healthz"),
    path("audit/", audit.audit_search, name="audit-search"),
    path("audit/export.csv", audit.audit_export, name="audit-export"),
    path("people/", include("sanad.people.urls")),
    path("cases/", include("sanad.cases.urls")),
    path("multiagency/", include("sanad.multiagency.urls")),
    path("documents/", include("sanad.documents.urls")),
    path("notices/", include("sanad.notices.urls")),
    path("referrals/", include("sanad.referrals.urls")),
    path("courts/", include("sanad.courts.urls")),
    path("definitions/", include("sanad.taxonomy.urls")),
    path("strategy/", include("sanad.strategy.urls")),
    path("statistics/", include("sanad.statistics.urls")),
    # The administration area signs in through the same page, with the same second factor and lockout.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True), name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("sanad.api.urls")),
]
