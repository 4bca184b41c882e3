"""A small trend chart drawn by the server as SVG: the value over rounds and the target, no script."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from sanad.strategy.selectors import Trend

W, H, PAD = 320, 120, 24


def trend_svg(trend: Trend, *, label: str) -> SafeString:
    points = trend.points
    values = [v for _r, v, _t in points if v is not None] + [t for _r, _v, t in points if t is not None]
    if not points or not values:
        return format_html("")
    top = max(values) or Decimal(1)
    step = (W - 2 * PAD) / max(len(points) - 1, 1)

    def xy(i: int, v: Decimal) -> tuple[float, float]:
        return PAD + i * step, H - PAD - float(v / top) * (H - 2 * PAD)

    value_pts = [(i, xy(i, v), v) for i, (_r, v, _t) in enumerate(points) if v is not None]
    target_pts = [xy(i, t) for i, (_r, _v, t) in enumerate(points) if t is not None]
    line = " ".join(f"{x:.1f},{y:.1f}" for _i, (x, y), _v in value_pts)
    target = " ".join(f"{x:.1f},{y:.1f}" for x, y in target_pts)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" fill="#1f6f5c"><title>{}: {}</title></circle>',
        ((f"{x:.1f}", f"{y:.1f}", points[i][0].name, v) for i, (x, y), v in value_pts),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="9" text-anchor="middle" fill="#555">{}</text>',
        ((f"{PAD + i * step:.1f}", H - 6, r.name[:18]) for i, (r, _v, _t) in enumerate(points)),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}" data-testid="trend-chart">'
        '<line x1="{pad}" y1="{base}" x2="{right}" y2="{base}" stroke="#bbb"/>'
        '<polyline points="{target}" fill="none" stroke="#b35c00" stroke-dasharray="4 3"/>'
        '<polyline points="{line}" fill="none" stroke="#1f6f5c" stroke-width="2"/>{dots}{labels}</svg>',
        w=W,
        h=H,
        pad=PAD,
        base=H - PAD,
        right=W - PAD,
        label=label,
        target=target,
        line=line,
        dots=dots,
        labels=labels,
    )
