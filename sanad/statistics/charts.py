"""Charts drawn by the server as SVG: no script, no request elsewhere, the same picture on the page,
in a download and in the PDF. Large type and strong contrast so they read on a projector. Suppressed
values are drawn as an empty, dashed bar marked "•" — never as a bar of a guessed length."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils.translation import get_language_bidi

INK = "#1b2a3a"
BAR = "#1f6f8b"
MUTED = "#6b7785"


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(
    title: str, items: list[tuple[str, float | None]], *, rule: str, columns: bool = False, suffix: str = ""
) -> str:
    """Horizontal bars (labels on the reading side) or, for a time series, vertical columns."""
    rtl = get_language_bidi()
    if columns:
        return _columns(title, items, rule=rule, rtl=rtl)
    width, label_w, row_h, top = 900, 330, 34, 56
    height = top + row_h * max(len(items), 1) + 24 + FOOT_LINE * len(_wrap(rule))
    peak = max((v for _, v in items if v is not None), default=0) or 1
    span = width - label_w - 110
    parts = [_head(width, height, title, rtl)]
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        anchor_x = width - 10 if rtl else 10
        parts.append(
            f'<text x="{anchor_x}" y="{y + 22}" font-size="18" fill="{INK}" '
            f'text-anchor="{"end" if rtl else "start"}">{escape(label[:38])}</text>'
        )
        if value is None:
            length, text = span * 0.08, "•"
            style = f'fill="none" stroke="{MUTED}" stroke-dasharray="4 3"'
        else:
            length, text = max(span * value / peak, 1), _number(value) + suffix
            style = f'fill="{BAR}"'
        x = width - label_w - length if rtl else label_w
        parts.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{length:.1f}" height="{row_h - 10}" {style}/>')
        tx = x - 8 if rtl else x + length + 8
        parts.append(
            f'<text x="{tx:.1f}" y="{y + 22}" font-size="18" font-weight="700" fill="{INK}" '
            f'text-anchor="{"end" if rtl else "start"}">{escape(text)}</text>'
        )
    parts.append(_foot(width, height, rule, rtl))
    return "".join(parts) + "</svg>"


def _columns(title: str, items: list[tuple[str, float | None]], *, rule: str, rtl: bool) -> str:
    width, top = 900, 56
    bottom = 50 + FOOT_LINE * len(_wrap(rule))
    height = 300 + bottom
    n = max(len(items), 1)
    slot = (width - 40) / n
    peak = max((v for _, v in items if v is not None), default=0) or 1
    span = height - top - bottom
    parts = [_head(width, height, title, rtl)]
    for i, (label, value) in enumerate(items):
        # Time runs in the reading direction: right to left in Arabic.
        x = width - 20 - (i + 1) * slot if rtl else 20 + i * slot
        if value is None:
            h = span * 0.08
            style = f'fill="none" stroke="{MUTED}" stroke-dasharray="4 3"'
            text = "•"
        else:
            h = max(span * value / peak, 1)
            style = f'fill="{BAR}"'
            text = _number(value)
        y = height - bottom - h
        parts.append(f'<rect x="{x + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" {style}/>')
        cx = x + slot / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{y - 6:.1f}" font-size="15" font-weight="700" fill="{INK}" '
            f'text-anchor="middle">{escape(text)}</text>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{height - bottom + 20}" font-size="14" fill="{INK}" '
            f'text-anchor="middle">{escape(label[-7:])}</text>'
        )
    parts.append(_foot(width, height, rule, rtl))
    return "".join(parts) + "</svg>"


def _head(width: int, height: int, title: str, rtl: bool) -> str:
    x = width - 10 if rtl else 10
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" direction="{"rtl" if rtl else "ltr"}" role="img" aria-label="{escape(title)}" '
        f'font-family="Amiri, \'Noto Naskh Arabic\', sans-serif">'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
        f'<text x="{x}" y="32" font-size="22" font-weight="700" fill="{INK}" '
        f'text-anchor="{"end" if rtl else "start"}">{escape(title)}</text>'
    )


def _wrap(text: str, width: int = 120) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


FOOT_LINE = 16


def _foot(width: int, height: int, rule: str, rtl: bool) -> str:
    """The disclosure rule, in full, under every chart (the height leaves room for its lines)."""
    x = width - 10 if rtl else 10
    lines = _wrap(rule)
    first = height - 8 - FOOT_LINE * (len(lines) - 1)
    return "".join(
        f'<text x="{x}" y="{first + i * FOOT_LINE}" font-size="13" fill="{MUTED}" '
        f'text-anchor="{"end" if rtl else "start"}">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
