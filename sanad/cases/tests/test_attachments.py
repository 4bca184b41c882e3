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


XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:creator>XmpAuthorMarker</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
)


def pdf_with_metadata() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_author("AuthorMarker")
    pdf.set_title("TitleMarker")
    pdf.set_creator("CreatorMarker")
    pdf.set_xmp_metadata(XMP)
    pdf.set_compression(False)  # the markers readable in the bytes, so their absence proves something
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="Medical report page one")
    pdf.add_page()
    pdf.cell(text="Second page of the report")
    return bytes(pdf.output())


def pdftotext(data: bytes) -> str:
    from sanad.documents.tests.pdf_reading import text_lines

    return "\n".join(text_lines(data))


def test_pdf_is_kept_without_its_metadata_and_still_reads(intake: Actor, report: Report) -> None:
    from pypdf import PdfReader

    case = services.case_open(actor=intake, report=report)
    original = pdf_with_metadata()
    before = PdfReader(io.BytesIO(original))
    assert before.metadata is not None and before.metadata.author == "AuthorMarker"
    assert before.xmp_metadata is not None and b"XmpAuthorMarker" in original
    client = signed_in(intake)
    response = client.post(
        f"/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile("تقرير.pdf", original, "application/pdf")}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    download = client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    served = b"".join(download.streaming_content) if download.streaming else download.content
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    for marker in (b"AuthorMarker", b"TitleMarker", b"CreatorMarker", b"XmpAuthorMarker", b"fpdf2", b"pypdf"):
        assert marker not in served, marker
    after = PdfReader(io.BytesIO(served))
    assert after.metadata is None and after.xmp_metadata is None and len(after.pages) == 2
    text = pdftotext(served)
    assert "Medical report page one" in text and "Second page of the report" in text


def _pdf_variant(change: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_with_metadata())))
    if change in ("script", "open_action"):
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

        script = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
        if change == "script":  # document-level script, in the catalog's name tree
            tree = DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("a"), writer._add_object(script)])}
            )
            writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
        else:
            writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    elif change == "embedded":
        writer.add_attachment("payload.txt", b"hidden")
    elif change == "password":
        writer.encrypt("secret-password")
    elif change == "link_script":
        from pypdf.annotations import Link
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        link = Link(rect=(10, 10, 100, 40), url="https://example.org")
        link[NameObject("/A")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
        writer.add_annotation(page_number=0, annotation=link)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("change", ["script", "open_action", "embedded", "password", "link_script", "truncated"])
def test_active_protected_or_broken_pdfs_are_refused_by_the_field(intake: Actor, report: Report, change: str) -> None:
    case = services.case_open(actor=intake, report=report)
    data = pdf_with_metadata()[:400] if change == "truncated" else _pdf_variant(change)
    response = signed_in(intake).post(
        f"/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile("scan.pdf", data, "application/pdf")}
    )
    assert response.status_code == 400 and 'data-testid="error-file"' in response.content.decode()
    assert Attachment.objects.count() == 0


def test_a_plain_pdf_passes_through_unchanged_in_what_it_shows() -> None:
    from sanad.cases.attachments import check_upload

    checked = check_upload("plain.pdf", pdf_with_metadata())
    assert checked.content_type == "application/pdf"
    assert "Medical report page one" in pdftotext(checked.data)
    # Checking twice gives a file that still passes: nothing the first pass leaves is refused.
    assert "Second page" in pdftotext(check_upload("plain.pdf", checked.data).data)
