"""Checking an uploaded file before it is kept: its type is read from its content (never trusted
from its name or the browser), its size is limited, and images are re-encoded without metadata
(EXIF GPS positions and camera serials would tell where a survivor is)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

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
