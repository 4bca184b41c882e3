"""Arabic-first PDF documents built from structured blocks, rendered in memory on demand.

Text is shaped by HarfBuzz (through fpdf2 and uharfbuzz), so Arabic letters join, take their
contextual forms and ligatures, and the text keeps its real characters (no presentation forms) for
search, copy and screen readers. Lines are laid out by the Unicode bidirectional algorithm with the
document's base direction (right to left for Arabic). Runs of Latin letters and digits inside a line
(case numbers, ISO dates, phone numbers) are isolated so they keep their own order, as typed.

The font is Amiri (SIL Open Font License), installed from PyPI as ``fontpkg-amiri``: no file is
fetched at run time and nothing is written to disk; ``render`` returns the bytes.

A document is a title and a sequence of blocks; a referral form or a case summary is only a
different list of blocks:

    render(Document(title="...", blocks=[KeyValues(rows=[("رقم الحالة", "BH-2026-000123")]),
                                          Paragraph("..."), Consent(...)]))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos

# Read from the installed package without importing it (it ships no type information).
FONT_DIR = Path(str(resources.files("fontpkg_amiri"))) / "files"
FAMILY = "Amiri"

# Left-to-right isolate … pop directional isolate (Unicode 6.3 isolates; HarfBuzz draws them as nothing).
LRI, PDI = "\u2066", "\u2069"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A run of Latin letters and digits with the separators found in numbers, dates, codes and addresses,
# possibly several such words separated by spaces ("BH-2026-000123", "2026-11-23", "+973 3600 1234").
_LTR_WORD = r"[+(]?[A-Za-z0-9][A-Za-z0-9\-/.:,@_+()#%]*"
_LTR_RUN = re.compile(rf"{_LTR_WORD}(?: +{_LTR_WORD})*")


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class KeyValues:
    """A two-column table: the label on the reading side (right in Arabic), the value beside it."""

    rows: Sequence[tuple[str, str]]
    title: str = ""


@dataclass(frozen=True)
class Consent:
    """The consent recorded for a disclosure, printed as a framed block."""

    title: str
    rows: Sequence[tuple[str, str]]
    statement: str = ""


Block = Heading | Paragraph | KeyValues | Consent


@dataclass(frozen=True)
class Document:
    title: str
    blocks: Sequence[Block] = field(default_factory=list)
    language: str = "ar"
    # Printed small at the foot of every page, e.g. who generated it and when, and its confidentiality.
    footer: str = ""


def isolate_ltr_runs(text: str) -> str:
    """Wrap Latin/digit runs of a right-to-left line in LRI…PDI so their parts keep their order.
    Without it the bidi algorithm shows an ISO date after Arabic words as 23-11-2026 and a phone
    number "+973 3600 1234" as "1234 3600 973+" (numbers count as right-to-left for the spaces
    between them)."""
    return _LTR_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text)


@cache
def _font_paths() -> tuple[str, str]:
    regular, bold = FONT_DIR / "Amiri-Regular.ttf", FONT_DIR / "Amiri-Bold.ttf"
    for path in (regular, bold):
        if not path.is_file():
            raise FileNotFoundError(f"the Amiri font is not installed at {path} (pip package fontpkg-amiri)")
    return str(regular), str(bold)


class _Pdf(FPDF):
    def __init__(self, doc: Document) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.doc = doc
        self.rtl = not doc.language.startswith("en")
        regular, bold = _font_paths()
        self.add_font(FAMILY, "", regular)
        self.add_font(FAMILY, "B", bold)
        self.set_text_shaping(
            use_shaping_engine=True,
            direction="rtl" if self.rtl else "ltr",
            script="arab" if self.rtl else "latn",
            language="ara" if self.rtl else "eng",
        )
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(doc.title)
        self.set_lang("ar" if self.rtl else "en")
        self.set_creator("Sanad")

    @property
    def align(self) -> str:
        return "R" if self.rtl else "L"

    def prepared(self, text: str) -> str:
        return isolate_ltr_runs(text) if self.rtl else text

    def _preload_bidirectional_text(self, text: str, markdown: bool) -> Sequence[Any]:
        # The isolates have done their work once the bidi algorithm has cut the line into runs.
        # Drawn, they would become invisible glyphs that text extraction reads as characters (and
        # a copied line would carry them, or lose the spaces beside them), so they are dropped here.
        fragments = super()._preload_bidirectional_text(text, markdown)
        kept = []
        for fragment in fragments:
            fragment.characters = [c for c in fragment.characters if not BIDI_CONTROLS.fullmatch(c)]
            if fragment.characters:
                kept.append(fragment)
        return tuple(kept)

    def text_block(self, text: str, *, size: float = 11, bold: bool = False, width: float = 0, h: float = 6) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.multi_cell(width, h, self.prepared(text), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, "", 8)
        # The page number alone: fpdf2's total-pages alias is not replaced in shaped text.
        page = str(self.page_no())
        text = f"{self.doc.footer} · {page}" if self.doc.footer else page
        self.cell(0, 6, self.prepared(text), align="C")

    def rows(self, rows: Sequence[tuple[str, str]], *, framed: bool = False) -> None:
        usable = self.w - self.l_margin - self.r_margin
        label_w, value_w = usable * 0.32, usable * 0.68
        for label, value in rows:
            label_text, value_text = self.prepared(label), self.prepared(value or "—")
            self.set_font(FAMILY, "B", 10)
            label_h = cast(
                float, self.multi_cell(label_w, 6, label_text, align=self.align, dry_run=True, output="HEIGHT")
            )
            self.set_font(FAMILY, "", 10)
            value_h = cast(
                float, self.multi_cell(value_w, 6, value_text, align=self.align, dry_run=True, output="HEIGHT")
            )
            height = max(label_h, value_h)
            if self.will_page_break(height):
                self.add_page()
            top = self.get_y()
            # Reading side first: in Arabic the label sits at the right, its value to its left.
            label_x = self.l_margin + value_w if self.rtl else self.l_margin
            value_x = self.l_margin if self.rtl else self.l_margin + label_w
            border: Literal[0, 1] = 1 if framed else 0
            self.set_xy(label_x, top)
            self.set_font(FAMILY, "B", 10)
            self.multi_cell(label_w, 6, label_text, align=self.align, border=border, max_line_height=6)
            self.set_xy(value_x, top)
            self.set_font(FAMILY, "", 10)
            self.multi_cell(value_w, 6, value_text, align=self.align, border=border, max_line_height=6)
            self.set_xy(self.l_margin, top + height)


def render(doc: Document) -> bytes:
    """The PDF of ``doc`` as bytes (nothing is written to disk)."""
    pdf = _Pdf(doc)
    pdf.add_page()
    pdf.text_block(doc.title, size=16, bold=True, h=9)
    pdf.ln(2)
    for block in doc.blocks:
        if isinstance(block, Heading):
            pdf.ln(2)
            pdf.text_block(block.text, size=13, bold=True, h=8)
        elif isinstance(block, Paragraph):
            for line in block.text.splitlines() or [""]:
                pdf.text_block(line)
        elif isinstance(block, KeyValues):
            if block.title:
                pdf.ln(2)
                pdf.text_block(block.title, size=13, bold=True, h=8)
            pdf.rows(block.rows)
        elif isinstance(block, Consent):
            pdf.ln(3)
            pdf.text_block(block.title, size=13, bold=True, h=8)
            pdf.rows(block.rows, framed=True)
            if block.statement:
                pdf.ln(1)
                pdf.text_block(block.statement, size=10)
        pdf.ln(1)
    return bytes(pdf.output())


def plain_text(text: str) -> str:
    """``text`` without bidi control characters: what a reader copying from the PDF means."""
    return BIDI_CONTROLS.sub("", text)


def confidential_footer(*, username: str, language: str) -> str:
    """The footer every exported PDF carries: confidential, who generated it and when, in its language."""
    from django.utils import timezone, translation
    from django.utils.translation import gettext as _

    with translation.override(language):
        return _("Confidential · generated by %(user)s on %(at)s") % {
            "user": username,
            "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        }
