"""The strategy through the API (idempotent, versioned, field errors) and the pages (errors by the
field with the input kept; reports; a pinned number of queries however many rows)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from sanad.access.actor import Actor
from sanad.strategy import services
from sanad.strategy.models import Entry, Evidence, ReportingRound, Submission, SubmissionStatus
from sanad.strategy.tests.conftest import PDF, World, fill, is_one_page_pdf, mosd_form, open_round
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def client_for(a: Actor) -> MfaClient:
    client = MfaClient()
    assert a.user is not None
    client.login(username=a.user.username, password=TEST_PASSWORD)
    return client


def test_the_whole_round_through_the_api(world: World) -> None:
    council, mosd = client_for(world.council), client_for(world.mosd_admin)
    body = {
        "strategy": world.strategy.pk,
        "name": "H1 2026",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "due_on": "2026-07-31",
    }
    first = council.post(
        "/api/v1/strategy-rounds/", body, content_type="application/json", headers={"Idempotency-Key": "r1"}
    )
    again = council.post(
        "/api/v1/strategy-rounds/", body, content_type="application/json", headers={"Idempotency-Key": "r1"}
    )
    assert first.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert ReportingRound.objects.count() == 1
    # An institution may not open a round.
    assert (
        mosd.post("/api/v1/strategy-rounds/", {**body, "name": "x"}, content_type="application/json").status_code == 403
    )

    forms = mosd.get("/api/v1/strategy-submissions/").json()
    assert len(forms) == 1 and forms[0]["institution"] == world.mosd_unit.institution_id
    url = f"/api/v1/strategy-submissions/{forms[0]['id']}/"
    got = mosd.get(url)
    etag, entries = got.headers["ETag"], got.json()["entries"]
    ids = {e["code"]: e["indicator"] for e in entries}
    patch = {"entries": [{"indicator": ids["survivors-supported"], "value": "320", "narrative": "حسب السجلات"}]}
    assert mosd.patch(url, patch, content_type="application/json").status_code == 428
    stale = mosd.patch(url, patch, content_type="application/json", headers={"If-Match": '"7"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 1
    bad = {"entries": [{"indicator": ids["safety-plans"], "value": "abc"}]}
    refused = mosd.patch(url, bad, content_type="application/json", headers={"If-Match": etag})
    assert refused.status_code == 400 and f"entries.{ids['safety-plans']}.value" in refused.json()
    saved = mosd.patch(url, patch, content_type="application/json", headers={"If-Match": etag})
    assert saved.status_code == 200 and saved.headers["ETag"] == '"2"'

    upload = mosd.post(
        f"{url}evidence/",
        {"indicator": ids["survivors-supported"], "file": io.BytesIO(PDF)},
        headers={"If-Match": '"2"'},
    )
    assert upload.status_code == 400  # a file without a name is not accepted
    pdf = io.BytesIO(PDF)
    pdf.name = "beneficiaries.pdf"
    upload = mosd.post(
        f"{url}evidence/", {"indicator": ids["survivors-supported"], "file": pdf}, headers={"If-Match": '"2"'}
    )
    assert upload.status_code == 200, upload.content
    evidence = upload.json()["entries"][0]["evidence"][0]
    download = council.get(f"{url}evidence/{evidence['id']}/")
    assert download.status_code == 200 and is_one_page_pdf(download.content) and download["Cache-Control"] == "no-store"
    assert client_for(world.other_admin).get(f"{url}evidence/{evidence['id']}/").status_code == 404

    missing = mosd.post(f"{url}submit/", headers={"If-Match": '"3"'})
    assert missing.status_code == 400 and f"entries.{ids['safety-plans']}.value" in missing.json()
    mosd.patch(
        url,
        {"entries": [{"indicator": ids["safety-plans"], "value": "70"}]},
        content_type="application/json",
        headers={"If-Match": '"3"'},
    )
    assert mosd.post(f"{url}submit/", headers={"If-Match": '"4"'}).json()["status"] == "submitted"
    assert mosd.post(f"{url}approve/", headers={"If-Match": '"5"'}).status_code == 403
    returned = council.post(
        f"{url}return/", {"comment": ""}, content_type="application/json", headers={"If-Match": '"5"'}
    )
    assert returned.status_code == 400 and "comment" in returned.json()
    approved = council.post(f"{url}approve/", {}, content_type="application/json", headers={"If-Match": '"5"'})
    assert approved.json()["status"] == "approved"

    progress = council.get(f"/api/v1/strategies/{world.strategy.pk}/progress/").json()
    rows = {r["code"]: r for r in progress["indicators"]}
    # (320 − 100) / (400 − 100) = 73% of the way to the 2026 target.
    assert rows["survivors-supported"]["value"] == "320.00" and rows["survivors-supported"]["status"] == "at_risk"
    assert client_for(world.other_admin).get(url).status_code == 404
    lesson = council.post(
        f"/api/v1/strategies/{world.strategy.pk}/lessons/", {"text": "درس"}, content_type="application/json"
    )
    assert lesson.status_code == 201
    pdf_response = council.get(f"/api/v1/strategies/{world.strategy.pk}/report.pdf")
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")
    assert mosd.get(f"/api/v1/strategies/{world.strategy.pk}/report.pdf").status_code == 404
    tree = mosd.get(f"/api/v1/strategies/{world.strategy.pk}/").json()
    assert [p["code"] for p in tree["pillars"]] == ["services", "protection"]
    drafted = council.post(
        f"/api/v1/strategies/{world.strategy.pk}/draft-from/",
        {"code": "next", "name_ar": "التالية", "name_en": "Next", "start_year": 2027, "end_year": 2031},
        content_type="application/json",
    )
    assert drafted.status_code == 201 and drafted.json()["derived_from"] == world.strategy.pk


def _approved_round(world: World) -> ReportingRound:
    rnd = open_round(world)
    form = fill(world, mosd_form(world, rnd), {"survivors-supported": "320", "safety-plans": "70"})
    services.evidence_add(
        actor=world.mosd_admin,
        submission=form,
        indicator_id=form.entries.first().indicator_id,
        filename="a.pdf",
        data=PDF,
    )
    services.submission_submit(actor=world.mosd_admin, submission=Submission.objects.get(pk=form.pk))
    services.submission_approve(actor=world.council, submission=Submission.objects.get(pk=form.pk))
    services.lesson_record(
        actor=world.council, strategy=world.strategy, text="التنسيق المبكر مع الوزارات يسرّع التقارير"
    )
    return rnd


def test_the_evaluation_report_in_arabic_pdf_and_xlsx(world: World, tmp_path: Any) -> None:
    rnd = _approved_round(world)
    client = client_for(world.council)
    response = client.get(f"/strategy/{world.strategy.pk}/report.pdf?round={rnd.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    assert "تقرير" in text or "Evaluation" in text
    assert "عدد الناجيات المستفيدات" in text and "320" in text
    assert "التنسيق المبكر مع الوزارات" in text

    response = client.get(f"/strategy/{world.strategy.pk}/report.xlsx?round={rnd.pk}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    survivors = next(r for r in rows if r[1] == "عدد الناجيات المستفيدات")
    assert survivors[7] == 320.0 and survivors[5] == 100.0
    lessons = [r[1] for r in book.worksheets[3].iter_rows(values_only=True)]
    assert "التنسيق المبكر مع الوزارات يسرّع التقارير" in lessons
    assert client_for(world.mosd_admin).get(f"/strategy/{world.strategy.pk}/report.xlsx").status_code == 404


def test_form_page_keeps_what_was_typed_next_to_the_field(world: World) -> None:
    rnd = open_round(world)
    form = mosd_form(world, rnd)
    ids = {e.indicator.code: e.indicator_id for e in form.entries.select_related("indicator")}
    client = client_for(world.mosd_admin)
    page = client.get(f"/strategy/forms/{form.pk}/")
    assert page.status_code == 200
    response = client.post(
        f"/strategy/forms/{form.pk}/save/",
        {
            "row_version": form.row_version,
            f"value_{ids['survivors-supported']}": "٣٢٠",
            f"narrative_{ids['survivors-supported']}": "نص مكتوب",
            f"value_{ids['safety-plans']}": "150",
            f"narrative_{ids['safety-plans']}": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "النسبة المئوية لا تتجاوز 100." in html or "A percentage is at most 100." in html
    assert "نص مكتوب" in html and "٣٢٠" in html
    assert not Entry.objects.filter(submission=form, value__isnull=False).exists()
    # Submitting with a value missing: the values typed are saved, the submission refused by the field.
    response = client.post(
        f"/strategy/forms/{form.pk}/save/",
        {"row_version": form.row_version, f"value_{ids['survivors-supported']}": "320", "then": "submit"},
    )
    assert response.status_code == 400
    form.refresh_from_db()
    assert form.status == SubmissionStatus.DRAFT
    assert Entry.objects.get(submission=form, indicator_id=ids["survivors-supported"]).value == 320
    # A stale page is told, shown the current version, and keeps what was typed.
    response = client.post(
        f"/strategy/forms/{form.pk}/save/",
        {"row_version": 1, f"value_{ids['survivors-supported']}": "999"},
    )
    assert response.status_code == 409 and "999" in response.content.decode()
    # A file whose content is not what its name says is refused by the field.
    response = client.post(
        f"/strategy/forms/{form.pk}/evidence/",
        {"indicator": ids["safety-plans"], "row_version": 2, "file": _named(b"GIF89a....", "x.pdf")},
    )
    assert response.status_code == 400 and not Evidence.objects.exists()


def _named(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def _queries(client: MfaClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_pages_queries_do_not_grow_with_the_rows(world: World) -> None:
    council = client_for(world.council)
    open_round(world, period_end=dt.date(2026, 6, 30))
    rnd = ReportingRound.objects.get()
    pages = [
        "/strategy/",
        f"/strategy/rounds/{rnd.pk}/",
        f"/strategy/{world.strategy.pk}/progress/",
        f"/strategy/{world.strategy.pk}/",
    ]
    before = {url: _queries(council, url) for url in pages}
    before_api = _queries(council, "/api/v1/strategy-submissions/")
    for end in (dt.date(2025, 6, 30), dt.date(2025, 12, 31), dt.date(2024, 12, 31)):
        open_round(world, period_end=end)
    services.lesson_record(actor=world.council, strategy=world.strategy, text="درس ١")
    services.lesson_record(actor=world.council, strategy=world.strategy, text="درس ٢")
    assert {url: _queries(council, url) for url in pages} == before
    assert _queries(council, "/api/v1/strategy-submissions/") == before_api
    assert before["/strategy/"] <= 20


def test_closing_a_round_ends_filling_and_reminders(world: World) -> None:
    rnd = open_round(world, period_end=dt.date(2026, 6, 30), due_on=dt.date(2026, 7, 31))
    form = mosd_form(world, rnd)
    assert client_for(world.mosd_admin).post(f"/api/v1/strategy-rounds/{rnd.pk}/close/").status_code == 403
    council = client_for(world.council)
    assert council.post(f"/strategy/rounds/{rnd.pk}/close/").status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == "closed"
    assert services.send_reminders(today=dt.date(2026, 8, 2)) == (0, 0)
    refused = client_for(world.mosd_admin).patch(
        f"/api/v1/strategy-submissions/{form.pk}/",
        {"entries": []},
        content_type="application/json",
        headers={"If-Match": f'"{form.row_version}"'},
    )
    assert refused.status_code == 403
