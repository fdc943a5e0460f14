"""The geometry of the statistics page's server-rendered SVG charts (no JavaScript,
CSP-friendly). The figures come from ``workflows.stats`` and ``workflows.stats_window``
(shared with the API's ``/stats/``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any


from .models import State

# Bottom to top in the cumulative flow: finished work at the bottom, new work on top.
FLOW_ORDER = (
    State.CLOSED,
    State.EVALUATED,
    State.TRIALLED,
    State.APPROACH_PROPOSED,
    State.ANALYSED,
    State.REPORTED,
)
# Finished states have no stay to measure.
DURATION_STATES = (State.REPORTED, State.ANALYSED, State.APPROACH_PROPOSED, State.TRIALLED)


@dataclass(frozen=True)
class FlowPoint:
    day: datetime.date
    counts: dict[str, int]


# --- chart geometry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: Any
    value: float | None  # None: nothing to show ("–"); the template formats it for the locale
    y: float
    width: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int
    label_chars: int


# Each row is a label line with its bar underneath: long topic names ("Anerkennung
# ausländischer Berufsabschlüsse") get the chart's whole width instead of a left column
# that clips them, and the chart stays readable when a phone shrinks it.
ROW = 42
BAR_HEIGHT = 16
VALUE_ROOM = 48  # room right of the longest bar for its figure


def bar_chart(rows: list[tuple[Any, float | None]], *, width: int = 400) -> BarChart:
    """Horizontal bars scaled to the largest value; missing values draw no bar and say "–"."""
    top = max([v for _label, v in rows if v] or [1])
    bars = []
    for index, (label, value) in enumerate(rows):
        y = index * ROW
        bar_width = round((value or 0) / top * (width - VALUE_ROOM), 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                y=y + 20,
                width=bar_width,
                label_y=y + 14,
                value_x=round(bar_width + 6, 1),
                value_y=y + 33,
            )
        )
    return BarChart(
        bars=bars,
        height=max(len(rows) * ROW + 4, 36),
        width=width,
        # About 7 units per character at 13px: longer labels end in "…" (full text in <title>).
        label_chars=width // 7,
    )


@dataclass(frozen=True)
class FlowLayer:
    state: str
    label: Any
    points: str


@dataclass(frozen=True)
class FlowTick:
    x: float
    label: str


@dataclass(frozen=True)
class FlowChart:
    layers: list[FlowLayer]
    ticks: list[FlowTick]
    y_ticks: list[tuple[float, int]]
    width: int
    height: int
    left: int
    bottom: float


def flow_chart(points: list[FlowPoint], *, width: int = 640, height: int = 280) -> FlowChart:
    """Stacked areas, one polygon per state, from the weeks of the cumulative flow."""
    left, right, top, bottom_pad = 40, 10, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom_pad
    total_max = max([sum(p.counts.values()) for p in points] or [0]) or 1
    n = len(points)

    def x_of(i: int) -> float:
        return round(left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y_of(v: float) -> float:
        return round(top + plot_h - plot_h * v / total_max, 1)

    layers = []
    base = [0] * n
    labels = dict(State.choices)
    for state in FLOW_ORDER:
        upper = [base[i] + points[i].counts.get(state, 0) for i in range(n)]
        outline = [f"{x_of(i)},{y_of(upper[i])}" for i in range(n)]
        back = [f"{x_of(i)},{y_of(base[i])}" for i in reversed(range(n))]
        layers.append(FlowLayer(state=state, label=labels[state], points=" ".join(outline + back)))
        base = upper
    step = max(1, n // 6)
    ticks = [FlowTick(x=x_of(i), label=points[i].day.strftime("%d.%m.")) for i in range(0, n, step)]
    y_step = max(1, round(total_max / 4))
    y_ticks = [(y_of(v), v) for v in range(0, total_max + 1, y_step)]
    return FlowChart(
        layers=layers,
        ticks=ticks,
        y_ticks=y_ticks,
        width=width,
        height=height,
        left=left,
        bottom=top + plot_h,
    )
