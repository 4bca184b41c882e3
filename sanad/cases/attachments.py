"""Checking an uploaded file before it is kept: its type is read from its content (never trusted
from its name or the browser), its size is limited, and images are re-encoded without metadata
(EXIF GPS positions and camera serials would tell where a survivor is). PDFs are rewritten page by
page without their document information (author, title, producing software), XMP metadata, page
metadata or private application data; a PDF that carries scripts, launch actions, embedded files or
a password is refused rather than cleaned, since what it would do when opened cannot be vouched for."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

logger = logging.getLogger(__name__)

# Detected type → (the extensions a name may carry, Pillow format when it is an image).
ALLOWED: dict[str, tuple[tuple[str, ...], str]] = {
    "application/pdf": ((".pdf",), ""),
    "image/jpeg": ((".jpg", ".jpeg"), "JPEG"),
    "image/png": ((".png",), "PNG"),
}


def max_bytes() -> int:
    return int(getattr(settings, "SANAD_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes


def safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\"';<>]", "", base).strip() or "file"
    return base[:200]


def check_upload(name: str, data: bytes) -> CheckedFile:
    if not data:
        raise ValidationError({"file": [_("The file is empty.")]})
    if len(data) > max_bytes():
        raise ValidationError(
            {"file": [_("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_bytes())}]}
        )
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else ""
    filename = safe_name(name)
    if mime not in ALLOWED:
        raise ValidationError({"file": [_("Only PDF, JPEG and PNG files are accepted.")]})
    extensions, image_format = ALLOWED[mime]
    if not filename.lower().endswith(extensions):
        # A name that says one thing and content that is another is refused, not renamed.
        raise ValidationError({"file": [_("The file's content does not match its name.")]})
    if image_format:
        data = strip_image_metadata(data, image_format)
    elif mime == "application/pdf":
        data = strip_pdf_metadata(data)
    return CheckedFile(filename=filename, content_type=mime, data=data)


def strip_image_metadata(data: bytes, image_format: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Turn the picture as the camera meant before dropping the orientation tag with the rest.
            upright = ImageOps.exif_transpose(image)
            upright.info = {}
            out = io.BytesIO()
            if image_format == "JPEG":
                upright.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                upright.save(out, format=image_format)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError({"file": [_("The image could not be read.")]}) from exc
    return out.getvalue()


# Actions that run something when the document or a link is opened (scripts, programs, forms posted
# elsewhere, other files): a PDF using any of them is refused.
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}
# Page entries that hold metadata or another application's private data, not what the page shows.
_PAGE_PRIVATE = ("/Metadata", "/PieceInfo", "/LastModified")


class _ActivePdf(Exception):
    pass


def _refuse_active(node: Any, seen: set[int], depth: int = 0) -> None:
    """Walk a page's objects (annotations, their actions, form fields, resources) for an active
    action or an attached file. Every indirect object is visited once, so cycles end."""
    if depth > 64:
        raise _ActivePdf("nested too deep")
    if isinstance(node, IndirectObject):
        if node.idnum in seen:
            return
        seen.add(node.idnum)
        node = node.get_object()
    if isinstance(node, DictionaryObject):
        if node.get("/S") in _ACTIVE_ACTIONS or "/JS" in node:
            raise _ActivePdf("action")
        if node.get("/Subtype") == "/FileAttachment" or node.get("/Type") in ("/Filespec", "/EmbeddedFile"):
            raise _ActivePdf("file")
        for key, value in node.items():
            if key == "/Parent":  # up the page tree: already checked from the top
                continue
            _refuse_active(value, seen, depth + 1)
    elif isinstance(node, ArrayObject):
        for value in node:
            _refuse_active(value, seen, depth + 1)


def strip_pdf_metadata(data: bytes) -> bytes:
    refused = ValidationError({"file": [_("PDFs with scripts, embedded files or a password are not accepted.")]})
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise refused
        catalog = reader.root_object
        found = catalog.get("/Names")
        names = found.get_object() if found is not None else None
        if not isinstance(names, DictionaryObject):
            names = DictionaryObject()
        if "/JavaScript" in names or "/EmbeddedFiles" in names or "/AA" in catalog:
            raise refused
        opening = catalog.get("/OpenAction")
        if opening is not None:
            _refuse_active(opening, set())
        writer = PdfWriter()
        seen: set[int] = set()
        for page in reader.pages:
            _refuse_active(page, seen)
            added = writer.add_page(page)
            for key in (*_PAGE_PRIVATE, "/AA"):
                if key in added:
                    del added[NameObject(key)]
        # Only the pages are copied: the catalog's XMP stream, outline, names and forms stay behind;
        # no document information at all, not even the writer's own producer line.
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except _ActivePdf as exc:
        raise refused from exc
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        logger.info("attachment PDF unreadable: %s", type(exc).__name__)
        raise ValidationError({"file": [_("The PDF could not be read.")]}) from exc
    return out.getvalue()
