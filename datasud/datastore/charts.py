"""Charts of the resource page, drawn on the server as SVG: no JavaScript, no library.

`render_svg(chart)` returns the markup of one bar or line chart with its axes, tick labels,
group labels and values. Every piece of text comes from the data (a column value may be
anything, `<script>` included) and is escaped. The SVG is an image for assistive
technologies (`role="img"`, a `<title>` and a `<desc>`); the page shows the same numbers in
a data table for those who need them.
"""
from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BAR = "bar"
LINE = "line"
KINDS = (BAR, LINE)

# Colours of the site's palette (datasud.css): contrast ≥ 3:1 against white for graphics.
COLOUR = "#1d4f91"
LINE_COLOUR = "#0b6e78"
AXIS_COLOUR = "#4d5866"
GRID_COLOUR = "#cfd6df"
TEXT_COLOUR = "#1c2430"

LABEL_MAX_CHARS = 18


@dataclass
class Chart:
    kind: str
    labels: list[str]
    values: list[float | None]
    title: str = ""
    description: str = ""
    x_label: str = ""
    y_label: str = ""
    id: str = "chart"

    @property
    def points(self) -> list[tuple[str, float | None]]:
        return list(zip(self.labels, self.values, strict=True))


def format_number(value, decimal_pos: int | None = None) -> str:
    """A number as the page's language writes it: `12 345,6` in French."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        if decimal_pos is None:
            if value.is_integer() and abs(value) < 1e15:
                value = int(value)
            else:
                # At most 6 significant decimals: 0.1 + 0.2 shows as 0,3.
                value = Decimal(repr(round(value, 6))).normalize()
                if value == value.to_integral():
                    value = value.quantize(Decimal(1))
    elif isinstance(value, Decimal) and decimal_pos is None:
        value = value.normalize()
        if value == value.to_integral():
            value = value.quantize(Decimal(1))
    return formats.number_format(value, decimal_pos, use_l10n=True, force_grouping=True)


def display_text(value, empty: str = "") -> str:
    """A value of a table as plain text: localised numbers, ISO dates, JSON for structures."""
    if value is None:
        return empty
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, (int, float, Decimal)):
        return format_number(value)
    if isinstance(value, datetime.datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
        return text[:-9] if text.endswith(" 00:00:00") else text
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _("(binaire, %(size)s octets)") % {"size": format_number(len(bytes(value)))}
    return str(value)


def short_number(value: float) -> str:
    """A compact value for a label over a bar: 1,2 M, 45,3 k, 12."""
    magnitude = abs(value)
    for threshold, suffix in ((1e9, _("Md")), (1e6, _("M")), (1e3, _("k"))):
        if magnitude >= threshold * 10:
            return f"{format_number(round(value / threshold, 1))}\u202f{suffix}"
    if magnitude >= 100 or float(value).is_integer():
        return format_number(round(value))
    return format_number(round(value, 2))


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    ticks, n = [], 0
    while True:
        tick = round(start + n * step, 10)
        ticks.append(0.0 if abs(tick) < step * 1e-9 else tick)
        if tick >= stop - step * 1e-9:
            break
        n += 1
    return ticks


def _tick_decimals(ticks: list[float]) -> int:
    """The fewest decimals that write every tick exactly (0.25 needs 2, 0.5 needs 1)."""
    for decimals in range(7):
        if all(abs(round(t, decimals) - t) < 1e-9 for t in ticks):
            return decimals
    return 6


def _truncate(text: str, size: int = LABEL_MAX_CHARS) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"


def _num(value: float) -> str:
    """An SVG coordinate: short, and never in scientific notation."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class _Frame:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    ticks: list[float]

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.top + self.plot_height * (high - value) / (high - low)

    def band(self, count: int) -> float:
        return self.plot_width / max(count, 1)

    def x_center(self, index: int, count: int) -> float:
        return self.left + self.band(count) * (index + 0.5)


def render_svg(chart: Chart, width: int = 960, height: int = 420) -> SafeString:
    """The chart as an inline SVG element (safe markup: every text is escaped)."""
    if chart.kind not in KINDS:
        raise ValueError(f"Unknown chart kind: {chart.kind}")
    labels = [str(label) for label in chart.labels]
    values = [None if v is None else float(v) for v in chart.values]
    known = [v for v in values if v is not None and math.isfinite(v)]
    if chart.kind == BAR:
        low, high = min([0.0, *known]), max([0.0, *known])
    else:
        low, high = (min(known), max(known)) if known else (0.0, 1.0)
        if low > 0 and low < high * 0.5:
            low = 0.0  # a line close to zero reads better from zero
    ticks = nice_ticks(low, high)
    decimals = _tick_decimals(ticks)
    tick_texts = [format_number(t, decimals) for t in ticks]
    left = 24 + max(7 * max(len(t) for t in tick_texts), 24)
    rotate = len(labels) > 8 or any(len(label) > 10 for label in labels)
    longest = min(max([len(label) for label in labels] or [1]), LABEL_MAX_CHARS)
    bottom = (30 + 5.2 * longest) if rotate else 48
    frame = _Frame(width, height, left=left, right=16, top=28, bottom=bottom, ticks=ticks)
    uid = escape(chart.id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{chart.kind}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(chart.title)}" aria-describedby="{uid}-desc" '
        f'preserveAspectRatio="xMidYMid meet" font-size="13" fill="{TEXT_COLOUR}">',
        f'<title id="{uid}-title">{escape(chart.title)}</title>',
        f'<desc id="{uid}-desc">{escape(chart.description)}</desc>',
    ]
    parts += _axes(frame, tick_texts, chart)
    count = len(labels)
    if chart.kind == BAR:
        parts += _bars(frame, labels, values)
    else:
        parts += _line(frame, labels, values)
    parts += _x_labels(frame, labels, rotate)
    if not count:
        parts.append(f'<text x="{_num(frame.left + frame.plot_width / 2)}" '
                     f'y="{_num(frame.top + frame.plot_height / 2)}" text-anchor="middle">'
                     f'{escape(_("Aucune donnée"))}</text>')
    parts.append("</svg>")
    # Safe: every text above went through escape().
    return mark_safe("\n".join(parts))


def _axes(frame: _Frame, tick_texts: list[str], chart: Chart) -> list[str]:
    parts = ['<g class="chart-grid" aria-hidden="true">']
    for tick, text in zip(frame.ticks, tick_texts, strict=True):
        y = _num(frame.y(tick))
        colour = AXIS_COLOUR if tick == 0 else GRID_COLOUR
        parts.append(f'<line x1="{_num(frame.left)}" x2="{_num(frame.width - frame.right)}" '
                     f'y1="{y}" y2="{y}" stroke="{colour}" stroke-width="1"/>')
        parts.append(f'<text x="{_num(frame.left - 6)}" y="{y}" text-anchor="end" '
                     f'dominant-baseline="middle" fill="{AXIS_COLOUR}">{escape(text)}</text>')
    parts.append(f'<line x1="{_num(frame.left)}" x2="{_num(frame.left)}" '
                 f'y1="{_num(frame.top)}" y2="{_num(frame.top + frame.plot_height)}" '
                 f'stroke="{AXIS_COLOUR}" stroke-width="1"/>')
    if chart.y_label:
        parts.append(f'<text x="{_num(frame.left)}" y="14" text-anchor="start" '
                     f'font-weight="600">{escape(_truncate(chart.y_label, 80))}</text>')
    if chart.x_label:
        parts.append(f'<text x="{_num(frame.left + frame.plot_width / 2)}" '
                     f'y="{frame.height - 6}" text-anchor="middle" font-weight="600">'
                     f'{escape(_truncate(chart.x_label, 80))}</text>')
    parts.append("</g>")
    return parts


def _bars(frame: _Frame, labels: list[str], values: list[float | None]) -> list[str]:
    count = len(labels)
    band = frame.band(count)
    bar_width = max(band * 0.72, 1)
    zero = frame.y(0)
    show_values = band >= 22
    font = 12 if band >= 34 else 10
    parts = ['<g class="chart-bars">']
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        if value is None or not math.isfinite(value):
            continue
        x = frame.left + band * index + (band - bar_width) / 2
        top = frame.y(value)
        y, height = min(top, zero), abs(zero - top)
        parts.append(f'<rect class="chart-bar" x="{_num(x)}" y="{_num(y)}" '
                     f'width="{_num(bar_width)}" height="{_num(height)}" fill="{COLOUR}" '
                     f'data-value="{escape(repr(value))}">'
                     f'<title>{escape(label)} : {escape(format_number(value))}</title></rect>')
        if show_values:
            text_y = (y - 4) if value >= 0 else (y + height + font + 2)
            parts.append(f'<text class="chart-value" x="{_num(x + bar_width / 2)}" '
                         f'y="{_num(text_y)}" text-anchor="middle" font-size="{font}" '
                         f'aria-hidden="true">{escape(short_number(value))}</text>')
    parts.append("</g>")
    return parts


def _line(frame: _Frame, labels: list[str], values: list[float | None]) -> list[str]:
    count = len(labels)
    points = [(frame.x_center(i, count), frame.y(v), label, v)
              for i, (label, v) in enumerate(zip(labels, values, strict=True))
              if v is not None and math.isfinite(v)]
    parts = ['<g class="chart-line">']
    if len(points) > 1:
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y, _label, _v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE_COLOUR}" '
                     f'stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>')
    show_values = count <= 24
    for x, y, label, value in points:
        parts.append(f'<circle class="chart-point" cx="{_num(x)}" cy="{_num(y)}" r="4" '
                     f'fill="#fff" stroke="{LINE_COLOUR}" stroke-width="2" '
                     f'data-value="{escape(repr(value))}">'
                     f'<title>{escape(label)} : {escape(format_number(value))}</title></circle>')
        if show_values:
            parts.append(f'<text class="chart-value" x="{_num(x)}" y="{_num(y - 9)}" '
                         f'text-anchor="middle" font-size="10" aria-hidden="true">'
                         f'{escape(short_number(value))}</text>')
    parts.append("</g>")
    return parts


def _x_labels(frame: _Frame, labels: list[str], rotate: bool) -> list[str]:
    count = len(labels)
    if not count:
        return []
    band = frame.band(count)
    # Too many labels for the width: show one in `every` (all remain in the data table).
    every = max(1, math.ceil(17 / band)) if rotate else max(1, math.ceil(60 / band))
    baseline = frame.top + frame.plot_height
    parts = ['<g class="chart-labels" aria-hidden="true">']
    for index, label in enumerate(labels):
        if index % every:
            continue
        x = frame.x_center(index, count)
        text = escape(_truncate(label))
        if rotate:
            parts.append(f'<text x="{_num(x)}" y="{_num(baseline + 10)}" text-anchor="end" '
                         f'transform="rotate(-45 {_num(x)} {_num(baseline + 10)})" '
                         f'font-size="12">{text}</text>')
        else:
            parts.append(f'<text x="{_num(x)}" y="{_num(baseline + 18)}" '
                         f'text-anchor="middle" font-size="12">{text}</text>')
    parts.append("</g>")
    return parts
