"""The coverage chart as inline SVG, drawn on the server (no chart library, no script).

Per interval of one day: scheduled agents as bars, required agents as a step line (both on the
left axis, agents), forecast contacts as a dashed line and the contacts offered (as far as
they are recorded) as dots on the right axis, so a past day or today's morning shows how the
forecast held. Hours on the x axis
are local (Europe/Amsterdam); a day with a clock change simply has 23 or 25 hours of bars.

The SVG has a ``viewBox`` and scales to the width of its box; the stylesheet enlarges its text
on a phone, so text is placed relative to its own size (``dy`` in ``em``) and the legend is
HTML beside it (``coverage_legend``), free to wrap where the SVG's fixed layout could not.

The client page's chart of a week (``daily_svg``) draws the same way: contacts offered per day
as bars, the forecast as a dashed mark over each day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from babel.dates import format_date
from markupsafe import Markup, escape

from bezetting.services.overview import CoverageDay, CoverageInterval, QueueDay
from bezetting.web.i18n import Formats

__all__ = [
    "ChartLabels",
    "DailyLabels",
    "column_digits",
    "coverage_legend",
    "coverage_svg",
    "daily_legend",
    "daily_svg",
    "nice_ceiling",
    "shown_intervals",
]

_WIDTH, _HEIGHT = 760, 306
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 60, 34, 30


@dataclass(frozen=True)
class ChartLabels:
    """The chart's words, in the page's language."""

    title: str
    agents: str
    contacts: str
    scheduled: str
    required: str
    forecast: str
    offered: str = "offered contacts"


def nice_ceiling(value: float, *, whole: bool = False) -> float:
    """The top of an axis with four equal steps that is at least ``value``.

    A step is 1, 2, 2.5 or 5 times a power of ten, rounded up to a whole number when
    ``whole`` (agents), so the tick labels stay short and round.

    >>> nice_ceiling(3.2, whole=True), nice_ceiling(137.0), nice_ceiling(0.0)
    (4.0, 200.0, 4.0)
    """
    if not value > 0:
        return 4.0  # an empty day (closed, nothing forecast) still gets a readable 0-4 axis
    raw_step = value / 4
    power = 10 ** math.floor(math.log10(raw_step))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw_step)
    if whole:
        step = max(1.0, math.ceil(step))
    return float(step * 4)


def column_digits(values: Iterable[float]) -> int:
    """The decimals a table column shows its ``values`` with: none when each is whole at one
    decimal, else one for all of them. Scheduled agents are fractions once a sick report or a
    shift ends inside an interval (12.97 when one of 13 went home 30 s into it), which shown
    row by row gave "13.0" amid whole numbers."""
    return 0 if all(round(v, 1) == round(v) for v in values) else 1


def shown_intervals(day: CoverageDay) -> tuple[CoverageInterval, ...]:
    """The intervals with data, plus an hour either side (the whole day when there is none):
    the chart's and the table's, so a closed night is not 40 rows of nothing."""
    intervals = day.intervals
    busy = [
        index
        for index, i in enumerate(intervals)
        if i.scheduled_agents > 0
        or i.required_agents is not None
        or i.forecast_volume is not None
        or (i.offered_contacts or 0) > 0
    ]
    if not busy:
        return intervals
    pad = max(1, 60 // day.interval_minutes)
    return intervals[max(0, busy[0] - pad) : busy[-1] + 1 + pad]


def coverage_svg(day: CoverageDay, fmt: Formats, labels: ChartLabels) -> Markup:
    """The chart of ``day`` as an ``<svg>`` element with a title, axes and ticks.

    Its legend is ``coverage_legend``, shown under it.
    """
    intervals = shown_intervals(day)
    n = max(len(intervals), 1)
    plot_w = _WIDTH - _LEFT - _RIGHT
    plot_h = _HEIGHT - _TOP - _BOTTOM
    agents_top = nice_ceiling(
        max(
            [i.scheduled_agents for i in intervals]
            + [i.required_agents or 0.0 for i in intervals]
            + [1.0]
        ),
        whole=True,
    )
    contacts_top = nice_ceiling(
        max(
            [i.forecast_volume or 0.0 for i in intervals]
            + [float(i.offered_contacts or 0) for i in intervals]
            + [1.0]
        ),
        whole=True,  # contacts are counted: ticks 0, 1, 2, ... never 0.2 or 0.8
    )

    def x(index: float) -> float:
        return _LEFT + plot_w * index / n

    def y_agents(value: float) -> float:
        return _TOP + plot_h * (1 - value / agents_top)

    def y_contacts(value: float) -> float:
        return _TOP + plot_h * (1 - value / contacts_top)

    parts: list[str] = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" '
        f'aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(labels.title)}</title>',
    ]
    # Grid and the left (agents) and right (contacts) axes.
    for step in range(5):
        tick, tick_c = agents_top * step / 4, contacts_top * step / 4
        y = y_agents(tick)
        parts.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{_LEFT - 6}" y="{y:.1f}" dy="0.35em" text-anchor="end">'
            f"{escape(fmt.number(tick, 0 if tick == int(tick) else 1))}</text>"
        )
        parts.append(
            f'<text class="tick" x="{_LEFT + plot_w + 6}" y="{y:.1f}" dy="0.35em">'
            f"{escape(fmt.number(tick_c, 0 if tick_c == int(tick_c) else 1))}</text>"
        )
    parts.append(
        f'<text class="axis-label" x="{_LEFT}" y="{_TOP - 12}" text-anchor="start">'
        f"{escape(labels.agents)}</text>"
    )
    parts.append(
        f'<text class="axis-label" x="{_LEFT + plot_w}" y="{_TOP - 12}" text-anchor="end">'
        f"{escape(labels.contacts)}</text>"
    )
    base = _TOP + plot_h
    parts.append(f'<line class="axis" x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{base}" y2="{base}"/>')
    # Hour ticks in local time, every two hours when there are many intervals.
    last_hour = None
    for index, interval in enumerate(intervals):
        label = fmt.time(interval.starts_at)
        hour = label[:2]
        if label.endswith(":00") and hour != last_hour:
            last_hour = hour
            if int(hour) % 2 == 0 or n <= 24:
                px = x(index)
                parts.append(
                    f'<line class="axis" x1="{px:.1f}" x2="{px:.1f}" y1="{base}" y2="{base + 4}"/>'
                )
                parts.append(
                    f'<text class="tick" x="{px:.1f}" y="{base + 4}" dy="1em" '
                    f'text-anchor="middle">'
                    f"{escape(hour)}</text>"
                )
    # Scheduled agents: bars.
    bar_w = plot_w / n
    for index, interval in enumerate(intervals):
        if interval.scheduled_agents > 0:
            top = y_agents(interval.scheduled_agents)
            parts.append(
                f'<rect class="scheduled" x="{x(index) + bar_w * 0.1:.1f}" y="{top:.1f}" '
                f'width="{bar_w * 0.8:.1f}" height="{base - top:.1f}">'
                f"<title>{escape(fmt.time(interval.starts_at))}: "
                f"{escape(fmt.number(interval.scheduled_agents))}</title></rect>"
            )
    # Required agents: a step line.
    steps: list[str] = []
    for index, interval in enumerate(intervals):
        if interval.required_agents is None:
            if steps:
                parts.append(f'<polyline class="required" points="{" ".join(steps)}"/>')
                steps = []
            continue
        y = y_agents(interval.required_agents)
        steps += [f"{x(index):.1f},{y:.1f}", f"{x(index + 1):.1f},{y:.1f}"]
    if steps:
        parts.append(f'<polyline class="required" points="{" ".join(steps)}"/>')
    # Forecast contacts: a dashed line through interval midpoints (right axis).
    points = [
        f"{x(index + 0.5):.1f},{y_contacts(interval.forecast_volume):.1f}"
        for index, interval in enumerate(intervals)
        if interval.forecast_volume is not None
    ]
    if points:
        parts.append(f'<polyline class="forecast" points="{" ".join(points)}"/>')
    # Contacts offered: a dot per interval with a count (right axis).
    for index, interval in enumerate(intervals):
        if interval.offered_contacts is not None:
            parts.append(
                f'<circle class="offered" cx="{x(index + 0.5):.1f}" '
                f'cy="{y_contacts(interval.offered_contacts):.1f}" r="2.5">'
                f"<title>{escape(fmt.time(interval.starts_at))}: "
                f"{escape(fmt.number(interval.offered_contacts, 0))}</title></circle>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def coverage_legend(labels: ChartLabels) -> Markup:
    """The chart's legend as an HTML list, one key per series, to show under the ``<svg>``.

    >>> labels = ChartLabels("Coverage", "agents", "contacts", "scheduled", "required", "forecast")
    >>> str(coverage_legend(labels)).count("<li>")
    4
    """
    keys = (
        ("scheduled", labels.scheduled),
        ("required", labels.required),
        ("forecast", labels.forecast),
        ("offered", labels.offered),
    )
    return _legend(keys)


def _legend(keys: Iterable[tuple[str, str]]) -> Markup:
    """A legend list: per series its key (styled by ``key-KIND``) and its words."""
    items = "".join(
        f'<li><span class="key key-{kind}" aria-hidden="true"></span>{escape(text)}</li>'
        for kind, text in keys
    )
    return Markup(f'<ul class="chart-legend">{items}</ul>')


# Narrower than the coverage chart: seven bars need no 760 units, and a phone shows it taller.
_DAILY_WIDTH, _DAILY_HEIGHT = 480, 280
_DAILY_LEFT, _DAILY_RIGHT, _DAILY_BOTTOM = 64, 16, 56


@dataclass(frozen=True)
class DailyLabels:
    """The words of the client page's chart of a week, in the page's language."""

    title: str
    contacts: str
    offered: str
    forecast: str


def daily_svg(
    days: Sequence[QueueDay], fmt: Formats, labels: DailyLabels, *, chart_id: str
) -> Markup:
    """Contacts offered per day as bars and the forecast as a dashed mark over each day's slot,
    so a client sees at a glance whether the volume was planned for (the client page).

    A day after the last stored contact gets no bar (not a zero one); a day without a forecast
    no mark. ``chart_id`` keeps the title's id unique when a page has a chart per queue.
    """
    n = max(len(days), 1)
    plot_w = _DAILY_WIDTH - _DAILY_LEFT - _DAILY_RIGHT
    plot_h = _DAILY_HEIGHT - _TOP - _DAILY_BOTTOM
    top = nice_ceiling(
        max(
            [float(d.figures.offered) for d in days if d.recorded]
            + [d.forecast_contacts or 0.0 for d in days]
            + [1.0]
        ),
        whole=True,
    )
    slot = plot_w / n

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - value / top)

    base, end = _TOP + plot_h, _DAILY_LEFT + plot_w
    parts = [
        f'<svg class="chart daily" viewBox="0 0 {_DAILY_WIDTH} {_DAILY_HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}">{escape(labels.title)}</title>',
        f'<text class="axis-label" x="{_DAILY_LEFT}" y="{_TOP - 12}" text-anchor="start">'
        f"{escape(labels.contacts)}</text>",
    ]
    for step in range(5):
        tick = top * step / 4
        ty = y(tick)
        parts.append(
            f'<line class="grid" x1="{_DAILY_LEFT}" x2="{end}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{_DAILY_LEFT - 6}" y="{ty:.1f}" dy="0.35em" text-anchor="end">'
            f"{escape(fmt.number(tick, 0 if tick == int(tick) else 1))}</text>"
        )
    parts.append(f'<line class="axis" x1="{_DAILY_LEFT}" x2="{end}" y1="{base}" y2="{base}"/>')
    for index, day in enumerate(days):
        left = _DAILY_LEFT + slot * index
        weekday = format_date(day.day, format="EEE", locale=fmt.locale)
        name = f"{weekday} {day.day.day}"
        middle = left + slot / 2
        parts.append(
            f'<text class="tick" x="{middle:.1f}" y="{base + 4}" text-anchor="middle">'
            f'<tspan x="{middle:.1f}" dy="1em">{escape(weekday)}</tspan>'
            f'<tspan x="{middle:.1f}" dy="1.1em">{day.day.day}</tspan></text>'
        )
        if day.recorded:
            bar_top = y(day.figures.offered)
            parts.append(
                f'<rect class="offered-bar" x="{left + slot * 0.2:.1f}" y="{bar_top:.1f}" '
                f'width="{slot * 0.6:.1f}" height="{base - bar_top:.1f}">'
                f"<title>{escape(name)}: {escape(labels.offered)} "
                f"{escape(fmt.number(day.figures.offered, 0))}</title></rect>"
            )
        if day.forecast_contacts is not None:
            mark = y(day.forecast_contacts)
            parts.append(
                f'<line class="forecast" x1="{left + slot * 0.1:.1f}" '
                f'x2="{left + slot * 0.9:.1f}" y1="{mark:.1f}" y2="{mark:.1f}">'
                f"<title>{escape(name)}: {escape(labels.forecast)} "
                f"{escape(fmt.number(day.forecast_contacts, 0))}</title></line>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def daily_legend(labels: DailyLabels) -> Markup:
    """The legend of :func:`daily_svg` as an HTML list.

    >>> str(daily_legend(DailyLabels("Week", "contacts", "offered", "forecast"))).count("<li>")
    2
    """
    return _legend((("offered-bar", labels.offered), ("forecast", labels.forecast)))
