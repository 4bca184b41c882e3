from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from sanad.core.tasks import purge_expired_sessions
from sanad.institutions.roles import Role
from sanad.testing.factories import TEST_PASSWORD, member

pytestmark = pytest.mark.django_db


def test_arabic_rtl_by_default_whatever_the_browser_asks(client: Client) -> None:
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول" in html
    assert response["Content-Language"] == "ar"


def test_switching_to_english_persists_in_a_cookie_and_on_the_user(client: Client) -> None:
    m = member(Role.CASE_WORKER)
    client.login(username=m.user.username, password=TEST_PASSWORD)
    response = client.post("/language/", {"language": "en", "next": "/institutions/"})
    assert response.status_code == 302 and response.url == "/institutions/"  # type: ignore[attr-defined]
    html = client.get("/institutions/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    m.user.refresh_from_db()
    assert m.user.preferred_language == "en"
    # A new browser (no cookie) gets the saved preference once the user signs in.
    fresh = Client()
    login = fresh.post("/login/", {"username": m.user.username, "password": TEST_PASSWORD})
    assert login.cookies["sanad_language"].value == "en"


@pytest.mark.parametrize("code", ["fr", "", "xx-YY", "../../etc"])
def test_unknown_language_codes_fall_back_to_arabic(client: Client, code: str) -> None:
    client.post("/language/", {"language": code})
    assert '<html lang="ar" dir="rtl">' in client.get("/login/").content.decode()
    client.cookies["sanad_language"] = code
    assert '<html lang="ar" dir="rtl">' in client.get("/login/").content.decode()


def test_language_switch_refuses_an_open_redirect(client: Client) -> None:
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/"  # type: ignore[attr-defined]


def test_pages_are_never_cached_and_assets_are_local(client: Client) -> None:
    m = member(Role.INTAKE_OFFICER)
    client.login(username=m.user.username, password=TEST_PASSWORD)
    response = client.get("/")
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert "/static/vendor/htmx/htmx.min.js" in html


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_has_a_home_page(client: Client, role: str) -> None:
    m = member(role)
    client.login(username=m.user.username, password=TEST_PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    assert str(m.get_role_display()) in response.content.decode()


def test_anonymous_users_are_sent_to_login(client: Client) -> None:
    response = client.get("/institutions/")
    assert response.status_code == 302 and response.url.startswith("/login/")  # type: ignore[attr-defined]


def test_healthz_reports_503_without_a_worker_and_200_with_one(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": True}
    assert response.json()["worker"]["ok"] is False
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now())")
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_healthz_calls_a_stale_worker_down(client: Client) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '10 minutes')")
    assert client.get("/healthz").status_code == 503


def test_purge_expired_sessions_removes_only_expired(client: Client) -> None:
    from django.contrib.sessions.models import Session

    m = member(Role.CASE_WORKER)
    client.login(username=m.user.username, password=TEST_PASSWORD)
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - dt.timedelta(minutes=1))
    assert purge_expired_sessions() == 1
    assert Session.objects.count() == 1


def test_institution_directory_issues_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from sanad.testing.factories import InstitutionFactory, UnitFactory

    m = member(Role.INTAKE_OFFICER)
    client.login(username=m.user.username, password=TEST_PASSWORD)
    client.get("/institutions/")
    # Session, user, second-factor device, session registry, membership, unread notices, then the page's own five.
    with django_assert_num_queries(11):
        assert client.get("/institutions/").status_code == 200
    for _ in range(30):
        UnitFactory(institution=InstitutionFactory(country=m.unit.institution.country))
    with django_assert_num_queries(11):
        response = client.get("/institutions/")
    assert response.status_code == 200 and len(response.context["page"].object_list) == 25
