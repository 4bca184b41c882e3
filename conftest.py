"""Suite-wide rules: PostgreSQL must be reachable, no test may be skipped, browsers are real."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail the whole run, loudly, when PostgreSQL cannot be reached: never skip silently."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    try:
        params = {
            "dbname": db["NAME"],
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "connect_timeout": 10,
        }
        # The embedded server is reached by a socket directory that dj-database-url puts in OPTIONS.
        params.update(db.get("OPTIONS", {}))
        psycopg.connect(**params).close()
    except psycopg.OperationalError as exc:
        pytest.exit(f"PostgreSQL is not reachable ({exc}); no test was run", returncode=3)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API leaves an event loop in the test thread, and a later
    test that runs a coroutine there (the procrastinate worker test) would fail."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_line(f"FAILED: {len(_skipped)} test(s) were skipped; skips are not allowed here")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Debian's chromium is required for browser tests (not found at {CHROMIUM}); apt-get install chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    external: list[str] = []
    # A page must never call a third party: record any request that leaves the test server.
    page.on(
        "request",
        lambda r: (
            external.append(r.url) if not r.url.startswith(live_server.url) and not r.url.startswith("data:") else None
        ),
    )
    yield page
    context.close()
    assert not external, f"pages requested third parties: {external}"


@pytest.fixture
def client() -> Any:
    """Django's test client whose login()/force_login() also pass the second factor (see
    sanad.testing.auth.MfaClient). Tests of sign-in itself use a plain ``django.test.Client``."""
    from sanad.testing.auth import MfaClient

    return MfaClient()


@pytest.fixture
def login(page: Any) -> Any:
    """Sign in through the real pages: password, then a TOTP code from a device the user is given."""
    from sanad.accounts.models import User
    from sanad.testing.auth import fresh_totp_code, give_totp_device
    from sanad.testing.factories import TEST_PASSWORD

    def do_login(username: str, password: str = TEST_PASSWORD) -> Any:
        device = give_totp_device(User.objects.get(username=username))
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit].primary")
        page.wait_for_url("**/login/verify/**")
        page.fill("#id_code", fresh_totp_code(device))
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        return page

    return do_login
