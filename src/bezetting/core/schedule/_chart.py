"""The HTML report's coverage chart: an inline SVG with axes, so it needs no script or library.

Per skill group: agents on contact work per slot (blue area), the shortage against the
requirement (red) and the requirement itself (black step line), on a time axis labelled with
local days (and hours on short horizons) and an agent axis with round ticks.
"""

from __future__ import annotations

import html

from bezetting.core.schedule.result import Coverage

__all__ = ["coverage_svg"]

_WIDTH, _HEIGHT = 1100.0, 180.0  # plot area, in SVG units
_LEFT, _RIGHT, _TOP, _BOTTOM = 56.0, 12.0, 26.0, 46.0


def _tick_step(top: int) -> int:
    """A round step giving at most six ticks from 0 to ``top``."""
    for base in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / base <= 6:
            return base
    return 10_000


def coverage_svg(coverage: Coverage, group: int, *, timezone: str) -> str:
    """An SVG chart of one group's coverage against its requirement over the horizon."""
    required = coverage.required[group]
    staffed = coverage.staffed[group]
    n = int(required.shape[0])
    step = _tick_step(max(1, int(max(required.max(), staffed.max()))))
    top = step * -(-max(1, int(max(required.max(), staffed.max()))) // step)
    dx = _WIDTH / n

    def x(t: float) -> float:
        return _LEFT + t * dx

    def y(v: float) -> float:
        return _TOP + _HEIGHT - v * _HEIGHT / top

    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='100%' "
        f"viewBox='0 0 {_LEFT + _WIDTH + _RIGHT:.0f} {_TOP + _HEIGHT + _BOTTOM:.0f}' "
        f"style='max-width:{_LEFT + _WIDTH + _RIGHT:.0f}px;font:11px sans-serif'>",
        f"<title>Coverage of {html.escape(coverage.skill_groups[group])}: agents on contact "
        f"work against the requirement per slot</title>",
    ]
    # Horizontal grid and the agent axis.
    for v in range(0, top + 1, step):
        out.append(
            f"<line x1='{_LEFT}' x2='{_LEFT + _WIDTH}' y1='{y(v):.1f}' y2='{y(v):.1f}' "
            f"stroke='#e3e3e3'/><text x='{_LEFT - 6}' y='{y(v) + 4:.1f}' "
            f"text-anchor='end'>{v}</text>"
        )
    mid = _TOP + _HEIGHT / 2
    out.append(
        f"<text transform='translate(14 {mid:.1f}) rotate(-90)' text-anchor='middle'>agents</text>"
    )
    # Staffed area and shortage.
    points = [f"{x(0):.2f},{y(0):.2f}"]
    for t in range(n):
        points += [
            f"{x(t):.2f},{y(int(staffed[t])):.2f}",
            f"{x(t + 1):.2f},{y(int(staffed[t])):.2f}",
        ]
    points.append(f"{x(n):.2f},{y(0):.2f}")
    out.append(f"<polygon points='{' '.join(points)}' fill='#4a7fd0' fill-opacity='0.75'/>")
    for t in range(n):
        need, have = int(required[t]), int(staffed[t])
        if have < need:
            out.append(
                f"<rect x='{x(t):.2f}' y='{y(need):.2f}' width='{dx:.2f}' "
                f"height='{y(have) - y(need):.2f}' fill='#d33' shape-rendering='crispEdges'/>"
            )
    line = []
    for t in range(n):
        line += [
            f"{x(t):.2f},{y(int(required[t])):.2f}",
            f"{x(t + 1):.2f},{y(int(required[t])):.2f}",
        ]
    out.append(f"<polyline points='{' '.join(line)}' fill='none' stroke='#111' stroke-width='1'/>")
    # Time axis: a tick and label per local day, and every 3 hours on short horizons.
    out.append(
        f"<line x1='{_LEFT}' x2='{_LEFT + _WIDTH}' y1='{y(0):.1f}' y2='{y(0):.1f}' stroke='#333'/>"
        f"<line x1='{_LEFT}' x2='{_LEFT}' y1='{_TOP}' y2='{y(0):.1f}' stroke='#333'/>"
    )
    starts = coverage.slot_start
    days = [t for t in range(n) if t == 0 or starts[t].date() != starts[t - 1].date()]
    hours = len(days) <= 3
    every = max(1, -(-len(days) // 14))  # at most about 14 day labels
    for k, t in enumerate(days):
        out.append(
            f"<line x1='{x(t):.2f}' x2='{x(t):.2f}' y1='{_TOP}' y2='{y(0) + 6:.1f}' "
            f"stroke='#999' stroke-dasharray='2 2'/>"
        )
        if k % every == 0:
            out.append(f"<text x='{x(t) + 2:.2f}' y='{y(0) + 18:.1f}'>{starts[t]:%a %d %b}</text>")
    if hours:
        for t in range(n):
            local = starts[t]
            if local.minute == 0 and local.hour % 3 == 0 and local.hour:
                out.append(
                    f"<line x1='{x(t):.2f}' x2='{x(t):.2f}' y1='{y(0):.1f}' y2='{y(0) + 4:.1f}' "
                    f"stroke='#333'/><text x='{x(t):.2f}' y='{y(0) + 18:.1f}' "
                    f"text-anchor='middle'>{local:%H:%M}</text>"
                )
    minutes = int((starts[1] - starts[0]).total_seconds()) // 60 if n > 1 else 0
    out.append(
        f"<text x='{_LEFT + _WIDTH / 2:.1f}' y='{_TOP + _HEIGHT + _BOTTOM - 6:.1f}' "
        f"text-anchor='middle'>local time ({html.escape(timezone)}), {minutes} minutes per "
        f"slot</text>"
    )
    # Legend.
    lx = _LEFT + 4
    out.append(
        f"<rect x='{lx}' y='6' width='12' height='10' fill='#4a7fd0' fill-opacity='0.75'/>"
        f"<text x='{lx + 16}' y='15'>agents on contact work</text>"
        f"<rect x='{lx + 170}' y='6' width='12' height='10' fill='#d33'/>"
        f"<text x='{lx + 186}' y='15'>short of the requirement</text>"
        f"<line x1='{lx + 346}' x2='{lx + 362}' y1='11' y2='11' stroke='#111'/>"
        f"<text x='{lx + 366}' y='15'>agents required</text>"
    )
    out.append("</svg>")
    return "".join(out)
