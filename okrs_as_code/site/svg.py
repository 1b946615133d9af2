"""Check-in charts as inline SVG, drawn in Python so the site needs no JavaScript to show them."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import NamedTuple

from .render import has_special

WIDTH = 320
HEIGHT = 120
PAD_X = 36
PAD_Y = 14


class Point(NamedTuple):  # a tuple: a chart of a busy key result makes hundreds
    date: dt.date
    value: float
    label: str  # what a reader sees for this check-in, such as "2026-11-16: 38 min"


class Scale(NamedTuple):  # a tuple: made for every chart, a frozen dataclass costs more
    """Maps dates and values to the chart's coordinates."""

    first: dt.date
    last: dt.date
    low: float
    high: float

    # Many at once: a chart has hundreds of points.
    def xs(self, days: list[dt.date]) -> list[float]:
        first, span = self.first, (self.last - self.first).days or 1
        return [PAD_X + (day - first).days / span * (WIDTH - 2 * PAD_X) for day in days]

    def ys(self, values: list[float]) -> list[float]:
        low, span = self.low, (self.high - self.low) or 1.0
        return [HEIGHT - PAD_Y - (v - low) / span * (HEIGHT - 2 * PAD_Y) for v in values]


def _nums(values: list[float]) -> list[str]:
    return ["0.0" if (text := f"{v:.1f}") == "-0.0" else text for v in values]


def _labels(points: list[Point]) -> list[str]:
    labels = [p.label for p in points]
    return [escape(label) for label in labels] if has_special(labels) else labels


def _short(value: float) -> str:
    text = f"{round(value, 4):f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def scale_for(points: list[Point], start: dt.date, end: dt.date, levels: list[float]) -> Scale:
    """A scale that holds the period, every point and every level line (target, baseline)."""
    days = [p.date for p in points]
    values = [p.value for p in points] + levels
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if low == high:
        low, high = low - 1, high + 1
    return Scale(min([start, *days]), max([end, *days]), low, high)


def chart(
    points: list[Point],
    start: dt.date,
    end: dt.date,
    target: float | None,
    baseline: float | None,
    title: str,
) -> str:
    """The chart of one key result's check-ins, with its target (and baseline) as lines.

    Every piece of text is escaped, so a title or note can never become markup.
    """
    label = escape(f"Check-ins of {title}")
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{label}">'
        f"<title>{label}</title>"
    )
    frame = (
        f'<rect class="frame" x="{PAD_X}" y="{PAD_Y}" width="{WIDTH - 2 * PAD_X}" '
        f'height="{HEIGHT - 2 * PAD_Y}"/>'
    )
    if not points:
        empty = (
            f'<text class="empty" x="{WIDTH // 2}" y="{HEIGHT // 2}" '
            'text-anchor="middle">No check-ins yet</text>'
        )
        return head + frame + empty + "</svg>"
    levels = [v for v in (target, baseline) if v is not None]
    scale = scale_for(points, start, end, levels)
    parts = [head, frame]
    if baseline is not None:
        parts.append(_level(scale, baseline, "baseline"))
    if target is not None:
        parts.append(_level(scale, target, "target"))
    # Each point's coordinates are formatted once, for the line and its dot alike.
    xs = _x_texts(scale, [p.date for p in points])
    ys = _nums(scale.ys([p.value for p in points]))
    parts.append('<polyline class="line" points="')
    parts.append(" ".join([f"{x},{y}" for x, y in zip(xs, ys, strict=True)]))
    parts.append('"/>')
    parts.extend(
        [
            f'<circle class="dot" cx="{x}" cy="{y}" r="3"><title>{label}</title></circle>'
            for x, y, label in zip(xs, ys, _labels(points), strict=True)
        ]
    )
    parts.append("</svg>")
    return "".join(parts)


# By a scale's first and last day, each day's x coordinate as text: the charts of a period's
# key results mostly share their scale's days, and so their points' columns.
_COLUMNS: dict[tuple[dt.date, dt.date], dict[dt.date, str]] = {}
_COLUMNS_KEPT = 64


def _x_texts(scale: Scale, days: list[dt.date]) -> list[str]:
    texts = _COLUMNS.get((scale.first, scale.last))
    if texts is None:
        if len(_COLUMNS) >= _COLUMNS_KEPT:
            _COLUMNS.clear()
        texts = _COLUMNS[scale.first, scale.last] = {}
    missing = [day for day in days if day not in texts]
    if missing:
        texts.update(zip(missing, _nums(scale.xs(missing)), strict=True))
    return [texts[day] for day in days]


def _level(scale: Scale, value: float, kind: str) -> str:
    (y,) = _nums(scale.ys([value]))
    short = _short(value)  # digits, a sign and a point: nothing to escape
    return (
        f'<line class="{kind}" x1="{PAD_X}" x2="{WIDTH - PAD_X}" y1="{y}" y2="{y}"/>'
        f'<text class="{kind}-label" x="{WIDTH - PAD_X + 2}" y="{y}" '
        f'dominant-baseline="middle">{short}</text>'
        f"<desc>{kind} {short}</desc>"
    )
