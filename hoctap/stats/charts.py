"""Charts drawn on the server as small inline SVG.

No script, no external file, a few hundred bytes each. Every mark carries a text label (the value,
the status symbol, the target), so colour is never the only signal; the drawing scales to the width
of its box (viewBox + width 100%) and its text stays legible on a 360-px screen. Each chart has a
<title> and an aria-label, and the page shows the same figures as a table next to it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .progress import SYMBOLS

ACCENT = "#0b5394"
TARGET = "#8a4b00"
MUTED = "#6b6b6b"
GRID = "#d6d6d6"


def fmt(value, places: int = 1) -> str:
    """65.25 → "65,3" in Vietnamese, "65.3" in English (trailing zeros dropped); None → "–"."""
    if value is None:
        return "–"
    text = f"{float(value):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text), force_grouping=True)


def count(value) -> str:
    """1240 → "1.240" in Vietnamese, "1,240" in English."""
    return number_format(int(value), force_grouping=True)


def pct(value) -> str:
    return "–" if value is None else f"{fmt(value)}%"


def _svg(width: int, height: int, label: str, body: str, css_class: str) -> str:
    return mark_safe(
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def sparkline(points: list[tuple[int, Fraction | None]], label: str, target=None) -> str:
    """A small line over the years; the last value is written at its end."""
    width, height, pad = 120, 30, 3
    known = [(y, float(v)) for y, v in points if v is not None]
    if not known:
        return _svg(width, height, label, f'<text x="2" y="19" font-size="11" fill="{MUTED}">–</text>', "spark")
    years = [y for y, _ in points]
    x0, x1 = min(years), max(years)
    top = max(100.0, *(v for _, v in known))

    def x(year):
        return pad + (width - 44 - 2 * pad) * ((year - x0) / (x1 - x0) if x1 > x0 else 0.5)

    def y(value):
        return height - pad - (height - 2 * pad) * value / top

    body = []
    if target is not None:
        body.append(
            f'<line x1="{pad}" x2="{width - 44}" y1="{y(float(target)):.1f}" y2="{y(float(target)):.1f}" '
            f'stroke="{TARGET}" stroke-dasharray="3 2" stroke-width="1"/>'
        )
    line = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in known)
    body.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    last_year, last = known[-1]
    body.append(f'<circle cx="{x(last_year):.1f}" cy="{y(last):.1f}" r="2.5" fill="{ACCENT}"/>')
    body.append(f'<text x="{width - 40}" y="19" font-size="11" fill="#1b1b1b">{escape(pct(last))}</text>')
    return _svg(width, height, label, "".join(body), "spark")


def bar_chart(items: list[dict], label: str, target=None, target_label: str = "") -> str:
    """Ranked horizontal bars, one per child: name on its own line, bar, value and status symbol.

    items: [{"label", "value" (percent or None), "status" (or None), "note" (e.g. "≈")}], already ranked.
    """
    width, row, left, right = 320, 36, 4, 64
    scale_width = width - left - right
    height = max(row * len(items) + 26, 40)
    top = max([100.0] + [float(i["value"]) for i in items if i["value"] is not None])
    body = []
    for index, item in enumerate(items):
        y0 = 14 + index * row
        value = item["value"]
        body.append(f'<text x="{left}" y="{y0}" font-size="12" fill="#1b1b1b">{escape(item["label"])}</text>')
        if value is not None:
            bar = scale_width * float(value) / top
            body.append(f'<rect x="{left}" y="{y0 + 5}" width="{max(bar, 1):.1f}" height="12" fill="{ACCENT}"/>')
        else:
            body.append(
                f'<rect x="{left}" y="{y0 + 5}" width="{scale_width}" height="12" fill="none" '
                f'stroke="{GRID}" stroke-dasharray="2 2"/>'
            )
        text = f"{pct(value)}{item.get('note', '')} {SYMBOLS.get(item.get('status'), '')}".strip()
        body.append(f'<text x="{width - right + 6}" y="{y0 + 15}" font-size="12" fill="#1b1b1b">{escape(text)}</text>')
    if target is not None:
        tx = left + scale_width * float(target) / top
        body.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="2" y2="{height - 14}" stroke="{TARGET}" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        anchor = "end" if tx > width / 2 else "start"
        body.append(
            f'<text x="{tx:.1f}" y="{height - 2}" font-size="11" text-anchor="{anchor}" fill="{TARGET}">'
            f"{escape(target_label or pct(target))}</text>"
        )
    return _svg(width, height, label, "".join(body), "bars")


def line_chart(points: list[tuple[int, Fraction | None]], label: str, targets=None, target_label: str = "") -> str:
    """The indicator over the years, each point labelled with its value; the targets dashed."""
    width, height, left, right, top_pad, bottom = 320, 170, 36, 20, 16, 22
    years = [y for y, _ in points]
    if not years:
        return _svg(width, height, label, "", "line")
    values = [float(v) for _, v in points if v is not None] + [float(v) for _, v in (targets or []) if v is not None]
    top = max([100.0] + values)
    x0, x1 = min(years), max(years)

    def x(year):
        return left + (width - left - right) * ((year - x0) / (x1 - x0) if x1 > x0 else 0.5)

    def y(value):
        return top_pad + (height - top_pad - bottom) * (1 - float(value) / top)

    body = []
    for tick in (0, 50, 100):
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end" fill="{MUTED}">{tick}%</text>'
        )
    for year in years:
        body.append(
            f'<text x="{x(year):.1f}" y="{height - 6}" font-size="10" text-anchor="middle" fill="{MUTED}">{year}</text>'
        )
    known = [(yr, v) for yr, v in points if v is not None]
    if targets:
        known_targets = [(yr, v) for yr, v in targets if v is not None]
        if known_targets:
            line = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in known_targets)
            body.append(
                f'<polyline points="{line}" fill="none" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
            last_year, last = known_targets[-1]
            body.append(
                f'<text x="{x(last_year):.1f}" y="{y(last) - 4:.1f}" font-size="10" text-anchor="end" '
                f'fill="{TARGET}">{escape(target_label or _("chỉ tiêu %(rate)s") % {"rate": pct(last)})}</text>'
            )
    if known:
        line = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in known)
        body.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
        for yr, v in known:
            body.append(f'<circle cx="{x(yr):.1f}" cy="{y(v):.1f}" r="3" fill="{ACCENT}"/>')
            body.append(
                f'<text x="{x(yr):.1f}" y="{y(v) + 14:.1f}" font-size="10" text-anchor="middle" '
                f'fill="#1b1b1b">{escape(pct(v))}</text>'
            )
    return _svg(width, height, label, "".join(body), "line")
