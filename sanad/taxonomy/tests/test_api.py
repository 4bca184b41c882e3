"""The definitions API: read current and published versions, check coded values, draft and publish."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.taxonomy import services
from sanad.taxonomy.content import RecodeData
from sanad.taxonomy.models import CodeList, DefinitionVersion, VersionStatus
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db

VT = CodeList.VIOLENCE_TYPE


@pytest.fixture
def worker_client(client: Client, unit: Unit) -> Client:
    client.force_login(member(Role.CASE_WORKER, unit=unit).user)
    return client


def test_current_version_and_codes_per_list(v1: DefinitionVersion, worker_client: Client) -> None:
    current = worker_client.get("/api/v1/definitions/current/", {"list": VT}).json()
    assert current["number"] == 1 and current["status"] == "published"
    codes = {c["code"]: c for c in current["codes"]}
    assert set(codes) >= {"rape", "sexual_assault", "physical_assault", "forced_marriage", "trafficking"}
    assert {c["list"] for c in current["codes"]} == {VT}
    assert codes["rape"]["gbvims_type"] == "rape" and codes["rape"]["iccs_code"] == "03011"
    assert codes["rape"]["label_ar"] == "اغتصاب"
    versions = worker_client.get("/api/v1/definitions/versions/").json()
    assert [v["number"] for v in versions] == [1]
    detail = worker_client.get("/api/v1/definitions/versions/1/").json()
    assert len(detail["codes"]) > 150


def test_a_coded_value_is_refused_when_not_in_its_version(
    v1: DefinitionVersion, admin: Actor, worker_client: Client
) -> None:
    draft = services.draft_create(actor=admin)
    services.code_rename(
        actor=admin,
        version=draft,
        code_list=VT,
        code="honour_related",
        new_code="honour_crime",
        label_ar="جريمة شرف",
        label_en="Honour crime",
    )
    services.version_publish(actor=admin, version=draft)
    ok = worker_client.post("/api/v1/definitions/versions/check/", {"list": VT, "code": "honour_crime"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    old = worker_client.post(
        "/api/v1/definitions/versions/check/", {"list": VT, "code": "honour_related", "version": 1}
    )
    assert old.status_code == 200 and old.json()["label_en"] == "Honour-related violence"
    refused = worker_client.post("/api/v1/definitions/versions/check/", {"list": VT, "code": "honour_related"})
    assert refused.status_code == 400
    message = refused.json()["code"][0]
    assert "honour_related" in message and "version 2" in message
    wrong_list = worker_client.post("/api/v1/definitions/versions/check/", {"list": "relationship", "code": "rape"})
    assert wrong_list.status_code == 400
    mapping = worker_client.get("/api/v1/definitions/versions/2/recode-map/", {"from": 1}).json()
    assert mapping["map"][VT]["honour_related"] == "honour_crime"


def test_drafts_are_hidden_from_other_roles_and_writes_refused(
    v1: DefinitionVersion, admin: Actor, worker_client: Client
) -> None:
    services.draft_create(actor=admin)
    assert worker_client.get("/api/v1/definitions/versions/2/").status_code == 404
    assert [v["number"] for v in worker_client.get("/api/v1/definitions/versions/").json()] == [1]
    assert worker_client.post("/api/v1/definitions/versions/draft/", {}).status_code == 403
    assert worker_client.post("/api/v1/definitions/versions/2/publish/").status_code == 403
    assert DefinitionVersion.objects.get(number=2).status == VersionStatus.DRAFT
    assert AuditEvent.objects.filter(action="definitions.manage", outcome="denied").count() == 2


def test_admin_drafts_and_publishes_and_sees_every_problem(v1: DefinitionVersion, client: Client, admin: Actor) -> None:
    assert admin.user is not None
    client.force_login(admin.user)
    created = client.post("/api/v1/definitions/versions/draft/", {"notes": "v2"})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert client.post("/api/v1/definitions/versions/draft/", {}).status_code == 409
    draft = DefinitionVersion.objects.get(number=2)
    services.recode_declare(
        actor=admin, version=draft, data=RecodeData(list=VT, from_code="threats", to_code="missing", kind="merge")
    )
    refused = client.post("/api/v1/definitions/versions/2/publish/")
    assert refused.status_code == 400
    problems: list[dict[str, Any]] = refused.json()["problems"]
    assert len(problems) == 1 and "missing" in problems[0]["en"] and problems[0]["ar"]
    services.recode_declare(
        actor=admin,
        version=draft,
        data=RecodeData(list=VT, from_code="threats", to_code="psychological_abuse", kind="merge"),
    )
    published = client.post("/api/v1/definitions/versions/2/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_the_schema_documents_the_definitions(client: Client, admin: Actor) -> None:
    assert admin.user is not None
    client.force_login(admin.user)
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/definitions/current/" in schema and "/api/v1/definitions/versions/{number}/publish/" in schema
