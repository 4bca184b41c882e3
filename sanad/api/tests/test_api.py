from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sanad.api.models import ApiToken
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db


def token_for(username: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


def test_create_api_token_prints_a_token_stored_only_as_a_hash() -> None:
    m = member(Role.CASE_WORKER)
    raw = token_for(m.user.username)
    token = ApiToken.objects.get(user=m.user)
    assert len(raw) >= 40 and raw not in (token.key_hash, token.prefix)
    assert raw.startswith(token.prefix)


def test_token_reads_institutions_and_bad_tokens_get_401(client: Client) -> None:
    load_country_pack("bh")
    m = member(Role.CASE_WORKER)
    raw = token_for(m.user.username)
    response = client.get("/api/v1/institutions/?country=bh&sector=police", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert {"police-capital", "police-muharraq", "police-northern", "police-southern"} <= codes
    assert all(row["sector"] == "police" for row in response.json()["results"])
    assert client.get("/api/v1/institutions/").status_code == 401
    assert client.get("/api/v1/institutions/", HTTP_AUTHORIZATION="Token nope").status_code == 401
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/institutions/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401


@pytest.mark.parametrize("path", ["governorates/?country=bh", "sectors/", "units/", "institutions/"])
def test_read_endpoints(client: Client, path: str) -> None:
    load_country_pack("bh")
    m = member(Role.INTAKE_OFFICER)
    raw = token_for(m.user.username)
    response = client.get(f"/api/v1/{path}", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows and all(r["name_ar"] and r["name_en"] for r in rows)


def test_governorates_carry_population_provenance(client: Client) -> None:
    load_country_pack("bh")
    raw = token_for(member(Role.STATISTICIAN).user.username)
    rows = client.get("/api/v1/governorates/?country=bh", HTTP_AUTHORIZATION=f"Token {raw}").json()["results"]
    assert {r["code"] for r in rows} >= {"capital", "muharraq", "northern", "southern"}
    assert all(set(r) >= {"population", "population_year", "population_source"} for r in rows)


def test_schema_and_docs(client: Client) -> None:
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    doc = schema.json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/institutions/", "/api/v1/units/", "/api/v1/governorates/", "/api/v1/sectors/"} <= set(doc["paths"])
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
