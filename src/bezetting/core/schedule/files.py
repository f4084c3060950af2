"""The schedule's file formats as pure functions on text and mappings (the CLI does the I/O).

* problem file: a mapping (parsed from YAML by the caller), see ``docs/schedule.md``;
* schedule CSV: one row per activity,
  ``agent_id,shift_start,shift_end,shift_name,activity,activity_start,activity_end,skill_group,label``
  with ISO 8601 times carrying their UTC offset; it reads back, also after hand edits;
* ICS: one calendar per agent (RFC 5545, via ``icalendar``);
* HTML report: coverage against demand and a board of shifts per agent.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bezetting.core.csv_rows import numbered_rows
from bezetting.core.errors import BadRowsError, RowError
from bezetting.core.schedule._chart import coverage_svg
from bezetting.core.schedule._problem_file import break_policy, problem_from_mapping
from bezetting.core.schedule.explain import FAIRNESS_CATEGORIES
from bezetting.core.schedule.plan import Activity, ActivityKind, Schedule, Shift
from bezetting.core.schedule.problem import Problem
from bezetting.core.schedule.result import ScheduleResult

__all__ = [
    "SCHEDULE_COLUMNS",
    "break_policy",
    "problem_from_mapping",
    "result_html",
    "schedule_from_csv",
    "schedule_ics",
    "schedule_to_csv",
]

SCHEDULE_COLUMNS = (
    "agent_id",
    "shift_start",
    "shift_end",
    "shift_name",
    "activity",
    "activity_start",
    "activity_end",
    "skill_group",
    "label",
)


def schedule_to_csv(schedule: Schedule) -> str:
    """One row per activity (a shift without activities gets one row with an empty activity)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SCHEDULE_COLUMNS)
    for s in sorted(schedule.shifts, key=lambda s: (s.agent_id, s.start.timestamp())):
        acts = s.activities or (None,)
        for act in acts:
            writer.writerow(
                [
                    s.agent_id,
                    s.start.isoformat(),
                    s.end.isoformat(),
                    s.name,
                    "" if act is None else act.kind.value,
                    "" if act is None else act.start.isoformat(),
                    "" if act is None else act.end.isoformat(),
                    "" if act is None else act.skill_group,
                    "" if act is None else act.label,
                ]
            )
    return out.getvalue()


def schedule_from_csv(
    text: str, *, source: str = "schedule CSV", problem: Problem | None = None
) -> Schedule:
    """Read a schedule CSV back (hand edits welcome).

    Every row is checked before anything is built, so one run names every bad row (line,
    column, reason) and a file with any bad row gives no schedule. Given the ``problem`` it
    will be checked against, agents and skill groups the problem does not know are bad rows
    too: the validator could only say which agent, not which line.

    Raises:
        BadRowsError: a required column is missing, or any row is bad; every one is listed.
        InputError: the text is not CSV at all (the ``csv`` module gives up on a line).
    """
    rows = numbered_rows(io.StringIO(text, newline=""), source=source)
    header_line, header_cells = next(rows, (1, []))
    header = [name.strip() for name in header_cells]
    missing = [name for name in _REQUIRED_COLUMNS if name not in header]
    if missing:
        raise BadRowsError(
            source,
            [
                RowError(header_line, name, f"required column missing; the header is {header}")
                for name in missing
            ],
        )
    known = _KnownNames.of(problem)
    errors: list[RowError] = []
    shifts: dict[tuple[str, datetime, datetime], tuple[str, list[Activity]]] = {}
    for line, cells in rows:
        if len(cells) > len(header):
            errors.append(
                RowError(
                    line,
                    header[-1],
                    f"the row has {len(cells)} cells and the header {len(header)}; quote a "
                    "value that holds a comma",
                )
            )
            continue
        read = _schedule_row(_Cells(dict(zip(header, cells, strict=False)), line, errors), known)
        if read is not None:
            key, name, activity = read
            _, activities = shifts.setdefault(key, (name, []))
            if activity is not None:
                activities.append(activity)
    if errors:
        raise BadRowsError(source, errors)
    return Schedule(
        tuple(
            Shift(agent, start, end, tuple(activities), name)
            for (agent, start, end), (name, activities) in shifts.items()
        )
    )


_REQUIRED_COLUMNS = SCHEDULE_COLUMNS[:7]
_EXAMPLE_TIME = "2020-03-16T08:00:00+01:00"


@dataclasses.dataclass(frozen=True)
class _KnownNames:
    """The agents and skill groups a schedule may name (``None``: no problem to ask)."""

    agents: frozenset[str] | None = None
    skill_groups: frozenset[str] | None = None

    @classmethod
    def of(cls, problem: Problem | None) -> _KnownNames:
        if problem is None:
            return cls()
        return cls(
            frozenset(a.id for a in problem.agents), frozenset(g.name for g in problem.skill_groups)
        )


@dataclasses.dataclass(frozen=True)
class _Cells:
    """One CSV row being read: its cells by column, its line, and where its errors go."""

    row: Mapping[str, str]
    line: int
    errors: list[RowError]

    def text(self, column: str) -> str:
        """The cell stripped; a row cut short has empty cells."""
        return str(self.row.get(column) or "").strip()

    def reject(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, reason))

    def moment(self, column: str) -> datetime | None:
        """The cell as an aware date-time, or None after naming what is wrong with it."""
        text = self.text(column)
        if not text:
            self.reject(column, f"is empty; give a date-time such as {_EXAMPLE_TIME}")
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.reject(
                column, f"{text!r} is not an ISO 8601 date-time; write e.g. {_EXAMPLE_TIME}"
            )
            return None
        if value.utcoffset() is None:
            self.reject(column, f"{text!r} has no UTC offset; write e.g. {_EXAMPLE_TIME}")
            return None
        return value

    def span(
        self, start_column: str, end_column: str, what: str
    ) -> tuple[datetime, datetime] | None:
        """Start and end, the end after the start, or None after naming what is wrong."""
        start, end = self.moment(start_column), self.moment(end_column)
        if start is None or end is None:
            return None
        if end <= start:
            ends, starts = self.text(end_column), self.text(start_column)
            self.reject(end_column, f"{ends} is not after the {what}'s start {starts}")
            return None
        return start, end


def _schedule_row(
    cells: _Cells, known: _KnownNames
) -> tuple[tuple[str, datetime, datetime], str, Activity | None] | None:
    """One row as (shift key, shift name, activity or None), or None when it is bad."""
    bad = len(cells.errors)
    agent = cells.text("agent_id")
    if not agent:
        cells.reject("agent_id", "is empty; give the agent's id as in the problem file")
    elif known.agents is not None and agent not in known.agents:
        cells.reject(
            "agent_id", f"unknown agent {agent!r}; the problem's agents are {_listed(known.agents)}"
        )
    shift = cells.span("shift_start", "shift_end", "shift")
    activity: Activity | None = None
    kind_text = cells.text("activity")
    if kind_text:
        kind = _activity_kind(cells, kind_text)
        group = cells.text("skill_group")
        if group and known.skill_groups is not None and group not in known.skill_groups:
            cells.reject(
                "skill_group",
                f"unknown skill group {group!r}; the problem's groups are "
                f"{_listed(known.skill_groups)}",
            )
        span = cells.span("activity_start", "activity_end", "activity")
        if kind is not None and span is not None:
            activity = Activity(kind, *span, group, cells.text("label"))
    if len(cells.errors) > bad or shift is None:
        return None
    return (agent, *shift), cells.text("shift_name"), activity


def _activity_kind(cells: _Cells, text: str) -> ActivityKind | None:
    try:
        return ActivityKind(text)
    except ValueError:
        kinds = [k.value for k in ActivityKind]
        cells.reject(
            "activity", f"{text!r} is not an activity; use {', '.join(kinds[:-1])} or {kinds[-1]}"
        )
        return None


def _listed(names: frozenset[str], *, shown: int = 10) -> str:
    """Sorted names, the first ``shown`` of them (a problem may have hundreds of agents)."""
    ordered = sorted(names)
    more = f", ... ({len(ordered)} in all)" if len(ordered) > shown else ""
    return (", ".join(ordered[:shown]) or "none") + more


def schedule_ics(schedule: Schedule, agent_id: str) -> bytes:
    """An iCalendar file with one event per shift of ``agent_id`` (breaks in the description)."""
    cal = Calendar()
    cal.add("prodid", "-//bezetting//schedule//EN")
    cal.add("version", "2.0")
    for s in schedule.for_agent(agent_id):
        ev = Event()
        ev.add("uid", f"{agent_id}-{int(s.start.timestamp())}@bezetting")
        ev.add("summary", f"Shift {s.name}".strip())
        ev.add("dtstart", s.start)
        ev.add("dtend", s.end)
        ev.add("dtstamp", s.start)
        lines = [
            f"{a.kind.value} {a.start:%H:%M}-{a.end:%H:%M} {a.skill_group or a.label}".strip()
            for a in s.activities
        ]
        ev.add("description", "\n".join(lines))
        cal.add_component(ev)
    return bytes(cal.to_ical())


def _share_cell(count: int, per_fte: float, counted: bool) -> str:
    share = f"{per_fte:.2f} per 40 h" if counted else "not counted"
    return f"<td>{count} <small>({share})</small></td>"


def result_html(problem: Problem, result: ScheduleResult) -> str:
    """A self-contained page: summary, coverage against demand per group, board per agent."""
    cov = result.coverage
    tz = ZoneInfo(problem.horizon.timezone)
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>bezetting schedule</title>",
        "<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 4px;font-size:12px}</style>",
        "</head><body><h1>Schedule</h1>",
        f"<p>Status <b>{e(result.status.value)}</b>; objective {result.objective:.1f}, lower bound "
        f"{result.bound:.1f} (gap {100 * result.gap:.1f}%); {len(result.schedule.shifts)} shifts; "
        f"under-coverage {result.under_coverage_slots} agent-quarter-hours; wishes met "
        f"{100 * result.wish_hit_rate:.0f}%; rule violations {len(result.violations)}; "
        f"{result.wall_seconds:.1f} s.</p>",
    ]
    for gi, g in enumerate(cov.skill_groups):
        short = int(cov.shortage[gi].sum())
        parts.append(
            f"<h2>Coverage: {e(g)}</h2><p>{short} of {int(cov.required[gi].sum())} required "
            f"agent-slots short.</p>{coverage_svg(cov, gi, timezone=problem.horizon.timezone)}"
        )
    parts.append("<h2>Board</h2><table><tr><th>agent</th>")
    days = [problem.horizon.first_day + timedelta(days=d) for d in range(problem.horizon.days)]
    parts += [f"<th>{d:%a %d %b}</th>" for d in days]
    parts.append("</tr>")
    for agent in problem.agents:
        parts.append(f"<tr><td>{e(agent.id)}</td>")
        shifts = result.schedule.for_agent(agent.id)
        for d in days:
            todays = [s for s in shifts if s.start.astimezone(tz).date() == d]
            cell = "<br>".join(
                f"{s.start.astimezone(tz):%H:%M}-{s.end.astimezone(tz):%H:%M}"
                + "".join(
                    f" <small>{e(a.kind.value[0])}{a.start.astimezone(tz):%H:%M}</small>"
                    for a in s.breaks
                )
                for s in todays
            )
            parts.append(f"<td>{cell}</td>")
        parts.append("</tr>")
    parts.append("</table><h2>Wishes not met</h2><ul>")
    missed = [w for w in result.wishes if not w.met]
    parts += [f"<li>{e(w.agent_id)} {e(w.wish_id)}: {e(w.reason)}</li>" for w in missed]
    if not missed:
        parts.append(f"<li>None: all {len(result.wishes)} wishes are met.</li>")
    parts.append(
        "</ul><h2>Fairness</h2><p>Evening shifts, weekend shifts and broken wishes per agent, "
        "and per 40 contract hours: the spread (highest less lowest) of each column is "
        "penalised among the agents it counts, those with contract hours who could get such a "
        "shift (or have a wish a shift could break); it does not count the others.</p>"
        "<table><tr><th>agent</th><th>evenings</th><th>weekends</th><th>unwanted</th></tr>"
    )
    parts += [
        f"<tr><td>{e(f.agent_id)}</td>"
        + "".join(
            _share_cell(getattr(f, c), getattr(f, f"{c}_per_fte"), c in f.counted_in)
            for c in FAIRNESS_CATEGORIES
        )
        + "</tr>"
        for f in result.fairness
    ]
    parts.append("</table><h2>Violations</h2><ul>")
    parts += [
        f"<li>{e(v.agent_id)} {e(v.rule.value)} {v.at:%a %d %b %H:%M}: {e(v.message)}</li>"
        for v in result.violations
    ]
    if not result.violations:
        parts.append("<li>None: every shift keeps the labour rules.</li>")
    parts.append("</ul></body></html>")
    return "".join(parts)
