"""The PDF library: Arabic comes back in logical order with Latin and digits in theirs, letters are
shaped (contextual forms, ligatures) rather than replaced by presentation forms, English works too,
and nothing touches the disk."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sanad.documents.pdf import Consent, Document, Heading, KeyValues, Paragraph, isolate_ltr_runs, plain_text, render

from .pdf_reading import drawn_glyph_lines, text_lines

MIXED = [
    "رقم الحالة BH-2026-000123 بتاريخ 2026-11-23 في مكتب حماية الأسرة",
    "هاتف الناجية +973 3600 1234 والبلاغ R-17",
    "أحالها Aman Centre في رأس الخيمة",
]


def squeeze(text: str) -> str:
    # pdftotext guesses word gaps from glyph positions: with Amiri's kerning it may add a space inside
    # an Arabic word or move one across the edge of a Latin run. The order of the characters is what
    # these tests check, so spaces are left out of the comparison.
    return re.sub(r"\s+", "", text)


def test_arabic_lines_come_back_in_logical_order_with_latin_and_digits_in_theirs() -> None:
    data = render(Document(title="ملخص الحالة", blocks=[Paragraph(line) for line in MIXED]))
    assert data.startswith(b"%PDF-")
    lines = [squeeze(line) for line in text_lines(data)]
    assert lines[0] == squeeze("ملخص الحالة")
    for expected in MIXED:
        assert squeeze(expected) in lines
    # The same line without the isolation step would read "...23-11-2026...": shown for contrast.
    assert squeeze("2026-11-23") in lines[1] and "23-11-2026" not in lines[1]


def test_without_isolation_the_bidi_algorithm_would_reorder_dates_so_we_isolate() -> None:
    # The case for isolate_ltr_runs: an ISO date after Arabic letters is shown 23-11-2026 by the
    # plain algorithm (its digits become Arabic numbers and the hyphens take the line's direction).
    assert isolate_ltr_runs("بتاريخ 2026-11-23") == "بتاريخ \u20662026-11-23\u2069"
    assert isolate_ltr_runs("+973 3600 1234") == "\u2066+973 3600 1234\u2069"
    assert plain_text(isolate_ltr_runs(MIXED[0])) == MIXED[0]


def test_letters_are_shaped_into_contextual_forms_and_ligatures() -> None:
    # One letter three times joins as initial, medial and final: three glyphs, none of them the
    # isolated form drawn for the same letter alone (glyph ids are per document: one document each).
    (joined_and_alone, *_) = drawn_glyph_lines(render(Document(title="ببب ب")))
    space = joined_and_alone[3]
    assert len(joined_and_alone) == 5 and len(set(joined_and_alone) - {space}) == 4
    # Lam followed by alef takes the lam-alef forms, not the isolated lam and alef.
    (lam_alef, *_) = drawn_glyph_lines(render(Document(title="لا ل ا")))
    assert len(set(lam_alef) - {space_of(lam_alef)}) == 4
    # What is copied out is the letters themselves, not Unicode presentation forms.
    text = "\n".join(text_lines(render(Document(title="حماية الأسرة", blocks=[Paragraph("لا إله")]))))
    assert squeeze("حماية الأسرة") in squeeze(text) and squeeze("لا إله") in squeeze(text)
    assert not any("\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff" for ch in text)


def space_of(glyphs: list[int]) -> int:
    # Shaped spaces are drawn with the font's space glyph, the one code that repeats here.
    return max(set(glyphs), key=glyphs.count)


def test_english_documents_read_left_to_right_with_arabic_names_inside() -> None:
    data = render(
        Document(
            title="Case summary BH-2026-000123",
            language="en",
            blocks=[KeyValues(rows=[("Survivor", "فاطمة الحداد"), ("Opened on", "2026-11-23")])],
        )
    )
    lines = [squeeze(line) for line in text_lines(data)]
    assert lines[0] == squeeze("Case summary BH-2026-000123")
    assert squeeze("فاطمة الحداد") in lines and "2026-11-23" in lines


def test_every_block_kind_renders_and_long_content_flows_onto_more_pages() -> None:
    consent = Consent(
        title="الموافقة",
        rows=[("أعطاها", "الناجية"), ("الطريقة", "نموذج موقّع"), ("التاريخ", "2026-11-23 10:30")],
        statement="وافقت على مشاركة الأقسام المذكورة فقط مع الجهة المستلمة.",
    )
    long_text = "\n".join(f"السطر {n} من الرواية" for n in range(1, 90))
    data = render(
        Document(
            title="نموذج إحالة",
            blocks=[
                Heading("الخدمات"),
                KeyValues(title="البيانات", rows=[("الخدمة", "إيواء")]),
                consent,
                Paragraph(long_text),
            ],
        )
    )
    text = squeeze("\n".join(text_lines(data)))
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2
    for expected in ("الموافقة", "نموذج موقّع", "2026-11-23 10:30", "السطر 89 من الرواية", "الخدمات"):
        assert squeeze(expected) in text, expected


def test_rendering_writes_nothing_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path))
    render(Document(title="لا شيء على القرص", blocks=[Paragraph("نص")]))
    assert set(os.listdir(tmp_path)) == before
