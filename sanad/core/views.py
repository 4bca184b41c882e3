from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from sanad.accounts import mfa
from sanad.accounts.events import audit_auth
from sanad.accounts.forms import SignInForm
from sanad.accounts.services import SUPPORTED_LANGUAGES, user_set_language
from sanad.accounts.views import complete_sign_in
from sanad.core.health import health
from sanad.institutions import selectors
from sanad.institutions.acting import SESSION_KEY


def _set_language_cookie(response: HttpResponseBase, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    """First step of sign-in: username and password (django-axes counts failures per username and per
    address). The second factor comes next (``login-verify``), or enrolment of one (``mfa-enrol``)."""

    template_name = "core/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)  # records the session and audits auth.password_accepted
        target = self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        query = f"?{urlencode({'next': target})}"
        if mfa.has_confirmed_device(user):
            response: HttpResponse = redirect(reverse("login-verify") + query)
        elif settings.SANAD_DEMO_MODE:
            complete_sign_in(self.request, None, method="password-demo-mode")
            response = redirect(target)
        else:
            response = redirect(reverse("mfa-enrol") + query)
        # A new browser takes the language the user chose before.
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            _set_language_cookie(response, user.preferred_language)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        audit_auth(
            self.request,
            "auth.login_failed",
            user=None,
            denied=True,
            details={
                "username": str(form.data.get("username", ""))[:150],
                "locked_out": bool(getattr(self.request, "axes_locked_out", False)),
            },
        )
        return super().form_invalid(form)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    language = language if language in SUPPORTED_LANGUAGES else settings.LANGUAGE_CODE
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    if request.user.is_authenticated:
        user_set_language(actor=request.user, language=language)
    response = HttpResponseRedirect(target)
    _set_language_cookie(response, language)
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    if membership is None:
        return redirect("choose-membership")
    return render(request, "core/home.html", {"membership": membership})


@login_required
def choose_membership(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.current_memberships(user=request.user))  # type: ignore[arg-type]
    if request.method == "POST":
        try:
            chosen = int(request.POST.get("membership", ""))
        except ValueError:
            chosen = 0
        if any(m.pk == chosen for m in memberships):
            request.session[SESSION_KEY] = chosen
            return redirect("home")
    return render(request, "core/choose_membership.html", {"memberships": memberships})


@login_required
def institution_directory(request: HttpRequest) -> HttpResponse:
    country = request.membership.unit.institution.country.code if request.membership else None  # type: ignore[attr-defined]
    sector = request.GET.get("sector") or None
    governorate = request.GET.get("governorate") or None
    search = (request.GET.get("q") or "").strip() or None
    institutions = selectors.institution_list(
        country_code=country, sector=sector, governorate=governorate, search=search
    ).prefetch_related("units")
    page = Paginator(institutions, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "core/institution_directory.html",
        {
            "page": page,
            "sectors": selectors.sector_list(),
            "governorates": selectors.governorate_list(country_code=country).filter(parent__isnull=True),
            "filters": {"sector": sector or "", "governorate": governorate or "", "q": search or ""},
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    body, healthy = health()
    return JsonResponse(body, status=200 if healthy else 503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/csrf_failure.html", status=403)
