"""Charts drawn on the server as SVG: grouped bars (views behind visitors) with a y axis of
round numbers and a few x labels. No script is needed to see them. Counts are whole numbers;
a chart of measurements (web vitals) may be fractional."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 960, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 26


@dataclass(frozen=True, slots=True)
class Series:
    name: str  # also the CSS class of its bars
    label: str
    values: list[float]


def nice_ceiling(value: float, whole: bool = True) -> tuple[float, float]:
    """A round top for the y axis and its step (1, 2 or 5 times a power of ten; at least 1
    for `whole` numbers)."""
    if value <= 0:
        return 4, 1
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(step, 1)
    return step * math.ceil(value / step - 1e-9), step


def _compact(number: float) -> str:
    for size, suffix in ((1e9, "b"), (1e6, "m"), (1e3, "k")):
        if abs(number) >= size:
            return f"{number / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{number:.0f}"


def tick_label(moment: datetime, unit: str) -> str:
    if unit == "minute":
        return moment.strftime("%H:%M")
    if unit == "hour":
        return moment.strftime("%H:%M") if moment.hour else moment.strftime("%b %d")
    if unit == "day":
        return moment.strftime("%b %d")
    if unit == "month":
        return moment.strftime("%b %Y")
    return moment.strftime("%Y")


def _amount(value: float, whole: bool) -> str:
    return f"{value:,.0f}" if whole else f"{value:.3g}"


def bar_chart(buckets: list[datetime], series: list[Series], unit: str, title: str,
              whole: bool = True) -> Markup:
    """Overlapping bars per bucket: the first series widest, later ones drawn narrower on top."""
    count = max(len(buckets), 1)
    top, step = nice_ceiling(max((max(s.values, default=0) for s in series), default=0), whole)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / count
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    tick = 0.0
    while tick <= top + 1e-9:
        y = TOP + plot_h - plot_h * tick / top
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{_compact(tick) if whole else f"{tick:g}"}</text>')
        tick += step
    label_every = max(1, math.ceil(count / 8))
    for index, moment in enumerate(buckets):
        x = LEFT + slot * index
        for depth, item in enumerate(series):
            value = item.values[index] if index < len(item.values) else 0
            if value <= 0:
                continue
            inset = slot * (0.12 + 0.14 * depth)
            height = plot_h * value / top
            parts.append(
                f'<rect class="{item.name}" x="{x + inset:.1f}" '
                f'y="{TOP + plot_h - height:.1f}" width="{max(slot - 2 * inset, 1):.1f}" '
                f'height="{height:.1f}" rx="2"><title>{escape(tick_label(moment, unit))}: '
                f'{_amount(value, whole)} {escape(item.label.lower())}</title></rect>')
        if index % label_every == 0:
            parts.append(f'<text class="axis" x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" '
                         f'text-anchor="middle">{escape(tick_label(moment, unit))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def fill(buckets: list[datetime], points: list[dict[str, object]]) -> list[float]:
    """Series points ({x: label, y}) placed on the bucket list; missing buckets are zero."""
    by_label: dict[str, float] = {}
    for point in points:
        label = str(point["x"]).replace("T", " ").rstrip("Z")[:19]
        by_label[label] = by_label.get(label, 0) + float(point["y"])  # type: ignore[arg-type]
    return [by_label.get(moment.strftime("%Y-%m-%d %H:%M:%S"), 0) for moment in buckets]
