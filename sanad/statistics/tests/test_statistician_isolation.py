"""A statistician reaches statistics and nothing else: every address of the site (pages and API) is
requested as one, with the ids of real cases, reports, persons, referrals and appeals; only the
statistics pages and the pages with no personal data (home, account, notices, directory,
definitions, API documentation) answer, and none of them shows a name or a case number. The
statistics pages refuse the roles that work on cases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from sanad.cases.models import Case, Report
from sanad.institutions.models import Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.people.models import Person
from sanad.referrals.models import Referral
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db

# Reachable by a statistician: statistics, and pages that hold no personal data at all.
OPEN_NAMES = {
    "home", "login", "login-verify", "reauthenticate", "logout", "account-security", "mfa-enrol",
    "mfa-recovery-codes", "js-i18n-catalog", "set-language", "choose-membership", "institution-directory",
    "healthz", "notice-inbox", "notice-mark-all-read", "api-schema", "api-docs", "api-root",
    "definitions-current", "admin-login",
}
OPEN_PREFIXES = (
    "statistics-", "api-statistics-", "definitions-", "definition-version-", "governorate-", "sector-",
    "institution-", "unit-", "api-notice-", "credential-",
    # The national strategy: statisticians read its progress and reports (sanad/strategy/access_rules.py,
    # READERS), indicator values and no person's data; still swept for leaked names below.
    "strategy-", "api-strategy-",
)
REFUSED = {400, 403, 404, 405}


def _route(pattern: Any) -> str:
    text = str(pattern)
    return text.replace("^", "").replace("$", "").replace("\\", "")


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str | None]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + _route(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + _route(p.pattern), p.name


def addresses(route: str, ids: list[int]) -> list[str]:
    if "(?P<format>" in route or "<drf_format_suffix" in route or "(?P<url>" in route:
        return []  # the same views again with a format suffix, or the admin's catch-all
    route = re.sub(r"\(\?P<app_label>[^)]*\)", "institutions", route)
    out = []
    for pk in ids:
        url = re.sub(r"<(int|path):\w+>|<id>|\(\?P<\w+>[^)]*\)", str(pk), route)
        url = re.sub(r"<(str|slug):\w+>", "view", url)
        out.append("/" + url)
    return sorted(set(out))


@pytest.fixture
def world() -> dict[str, Any]:
    load_country_pack("bh")
    call_command("generate_synthetic", cases=4, seed=3)
    case = Case.objects.select_related("survivor").first()
    assert case is not None
    return {"case": case, "person": case.survivor, "report": Report.objects.first()}


def _open(name: str | None) -> bool:
    return bool(name) and (name in OPEN_NAMES or str(name).startswith(OPEN_PREFIXES))


def test_a_statistician_reaches_nothing_outside_statistics(client: Any, world: dict[str, Any]) -> None:
    takatof = Unit.objects.get(institution__code="scw", code="takatof")
    statistician = member(Role.STATISTICIAN, unit=takatof, username="stat_sweep")
    client.force_login(statistician.user)
    case, person = world["case"], world["person"]
    ids = sorted(
        {1, case.pk, person.pk, world["report"].pk, *Referral.objects.values_list("pk", flat=True)[:1]}
    )
    secrets = [s for s in (person.first_name, person.family_name, case.number) if s and len(s) > 2]
    reached: list[str] = []
    checked = 0
    for route, name in walk(get_resolver().url_patterns):
        if name and name.startswith("test-"):
            continue
        for url in addresses(route, ids):
            response = client.get(url)
            checked += 1
            body = response.content.decode("utf-8", errors="replace") if response.status_code == 200 else ""
            if _open(name):
                leaked = [s for s in secrets if s in body]
                assert not leaked, f"{url} shows {leaked}"
                continue
            if response.status_code in REFUSED:
                continue
            if response.status_code == 302 and "login" in response["Location"]:
                continue  # the administration area: staff only
            reached.append(f"{url} ({name}) → {response.status_code}")
    assert checked > 150
    assert not reached, "a statistician reached: " + "; ".join(reached)
    # The sweep can fail: the same addresses open the case and the person for the case's own unit.
    owner = member(Role.SUPERVISOR, unit=case.owner_unit, username="owner_sweep")
    client.force_login(owner.user)
    opened = {
        url
        for route, name in walk(get_resolver().url_patterns)
        if name in ("case-detail", "person-detail")
        for url in addresses(route, ids)
        if client.get(url).status_code == 200
    }
    assert f"/cases/{case.pk}/" in opened


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.STATISTICIAN, True),
        (Role.NATIONAL_ADMIN, True),
        (Role.CASE_WORKER, False),
        (Role.INTAKE_OFFICER, False),
        (Role.SUPERVISOR, False),
        (Role.AUDITOR, False),
        (Role.NATIONAL_COORDINATOR, False),
    ],
)
def test_who_may_read_the_statistics(client: Any, role: str, allowed: bool) -> None:
    load_country_pack("bh")
    unit = Unit.objects.get(institution__code="scw", code="takatof")
    client.force_login(member(role, unit=unit, username=f"who_{role}").user)
    pages = ["/statistics/?year=2025", "/statistics/table/type_by_sex.csv?year=2025", "/statistics/reports/"]
    api = "/api/v1/statistics/indicators/incidents/?period_start=2025-01-01&period_end=2025-12-31"
    for url in pages:
        assert client.get(url).status_code == (200 if allowed else 403)
    assert client.get(api).status_code == (200 if allowed else 403)
    # The counting rules and the definitions are for everyone signed in.
    assert client.get("/statistics/counting-rules/").status_code == 200
    assert client.get("/statistics/indicators/survivors/").status_code == 200
    assert Person.objects.count() == 0  # nothing was created or changed by reading
