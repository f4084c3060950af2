"""The problem file (a mapping parsed from YAML by the caller) read into a :class:`Problem`.

Every field is read before anything is built, so one run names every bad field at once, each
by its path (``agents[3].contract.max_hours``, list items counted from 0) with the item's id
or name beside it, as the schedule CSV reader names every bad row. Only a bad ``horizon``
stops the reading early: its days, slots and time zone are what every time and demand block
is read against. Fields that must agree with each other (agents' skill groups and shift
shapes, unique names, the break part against the rule pack) are checked once each field reads.
A key the reader does not know is a bad field too (``agents[3].contract.max_hour: unknown key;
did you mean max_hours?``), never silently ignored: a misspelt key would otherwise leave its
default in force without a word.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import NDArray

from bezetting.core.errors import BadFieldsError, FieldError, InputError
from bezetting.core.schedule._time import Grid
from bezetting.core.schedule.problem import (
    Agent,
    BreakPolicy,
    Contract,
    DayOffWish,
    Demand,
    EmploymentType,
    FixedEvent,
    FreeShiftDesign,
    Horizon,
    Location,
    MaxDaysPerWeekWish,
    PreferredTimeWish,
    Problem,
    ShiftTemplate,
    Skill,
    SkillGroup,
    TimeWindow,
    UnwantedTimeWish,
    Weights,
    Wish,
    WorkPeriod,
)
from bezetting.core.schedule.rules import DUTCH_RULES, RulePack

__all__ = ["break_policy", "problem_from_mapping"]

T = TypeVar("T")

_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WISH_KINDS = ("day_off", "unwanted", "preferred", "max_days_per_week")

_SECTIONS = ("horizon", "skill_groups", "shifts", "agents", "rules", "weights", "breaks")
_HORIZON_KEYS = ("first_day", "days", "slot_minutes", "timezone")
_SKILL_GROUP_KEYS = ("name", "opening", "demand")
_DEMAND_KEYS = ("from", "to", "agents", "weekdays")
_SHIFT_KEYS = (
    "name",
    "weekdays",
    "start",
    "length_minutes",
    "earliest_start",
    "latest_end",
    "min_length_minutes",
    "max_length_minutes",
    "step_minutes",
)
_AGENT_KEYS = (
    "id",
    "name",
    "team",
    "contract",
    "skills",
    "location",
    "available",
    "unavailable",
    "wishes",
    "events",
    "prior_work",
    "templates",
    "employed_from",
    "employed_until",
    "paid_leave_hours",
)
_CONTRACT_KEYS = ("min_hours", "target_hours", "max_hours", "employment")
_SKILL_KEYS = ("group", "proficiency")
_WISH_KEYS = ("id", "weight", *_WISH_KINDS)
_WINDOW_KEYS = ("start", "end")
_EVENT_KEYS = ("name", *_WINDOW_KEYS)
_PRIOR_WORK_KEYS = (*_WINDOW_KEYS, "break_minutes", "other_client")
_AGENT_ITEM_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("skills", _SKILL_KEYS),
    ("wishes", _WISH_KEYS),
    ("events", _EVENT_KEYS),
    ("prior_work", _PRIOR_WORK_KEYS),
)
"""The keys each part of the file may have (``rules``, ``weights`` and ``breaks`` check their
own, listing the known ones)."""


def problem_from_mapping(data: Any, *, source: str = "problem file") -> Problem:
    """Build a :class:`Problem` from a problem file's mapping (see ``docs/schedule.md``).

    Args:
        data: the parsed file.
        source: the file's name, for the error.

    Raises:
        BadFieldsError: any field is bad; every one is listed (its ``fields``), except that a
            bad horizon (or a file that is not a mapping) is listed alone.
    """
    if not isinstance(data, Mapping):
        raise BadFieldsError(
            source, [FieldError("", "must be a mapping (horizon, skill_groups, agents, ...)")]
        )
    fields = _Fields()
    horizon = fields.read("horizon", lambda: _horizon(data.get("horizon")))
    if horizon is None:
        raise BadFieldsError(source, fields.errors)
    fields.unknown_keys(data, "", _SECTIONS)
    fields.unknown_keys(data.get("horizon"), "horizon", _HORIZON_KEYS)
    tz = ZoneInfo(horizon.timezone)
    grid = horizon.grid()
    groups: list[SkillGroup] = []
    demand: list[Demand] = []
    for path, g in fields.items(data, "skill_groups"):
        read = _skill_group(fields, path, g, horizon, grid, tz)
        if read is not None:
            groups.append(read[0])
            demand.append(read[1])
    shapes = [
        shape
        for path, s in fields.items(data, "shifts")
        if (shape := _shift_shape(fields, path, s)) is not None
    ]
    weeks = -(-horizon.days // 7)
    agents = [
        (path, agent)
        for path, a in fields.items(data, "agents")
        if (agent := _agent(fields, path, a, tz, weeks=weeks)) is not None
    ]
    rules = fields.read("rules", lambda: _rules(data.get("rules")))
    weights = fields.read("weights", lambda: _weights(data.get("weights")))
    breaks = fields.read("breaks", lambda: break_policy(data.get("breaks")))
    _check_together(fields, data, agents, rules, breaks)
    if fields.errors or rules is None or weights is None or breaks is None:
        raise BadFieldsError(source, fields.errors)
    return Problem(
        horizon,
        tuple(groups),
        tuple(demand),
        tuple(agent for _, agent in agents),
        tuple(shapes),
        rules=rules,
        breaks=breaks,
        weights=weights,
    )


def break_policy(value: Any) -> BreakPolicy:
    """The problem file's ``breaks`` mapping (minutes; absent keys keep their defaults)."""
    if value is None:
        return BreakPolicy()
    known = [f.name for f in dataclasses.fields(BreakPolicy)]
    if not isinstance(value, Mapping):
        raise InputError(f"breaks must be a mapping with the keys {', '.join(known)}")
    unknown = sorted(str(k) for k in value if k not in known)
    if unknown:
        raise InputError(f"breaks: unknown key(s) {', '.join(unknown)}; known: {', '.join(known)}")
    minutes: dict[str, int] = {}
    for key, raw in value.items():
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise InputError(f"breaks: {key} must be a whole number of minutes, got {raw!r}")
        minutes[str(key)] = raw
    return BreakPolicy(**minutes)


@dataclasses.dataclass
class _Fields:
    """Where the bad fields of one file are collected, so that one run names them all."""

    errors: list[FieldError] = dataclasses.field(default_factory=list)

    def reject(self, path: str, reason: str, *, label: str = "") -> None:
        self.errors.append(FieldError(path, reason, label=label))

    def read(self, path: str, read: Callable[[], T], *, label: str = "") -> T | None:
        """``read()``, or None after noting why the field at ``path`` is bad.

        A reader names a field inside ``path`` by raising :class:`FieldError`; any other
        :class:`InputError` (from a value's own checks) is put at ``path``.
        """
        try:
            return read()
        except FieldError as exc:
            self.reject(exc.path, exc.reason, label=exc.label or label)
        except InputError as exc:
            self.reject(path, _reason(str(exc), path), label=label)
        return None

    def unknown_keys(self, value: Any, path: str, known: Sequence[str], *, label: str = "") -> None:
        """Note each key of the mapping ``value`` (at ``path``) that is not in ``known``, with
        the known key it most likely meant (or, with none close, every known key)."""
        if not isinstance(value, Mapping):
            return  # the field's reader says what it should be
        for key in value:
            name = str(key)
            if name in known:
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"the keys are {', '.join(known)}"
            self.reject(f"{path}.{name}" if path else name, f"unknown key; {hint}", label=label)

    def items(
        self, parent: Mapping[str, Any], key: str, *, path: str = "", label: str = ""
    ) -> list[tuple[str, Mapping[str, Any]]]:
        """The mappings listed under ``parent[key]`` (absent: none), each with its path; a
        value that is not a list, or an item that is not a mapping, is noted."""
        where = f"{path}.{key}" if path else key
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            self.reject(where, f"must be a list, got {value!r}", label=label)
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append((f"{where}[{i}]", item))
            else:
                self.reject(f"{where}[{i}]", f"must be a mapping, got {item!r}", label=label)
        return out


def _reason(message: str, path: str) -> str:
    """A value's own message without the section name ``path`` it already starts with."""
    prefix = f"{path}: "
    return message[len(prefix) :] if path and message.startswith(prefix) else message


# --- plain values ----------------------------------------------------------------------------


def _required(m: Mapping[str, Any], key: str, path: str) -> Any:
    if m.get(key) is None:
        raise FieldError(f"{path}.{key}", "is required")
    return m[key]


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise FieldError(path, f"must be a non-empty text, got {value!r}")
    return str(value).strip()


def _whole(value: Any, path: str, *, minimum: int = 0, unit: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        what = f"a whole number{f' of {unit}' if unit else ''} >= {minimum}"
        raise FieldError(path, f"must be {what}, got {value!r}")
    return value


def _number(value: Any, path: str, *, unit: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise FieldError(path, f"must be a number of {unit} >= 0, got {value!r}")
    return float(value)


def _day(value: Any, path: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FieldError(path, f"{value!r} is not a date YYYY-MM-DD") from None


def _clock(value: Any, path: str, *, within_day: bool = False) -> int:
    """``"08:30"`` -> 510 minutes; ``"24:00"`` and later allowed (past midnight) unless
    ``within_day``."""
    try:
        h, m = (int(p) for p in str(value).split(":"))
    except ValueError:
        raise FieldError(path, f"{value!r} is not a clock time HH:MM") from None
    if h < 0 or not 0 <= m < 60 or (within_day and h >= 24):
        last = "23:59" if within_day else "47:59"
        raise FieldError(path, f"{value!r} is not a clock time from 00:00 to {last}")
    return h * 60 + m


def _weekdays(m: Mapping[str, Any], path: str) -> tuple[int, ...]:
    value = m.get("weekdays", range(7))
    where = f"{path}.weekdays"
    if isinstance(value, range):
        return tuple(value)
    if not isinstance(value, list | tuple) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in value
    ):
        raise FieldError(where, f"must be a list of weekdays 0 (Monday) to 6, got {value!r}")
    return tuple(value)


def _aware(value: Any, tz: ZoneInfo, path: str) -> datetime:
    if isinstance(value, datetime):
        out = value
    else:
        try:
            out = datetime.fromisoformat(str(value))
        except ValueError:
            raise FieldError(
                path, f"{value!r} is not an ISO 8601 date-time (e.g. 2020-03-16T08:00+01:00)"
            ) from None
    return out if out.tzinfo is not None else out.replace(tzinfo=tz)


def _window(value: Any, tz: ZoneInfo, path: str) -> TimeWindow:
    if isinstance(value, Mapping):
        start, end = _required(value, "start", path), _required(value, "end", path)
    elif isinstance(value, list | tuple) and len(value) == 2:
        start, end = value
    else:
        raise FieldError(path, f"a time window is [start, end] or {{start:, end:}}, got {value!r}")
    first, last = _aware(start, tz, path), _aware(end, tz, path)
    if last <= first:
        raise FieldError(path, f"ends at {last.isoformat()}, not after its start")
    return TimeWindow(first, last)


def _windows(
    fields: _Fields, m: Mapping[str, Any], key: str, tz: ZoneInfo, path: str, label: str
) -> tuple[TimeWindow, ...] | None:
    value = m.get(key) or []
    if not isinstance(value, list | tuple):
        fields.reject(
            f"{path}.{key}", f"must be a list of [start, end], got {value!r}", label=label
        )
        return None
    read = [
        fields.read(f"{path}.{key}[{i}]", partial(_window, w, tz, f"{path}.{key}[{i}]"))
        for i, w in enumerate(value)
    ]
    for i, w in enumerate(value):
        fields.unknown_keys(w, f"{path}.{key}[{i}]", _WINDOW_KEYS, label=label)
    return None if any(w is None for w in read) else tuple(w for w in read if w is not None)


# --- sections ----------------------------------------------------------------------------------


def _horizon(value: Any) -> Horizon:
    if not isinstance(value, Mapping):
        raise FieldError(
            "horizon", "needs first_day and days, e.g. {first_day: 2020-03-16, days: 7}"
        )
    first = _day(_required(value, "first_day", "horizon"), "horizon.first_day")
    days = _whole(_required(value, "days", "horizon"), "horizon.days", minimum=1)
    slot = _whole(value.get("slot_minutes", 15), "horizon.slot_minutes", minimum=1)
    if 1440 % slot:
        raise FieldError("horizon.slot_minutes", f"must divide a day (15, 30, 60), got {slot}")
    name = str(value.get("timezone", "Europe/Amsterdam"))
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FieldError("horizon.timezone", f"unknown time zone {name!r}") from None
    try:
        return Horizon(first, days, slot, name)
    except InputError as exc:
        raise FieldError("horizon.days", str(exc)) from None


def _skill_group(
    fields: _Fields, path: str, g: Mapping[str, Any], horizon: Horizon, grid: Grid, tz: ZoneInfo
) -> tuple[SkillGroup, Demand] | None:
    name = fields.read(f"{path}.name", lambda: _text(_required(g, "name", path), f"{path}.name"))
    label = f"skill group {name!r}" if name else ""
    bad = len(fields.errors)
    fields.unknown_keys(g, path, _SKILL_GROUP_KEYS, label=label)
    opening = g.get("opening") or {}
    spans: dict[str, tuple[int, int] | None] = {}
    if not isinstance(opening, Mapping):
        fields.reject(f"{path}.opening", f"must be a mapping, got {opening!r}", label=label)
        opening = {}
    for key, spec in opening.items():
        where = f"{path}.opening.{key}"
        span = fields.read(where, partial(_opening, key, spec, where), label=label)
        spans[str(key)] = span
    days = [horizon.first_day + timedelta(days=d) for d in range(horizon.days)]
    required = np.zeros(grid.n_slots, dtype=np.int64)
    for where, block in fields.items(g, "demand", path=path, label=label):
        fields.unknown_keys(block, where, _DEMAND_KEYS, label=label)
        fields.read(where, partial(_demand_block, block, where, days, grid, required), label=label)
    windows = []
    for day in days:
        key = next(
            (k for k in (day.isoformat(), _WEEKDAY_KEYS[day.weekday()], "default") if k in spans),
            None,
        )
        span = spans.get(key) if key is not None else None
        if span is not None:
            lo, hi = span
            windows.append(
                TimeWindow(_wall(day, lo, tz), _wall(day, hi if hi > lo else hi + 1440, tz))
            )
    if name is None or len(fields.errors) > bad:
        return None
    return SkillGroup(name, tuple(windows)), Demand(name, required)


def _opening(key: Any, spec: Any, path: str) -> tuple[int, int] | None:
    """One opening entry: ``[from, to]`` local, or empty for closed."""
    if key not in ("default", *_WEEKDAY_KEYS):
        try:
            date.fromisoformat(str(key))
        except ValueError:
            raise FieldError(
                path, f"unknown key {key!r}; use default, mon to sun, or a date YYYY-MM-DD"
            ) from None
    if not spec:
        return None
    if not isinstance(spec, list | tuple) or len(spec) != 2:
        raise FieldError(path, f"must be [from, to], e.g. ['08:00', '21:00'], got {spec!r}")
    return _clock(spec[0], path), _clock(spec[1], path)


def _demand_block(
    block: Mapping[str, Any],
    path: str,
    days: Sequence[date],
    grid: Grid,
    required: NDArray[np.int64],
) -> None:
    """Raise ``required`` to the block's agents in the slots it covers."""
    lo = _clock(_required(block, "from", path), f"{path}.from")
    hi = _clock(_required(block, "to", path), f"{path}.to")
    agents = _whole(_required(block, "agents", path), f"{path}.agents")
    weekdays = _weekdays(block, path)
    for d, day in enumerate(days):
        if day.weekday() not in weekdays:
            continue
        first = int(grid.day_first_slot[d])
        for t in range(first, int(grid.day_first_slot[d + 1])):
            minute = (int(grid.slot_start[t]) - int(grid.slot_start[first])) // 60
            if lo <= minute < hi:
                required[t] = max(required[t], agents)


def _wall(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    extra, minute = divmod(minutes, 1440)
    return datetime.combine(day + timedelta(days=extra), time(minute // 60, minute % 60), tzinfo=tz)


def _shift_shape(
    fields: _Fields, path: str, s: Mapping[str, Any]
) -> ShiftTemplate | FreeShiftDesign | None:
    name = fields.read(f"{path}.name", lambda: _text(_required(s, "name", path), f"{path}.name"))
    label = f"shift {name!r}" if name else ""
    bad = len(fields.errors)
    fields.unknown_keys(s, path, _SHIFT_KEYS, label=label)
    shape = fields.read(path, lambda: _shape(s, path, name or ""), label=label)
    return shape if len(fields.errors) == bad else None


def _shape(s: Mapping[str, Any], path: str, name: str) -> ShiftTemplate | FreeShiftDesign:
    weekdays = _weekdays(s, path)
    if "length_minutes" in s:
        m = _clock(_required(s, "start", path), f"{path}.start", within_day=True)
        length = _whole(s["length_minutes"], f"{path}.length_minutes", minimum=1, unit="minutes")
        return ShiftTemplate(name, time(m // 60, m % 60), length, weekdays)
    if "earliest_start" not in s:
        raise FieldError(
            path, "a template needs start and length_minutes, a free design earliest_start, ..."
        )
    m = _clock(s["earliest_start"], f"{path}.earliest_start", within_day=True)
    return FreeShiftDesign(
        name,
        time(m // 60, m % 60),
        _clock(_required(s, "latest_end", path), f"{path}.latest_end"),
        _whole(_required(s, "min_length_minutes", path), f"{path}.min_length_minutes", minimum=1),
        _whole(_required(s, "max_length_minutes", path), f"{path}.max_length_minutes", minimum=1),
        _whole(s.get("step_minutes", 15), f"{path}.step_minutes", minimum=15),
        weekdays,
    )


def _agent(
    fields: _Fields, path: str, a: Mapping[str, Any], tz: ZoneInfo, *, weeks: int
) -> Agent | None:
    """One agent, or None after noting each of its bad fields (``weeks``: the planning weeks
    of the horizon)."""
    aid = fields.read(f"{path}.id", lambda: _text(_required(a, "id", path), f"{path}.id"))
    label = f"agent {aid!r}" if aid else ""
    bad = len(fields.errors)
    fields.unknown_keys(a, path, _AGENT_KEYS, label=label)
    for key, known in _AGENT_ITEM_KEYS:
        for i, item in enumerate(_listed(fields, a, key, path, label, quiet=True)):
            fields.unknown_keys(item, f"{path}.{key}[{i}]", known, label=label)

    def read(key: str, reader: Callable[[], T]) -> T | None:
        return fields.read(f"{path}.{key}", reader, label=label)

    contract = _contract(fields, f"{path}.contract", a.get("contract") or {}, label)
    skills = read("skills", lambda: _skills(a.get("skills") or [], f"{path}.skills"))
    location = read(
        "location", lambda: _choice(Location, a.get("location", "home"), f"{path}.location")
    )
    available = _windows(fields, a, "available", tz, path, label)
    unavailable = _windows(fields, a, "unavailable", tz, path, label)
    wishes = [
        read(f"wishes[{i}]", partial(_wish, w, tz, f"{path}.wishes[{i}]", aid or "", i))
        for i, w in enumerate(_listed(fields, a, "wishes", path, label))
    ]
    events = [
        read(f"events[{i}]", partial(_event, e, tz, f"{path}.events[{i}]"))
        for i, e in enumerate(_listed(fields, a, "events", path, label))
    ]
    prior = [
        read(f"prior_work[{i}]", partial(_prior_work, p, tz, f"{path}.prior_work[{i}]"))
        for i, p in enumerate(_listed(fields, a, "prior_work", path, label))
    ]
    templates = read("templates", lambda: _names(a.get("templates") or [], f"{path}.templates"))
    employed_from, employed_until = (
        read(key, partial(_day, a[key], f"{path}.{key}")) if a.get(key) is not None else None
        for key in ("employed_from", "employed_until")
    )
    paid_leave = read(
        "paid_leave_hours",
        lambda: _hours_per_week(
            a.get("paid_leave_hours") or [], f"{path}.paid_leave_hours", weeks=weeks
        ),
    )
    if (
        len(fields.errors) > bad
        or aid is None
        or contract is None
        or skills is None
        or location is None
        or available is None
        or unavailable is None
        or templates is None
        or paid_leave is None
    ):
        return None
    return Agent(
        id=aid,
        contract=contract,
        skills=skills,
        name=str(a.get("name", "")),
        team=str(a.get("team", "")),
        location=location,
        available=available,
        unavailable=unavailable,
        wishes=tuple(w for w in wishes if w is not None),
        events=tuple(e for e in events if e is not None),
        prior_work=tuple(p for p in prior if p is not None),
        templates=templates,
        employed_from=employed_from,
        employed_until=employed_until,
        paid_leave_minutes=paid_leave,
    )


def _listed(
    fields: _Fields, m: Mapping[str, Any], key: str, path: str, label: str, *, quiet: bool = False
) -> Sequence[Any]:
    """The list under ``m[key]`` (absent: empty); anything else is noted, unless ``quiet``
    (another reading of the same field notes it)."""
    value = m.get(key) or []
    if not isinstance(value, list | tuple):
        if not quiet:
            fields.reject(f"{path}.{key}", f"must be a list, got {value!r}", label=label)
        return []
    return value


def _contract(fields: _Fields, path: str, c: Any, label: str) -> Contract | None:
    if not isinstance(c, Mapping):
        fields.reject(
            path, f"must be a mapping of min_hours, target_hours, ..., got {c!r}", label=label
        )
        return None
    fields.unknown_keys(c, path, _CONTRACT_KEYS, label=label)
    hours = [
        fields.read(
            f"{path}.{key}",
            partial(_minutes_of_hours, c.get(key, default), f"{path}.{key}"),
            label=label,
        )
        for key, default in (("min_hours", 0), ("target_hours", 0), ("max_hours", 60))
    ]
    employment = fields.read(
        f"{path}.employment",
        lambda: _choice(EmploymentType, c.get("employment", "permanent"), f"{path}.employment"),
        label=label,
    )
    low, target, high = hours
    if low is None or target is None or high is None or employment is None:
        return None
    return fields.read(path, lambda: Contract(low, target, high, employment), label=label)


def _minutes_of_hours(value: Any, path: str) -> int:
    return round(_number(value, path, unit="hours") * 60)


def _hours_per_week(value: Any, path: str, *, weeks: int) -> tuple[int, ...]:
    if not isinstance(value, list | tuple) or len(value) > weeks:
        raise FieldError(
            path, f"must be a list of hours per planning week (at most {weeks}), got {value!r}"
        )
    return tuple(_minutes_of_hours(hours, f"{path}[{i}]") for i, hours in enumerate(value))


E = TypeVar("E", Location, EmploymentType)


def _choice(kind: type[E], value: Any, path: str) -> E:
    try:
        return kind(value)
    except ValueError:
        valid = ", ".join(k.value for k in kind)
        raise FieldError(path, f"{value!r} is not one of {valid}") from None


def _skills(value: Any, path: str) -> tuple[Skill, ...]:
    if not isinstance(value, list | tuple):
        raise FieldError(path, f"must be a list of skill group names, got {value!r}")
    out = []
    for i, s in enumerate(value):
        if isinstance(s, Mapping):
            group = _text(_required(s, "group", f"{path}[{i}]"), f"{path}[{i}].group")
            proficiency = s.get("proficiency", 1.0)
            if (
                isinstance(proficiency, bool)
                or not isinstance(proficiency, int | float)
                or not (0 < proficiency < math.inf)
            ):
                raise FieldError(
                    f"{path}[{i}].proficiency", f"must be a number > 0, got {proficiency!r}"
                )
            out.append(Skill(group, float(proficiency)))
        else:
            out.append(Skill(_text(s, f"{path}[{i}]")))
    return tuple(out)


def _names(value: Any, path: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise FieldError(path, f"must be a list of shift shape names, got {value!r}")
    return tuple(_text(v, f"{path}[{i}]") for i, v in enumerate(value))


def _wish(w: Any, tz: ZoneInfo, path: str, aid: str, i: int) -> Wish:
    if not isinstance(w, Mapping):
        raise FieldError(path, f"must be a mapping, got {w!r}")
    wid = str(w.get("id", f"{aid}-wish-{i + 1}"))
    weight = w.get("weight", 1.0)
    if (
        isinstance(weight, bool)
        or not isinstance(weight, int | float)
        or not 0 <= weight < math.inf
    ):
        raise FieldError(f"{path}.weight", f"must be a number >= 0, got {weight!r}")
    kinds = [k for k in _WISH_KINDS if k in w]
    if len(kinds) != 1:
        raise FieldError(path, f"needs exactly one of {', '.join(_WISH_KINDS)}, got {sorted(w)}")
    kind = kinds[0]
    where = f"{path}.{kind}"
    if kind == "day_off":
        return DayOffWish(wid, _day(w[kind], where), float(weight))
    if kind == "unwanted":
        return UnwantedTimeWish(wid, _window(w[kind], tz, where), float(weight))
    if kind == "preferred":
        return PreferredTimeWish(wid, _window(w[kind], tz, where), float(weight))
    return MaxDaysPerWeekWish(wid, _whole(w[kind], where, minimum=0, unit="days"), float(weight))


def _event(e: Any, tz: ZoneInfo, path: str) -> FixedEvent:
    if not isinstance(e, Mapping):
        raise FieldError(path, f"must be a mapping {{name, start, end}}, got {e!r}")
    return FixedEvent(str(e.get("name", "event")), _window(e, tz, path))


def _prior_work(p: Any, tz: ZoneInfo, path: str) -> WorkPeriod:
    if not isinstance(p, Mapping):
        raise FieldError(path, f"must be a mapping {{start, end, break_minutes}}, got {p!r}")
    other = p.get("other_client", False)
    if not isinstance(other, bool):
        raise FieldError(f"{path}.other_client", f"must be true or false, got {other!r}")
    pause = _whole(p.get("break_minutes", 0), f"{path}.break_minutes", unit="minutes")
    return WorkPeriod(_window(p, tz, path), pause, other)


def _rules(value: Any) -> RulePack:
    if not value:
        return DUTCH_RULES
    if not isinstance(value, Mapping):
        raise FieldError("rules", f"must be a mapping of rule names to values, got {value!r}")
    return DUTCH_RULES.with_overrides(**{str(k): v for k, v in value.items()})


def _weights(value: Any) -> Weights:
    if value is None:
        return Weights()
    known = [f.name for f in dataclasses.fields(Weights)]
    if not isinstance(value, Mapping):
        raise FieldError("weights", f"must be a mapping with the keys {', '.join(known)}")
    unknown = sorted(str(k) for k in value if k not in known)
    if unknown:
        raise FieldError(
            "weights", f"unknown key(s) {', '.join(unknown)}; known: {', '.join(known)}"
        )
    return Weights(
        **{str(k): _number(v, f"weights.{k}", unit="cost units") for k, v in value.items()}
    )


def _check_together(
    fields: _Fields,
    data: Mapping[str, Any],
    agents: Sequence[tuple[str, Agent]],
    rules: RulePack | None,
    breaks: BreakPolicy | None,
) -> None:
    """What holds between fields (the checks of :class:`Problem`, each bad field named).

    Names are taken from the file as written, so a group or shape with another bad field
    does not also make every agent that names it bad."""
    group_names = _names_in(data, "skill_groups")
    for i, name in enumerate(group_names):
        if name is not None and name in group_names[:i]:
            fields.reject(f"skill_groups[{i}].name", f"{name!r} is the name of an earlier group")
    known_groups = {n for n in group_names if n is not None}
    known_shapes = {n for n in _names_in(data, "shifts") if n is not None}
    ids: set[str] = set()
    for path, agent in agents:
        label = f"agent {agent.id!r}"
        if agent.id in ids:
            fields.reject(f"{path}.id", f"{agent.id!r} is the id of an earlier agent", label=label)
        ids.add(agent.id)
        unknown = sorted(agent.skill_groups - known_groups)
        if unknown:
            fields.reject(
                f"{path}.skills",
                f"unknown skill group(s) {unknown}; the groups are {sorted(known_groups)}",
                label=label,
            )
        missing = sorted(set(agent.templates) - known_shapes)
        if missing:
            fields.reject(
                f"{path}.templates",
                f"unknown shift shape(s) {missing}; the shapes are {sorted(known_shapes)}",
                label=label,
            )
    if (
        rules is not None
        and breaks is not None
        and breaks.part_minutes < rules.min_break_part_minutes
    ):
        fields.reject(
            "breaks",
            f"part_minutes {breaks.part_minutes} is shorter than the rule pack's shortest "
            f"break part ({rules.min_break_part_minutes} min)",
        )


def _names_in(data: Mapping[str, Any], key: str) -> list[str | None]:
    """The ``name`` of each item listed under ``key``, as written (None where there is none)."""
    value = data.get(key)
    items = value if isinstance(value, list | tuple) else []
    return [
        str(item["name"]).strip()
        if isinstance(item, Mapping) and isinstance(item.get("name"), str | int)
        else None
        for item in items
    ]
