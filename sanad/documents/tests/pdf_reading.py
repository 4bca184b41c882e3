"""Reading a PDF back in tests: the text as a reader gets it (poppler's pdftotext, which applies the
bidi algorithm to give logical order) and the glyphs the content streams draw."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

import pytest

from sanad.documents.pdf import plain_text


def text_lines(data: bytes) -> list[str]:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("poppler's pdftotext is required to read PDFs back: apt-get install poppler-utils")
    out = subprocess.run([tool, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True).stdout  # noqa: S603 - a fixed local tool reading bytes we made
    return [line.strip() for line in plain_text(out.decode("utf-8")).splitlines() if line.strip()]


def _unescape(literal: bytes) -> bytes:
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}
    return re.sub(rb"\\([nrtbf()\\])", lambda m: escapes[m.group(1)], literal)


def drawn_glyph_lines(data: bytes) -> list[list[int]]:
    """For each text object of the page content, the 2-byte glyph ids it shows, in drawing order."""
    lines = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue
        if b"BT" not in content:
            continue
        for text_object in re.findall(rb"BT(.*?)ET", content, flags=re.S):
            glyphs: list[int] = []
            for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", text_object, flags=re.S):
                chars = _unescape(literal)
                glyphs.extend(int.from_bytes(chars[i : i + 2], "big") for i in range(0, len(chars) - 1, 2))
            if glyphs:
                lines.append(glyphs)
    return lines
