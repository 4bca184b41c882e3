"""Attachments: type read from the content, size limited, image metadata stripped, encrypted at
rest, and served only after an access check that is audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from PIL import Image

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.cases import services
from sanad.cases.models import Attachment, Report
from sanad.institutions.roles import Role
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD, UnitFactory

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {2: (26.0, 15.0, 0.0), 4: (50.0, 35.0, 0.0)}  # GPS position
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def signed_in(actor: Actor) -> MfaClient:
    client = MfaClient()
    assert actor.user is not None
    client.login(username=actor.user.username, password=TEST_PASSWORD)
    return client


def test_image_is_kept_without_metadata_encrypted_and_served_after_a_check(
    intake: Actor, actor_for: Any, report: Report
) -> None:
    case = services.case_open(actor=intake, report=report)
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()
    client = signed_in(intake)
    response = client.post(
        f"/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile("كدمات.jpg", original, "image/jpeg")}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM cases_attachment WHERE id = %s", [attachment.pk])
        stored = bytes(cursor.fetchone()[0])
    assert b"PhoneMaker" not in stored and b"JFIF" not in stored
    download = client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    served = b"".join(download.streaming_content) if download.streaming else download.content
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert "attachment;" in download["Content-Disposition"] and download["Cache-Control"] == "no-store"
    image = Image.open(io.BytesIO(served))
    assert image.size == (40, 30) and not image.getexif() and b"PhoneMaker" not in served
    assert AuditEvent.objects.filter(action="case.attachment.download", object_id=str(case.pk)).exists()

    outsider = actor_for(Role.CASE_WORKER, where=UnitFactory(institution=intake.membership.unit.institution))
    assert signed_in(outsider).get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404


@override_settings(SANAD_ATTACHMENT_MAX_BYTES=2048)
def test_disguised_and_oversized_files_are_refused_by_the_field(intake: Actor, report: Report) -> None:
    case = services.case_open(actor=intake, report=report)
    client = signed_in(intake)
    disguised = client.post(
        f"/cases/{case.pk}/attachments/",
        {"file": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg")},
    )
    assert disguised.status_code == 400 and 'data-testid="error-file"' in disguised.content.decode()
    renamed_png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(renamed_png, format="PNG")
    mismatch = client.post(
        f"/cases/{case.pk}/attachments/",
        {"file": SimpleUploadedFile("scan.pdf", renamed_png.getvalue(), "application/pdf")},
    )
    assert mismatch.status_code == 400
    big = client.post(
        f"/cases/{case.pk}/attachments/",
        {"file": SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"0" * 4096, "application/pdf")},
    )
    assert big.status_code == 400 and 'data-testid="error-file"' in big.content.decode()
    assert Attachment.objects.count() == 0
