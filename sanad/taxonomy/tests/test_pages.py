"""The definitions pages: browse for everyone, drafting and publication for national administrators."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.taxonomy import services
from sanad.taxonomy.models import Code, CodeList, DefinitionVersion, Recode, VersionStatus
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db

VT = CodeList.VIOLENCE_TYPE


def signed_in(client: Client, unit: Unit, role: str) -> Client:
    client.force_login(member(role, unit=unit).user)
    return client


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_browses_the_definitions_in_both_languages(
    v1: DefinitionVersion, client: Client, unit: Unit, role: str, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, unit, role)
    with django_assert_max_num_queries(8):
        page = client.get("/definitions/", {"list": VT})
    html = page.content.decode()
    assert page.status_code == 200
    assert "اغتصاب" in html and "Rape" in html and "03011" in html
    with django_assert_max_num_queries(8):
        assert client.get("/definitions/versions/").status_code == 200
    assert client.get("/definitions/compare/").status_code == 200


def test_query_count_does_not_grow_with_the_list(
    v1: DefinitionVersion, client: Client, unit: Unit, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, unit, Role.NATIONAL_ADMIN)
    for code_list in (VT, CodeList.AGE_GROUP_FIVE_YEAR, CodeList.SEX):
        with django_assert_max_num_queries(8):
            client.get("/definitions/", {"list": code_list})


@pytest.mark.parametrize("role", [r.value for r in Role if r != Role.NATIONAL_ADMIN])
def test_other_roles_cannot_draft_edit_or_publish(
    v1: DefinitionVersion, admin: Actor, client: Client, unit: Unit, role: str
) -> None:
    draft = services.draft_create(actor=admin)
    signed_in(client, unit, role)
    before = (DefinitionVersion.objects.count(), Code.objects.count(), Recode.objects.count())
    attempts = [
        client.post("/definitions/versions/new/", {"notes": "x"}),
        client.get(f"/definitions/versions/{draft.number}/draft/"),
        client.post(f"/definitions/versions/{draft.number}/draft/codes/{VT}/rape/active/", {"active": "0"}),
        client.post(
            f"/definitions/versions/{draft.number}/draft/merge/{VT}/", {"from_code": "threats", "to_code": "rape"}
        ),
        client.post(f"/definitions/versions/{draft.number}/publish/"),
        client.post(f"/definitions/versions/{draft.number}/discard/"),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert before == (DefinitionVersion.objects.count(), Code.objects.count(), Recode.objects.count())
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert AuditEvent.objects.filter(action="definitions.manage", outcome="denied", role=role).count() == len(attempts)
    # Drafts are not theirs to read either.
    assert client.get(f"/definitions/versions/{draft.number}/export.json").status_code == 404


def test_admin_drafts_renames_merges_publishes_and_compares(v1: DefinitionVersion, client: Client, unit: Unit) -> None:
    signed_in(client, unit, Role.NATIONAL_ADMIN)
    response = client.post("/definitions/versions/new/", {"notes": "Rename and merge"})
    assert response.status_code == 302
    draft = DefinitionVersion.objects.get(status=VersionStatus.DRAFT)
    base = f"/definitions/versions/{draft.number}"
    assert client.get(f"{base}/draft/", {"list": VT}).status_code == 200
    client.post(
        f"{base}/draft/rename/{VT}/",
        {
            "code": "honour_related",
            "new_code": "honour_crime",
            "label_ar": "جريمة بدعوى الشرف",
            "label_en": "Honour crime",
        },
    )
    client.post(
        f"{base}/draft/merge/{VT}/", {"from_code": "threats", "to_code": "psychological_abuse", "kind": "merge"}
    )
    added = client.post(
        f"{base}/draft/codes/{VT}/new/",
        {
            "code": "stalking",
            "label_ar": "ملاحقة",
            "label_en": "Stalking",
            "definition_ar": "تتبع الشخص بما يثير خوفه.",
            "order": 900,
            "active": "on",
            "gbvims_type": "psychological_abuse",
            "iccs_code": "02082",
        },
    )
    assert added.status_code == 302
    published = client.post(f"{base}/publish/")
    assert published.status_code == 302 and "/definitions/compare/" in published["Location"]
    html = client.get(published["Location"]).content.decode()
    assert 'data-testid="renamed"' in html and "honour_crime" in html
    assert 'data-testid="merged"' in html and "threats" in html
    assert 'data-testid="added"' in html and "stalking" in html
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_publication_refused_lists_every_problem_on_the_page(
    v1: DefinitionVersion, admin: Actor, client: Client, unit: Unit
) -> None:
    draft = services.draft_create(actor=admin)
    Code.objects.filter(version=draft, list=VT, code="rape").update(label_ar="", iccs_code="9999")
    signed_in(client, unit, Role.NATIONAL_ADMIN)
    response = client.post(f"/definitions/versions/{draft.number}/publish/", follow=True)
    html = response.content.decode()
    assert "has no Arabic label" in html and "unknown ICCS code" in html
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_export_and_import_round_trip_in_csv_and_json(
    v1: DefinitionVersion, admin: Actor, client: Client, unit: Unit
) -> None:
    signed_in(client, unit, Role.NATIONAL_ADMIN)
    csv_text = client.get("/definitions/versions/1/export.csv").content.decode("utf-8")
    assert csv_text.startswith("\ufeffrecord,list,code")
    doc = json.loads(client.get("/definitions/versions/1/export.json").content)
    assert doc["number"] == 1 and len(doc["codes"]) == Code.objects.filter(version=v1).count()
    draft = services.draft_create(actor=admin)
    url = f"/definitions/versions/{draft.number}/import/"
    # JSON with one more code and a merge.
    doc["codes"].append({**doc["codes"][0], "code": "new-type", "label_ar": "نوع جديد"})
    doc["codes"] = [c for c in doc["codes"] if not (c["list"] == VT and c["code"] == "threats")]
    doc["recodes"] = [{"list": VT, "from_code": "threats", "to_code": "psychological_abuse", "kind": "merge"}]
    upload = SimpleUploadedFile("v2.json", json.dumps(doc, ensure_ascii=False).encode(), "application/json")
    assert client.post(url, {"file": upload}).status_code == 302
    assert Code.objects.filter(version=draft, code="new-type").exists()
    assert services.problems_of(draft) == []
    # CSV back again, and a bad CSV refused with every problem and the draft unchanged.
    upload = SimpleUploadedFile("v1.csv", csv_text.encode("utf-8"), "text/csv")
    assert client.post(url, {"file": upload}).status_code == 302
    assert not Code.objects.filter(version=draft, code="new-type").exists()
    bad = "record,list,code,label_ar,order,active\ncode,sex,female,أنثى,x,maybe\nthing,sex,male,ذكر,1,true\n"
    response = client.post(url, {"file": SimpleUploadedFile("bad.csv", bad.encode(), "text/csv")})
    html = response.content.decode()
    assert response.status_code == 400
    assert "bad.csv:2" in html and "bad.csv:3" in html and "maybe" in html
    assert Code.objects.filter(version=draft).count() == Code.objects.filter(version=v1).count()


def test_draft_and_compare_pages_query_count_is_bounded(
    v1: DefinitionVersion, admin: Actor, client: Client, unit: Unit, django_assert_max_num_queries: Any
) -> None:
    draft = services.draft_create(actor=admin)
    signed_in(client, unit, Role.NATIONAL_ADMIN)
    for code_list in (VT, CodeList.AGE_GROUP_FIVE_YEAR):
        with django_assert_max_num_queries(15):
            assert client.get(f"/definitions/versions/{draft.number}/draft/", {"list": code_list}).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/definitions/compare/", {"from": 1, "to": draft.number}).status_code == 200
