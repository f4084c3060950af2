"""Scenario files: YAML text in, a checked :class:`Scenario` out (the format: docs/simulate.md).

Every problem is reported as a :class:`ScenarioError` that names the field by its path and
says what would be valid, e.g. ``queues[1].patience.mean_seconds: must be a finite number > 0,
got -3.0``. Reading files is the caller's job: the text comes in as a string, and a replay of
real arrivals (``arrivals: {replay: calls.csv}``) is read through a function the caller passes.

Clock times such as ``16:30`` are read as text (plain YAML 1.1 would turn them into the number
990) and dates and timestamps are parsed here, so that every timestamp gets a UTC offset.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import yaml

from bezetting.core.simulate._errors import ScenarioError
from bezetting.core.simulate.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    LogNormal,
)
from bezetting.core.simulate.scenario import (
    AgentGroup,
    Break,
    Channel,
    PoissonArrivals,
    Queue,
    Redial,
    ReplayArrivals,
    RequirementStaffing,
    Scenario,
    ScheduledAgent,
    Shift,
    Skill,
    Surge,
)

__all__ = ["ReplayReader", "scenario_from_mapping", "scenario_from_yaml"]

#: Reads the arrival moments of a replay file named in a scenario (the CLI passes one).
ReplayReader = Callable[[str], Sequence[datetime]]


class _Loader(yaml.SafeLoader):
    """Safe YAML without sexagesimal numbers (``16:30`` stays text) and without timestamps."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":int", ":float", ":timestamp"))]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9][0-9_]*$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+|[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)


def scenario_from_yaml(text: str, *, read_replay: ReplayReader | None = None) -> Scenario:
    """Parse a scenario file's text.

    Args:
        text: the YAML text.
        read_replay: reads the arrival moments of a replay file named in the scenario.

    Raises:
        ScenarioError: the text is not YAML, or a field is bad (named by its path).
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError("", f"not valid YAML{where}: {problem}") from None
    return scenario_from_mapping(data, read_replay=read_replay)


def scenario_from_mapping(data: object, *, read_replay: ReplayReader | None = None) -> Scenario:
    """Build a scenario from plain data (what YAML or JSON gives: dicts, lists, numbers, text)."""
    root = _fields(
        data,
        "",
        required=("start", "interval_minutes", "queues", "agent_groups"),
        optional=("name", "days", "intervals", "surges"),
    )
    start = _datetime(root["start"], "start")
    minutes = _number(root["interval_minutes"], "interval_minutes", minimum=0.0, strict=True)
    interval_seconds = minutes * 60.0
    if 86400.0 % interval_seconds:
        raise ScenarioError(
            "interval_minutes", f"must divide a day (15, 30 or 60), got {minutes:g}"
        )
    clock = _Clock(start)
    queues_raw = _list(root["queues"], "queues")
    groups_raw = _list(root["agent_groups"], "agent_groups")
    n_intervals = _grid_size(root, interval_seconds, queues_raw, groups_raw)
    queues = tuple(
        _queue(q, f"queues[{i}]", clock, interval_seconds, read_replay)
        for i, q in enumerate(queues_raw)
    )
    groups = tuple(_group(g, f"agent_groups[{i}]", clock) for i, g in enumerate(groups_raw))
    surges = tuple(
        _surge(s, f"surges[{i}]", clock)
        for i, s in enumerate(_list(root.get("surges", []), "surges"))
    )
    return _build(
        "",
        lambda: Scenario(
            interval_seconds=interval_seconds,
            n_intervals=n_intervals,
            queues=queues,
            agent_groups=groups,
            surges=surges,
            start=start,
        ),
    )


# --- the parts --------------------------------------------------------------------------------


class _Clock:
    """Turns dates, timestamps and clock times into seconds from the scenario's start."""

    def __init__(self, start: datetime) -> None:
        self.start = start

    def seconds(self, moment: datetime) -> float:
        return (moment - self.start).total_seconds()

    def at(self, day: date, clock: time) -> float:
        return self.seconds(datetime.combine(day, clock, tzinfo=self.start.tzinfo))


def _grid_size(
    root: Mapping[str, Any], interval_seconds: float, queues: list[Any], groups: list[Any]
) -> int:
    per_day = round(86400.0 / interval_seconds)
    if "intervals" in root and "days" in root:
        raise ScenarioError("days", "give either days or intervals, not both")
    if "intervals" in root:
        return int(_whole(root["intervals"], "intervals", minimum=1))
    if "days" in root:
        return int(_whole(root["days"], "days", minimum=1)) * per_day
    # Neither: as long as the longest per-interval list.
    longest = 0
    for q in queues:
        arrivals = q.get("arrivals") if isinstance(q, Mapping) else None
        if isinstance(arrivals, Mapping) and isinstance(arrivals.get("per_interval"), list):
            longest = max(longest, len(arrivals["per_interval"]))
    for g in groups:
        staffing = g.get("staffing") if isinstance(g, Mapping) else None
        if isinstance(staffing, Mapping) and isinstance(staffing.get("per_interval"), list):
            longest = max(longest, len(staffing["per_interval"]))
    if longest == 0:
        raise ScenarioError("days", "give days or intervals (no per_interval list sets the length)")
    return longest


def _queue(
    raw: object,
    path: str,
    clock: _Clock,
    interval_seconds: float,
    read_replay: ReplayReader | None,
) -> Queue:
    f = _fields(
        raw,
        path,
        required=("name", "arrivals", "handle_time"),
        optional=("channel", "answer_within_seconds", "patience", "redial"),
    )
    channel = _choice(f.get("channel", "voice"), f"{path}.channel", [c.value for c in Channel])
    arrivals = _arrivals(f["arrivals"], f"{path}.arrivals", clock, interval_seconds, read_replay)
    handle = _distribution(f["handle_time"], f"{path}.handle_time")
    patience = None
    if f.get("patience") is not None and f.get("patience") != "none":
        patience = _distribution(f["patience"], f"{path}.patience")
    redial = _redial(f["redial"], f"{path}.redial") if f.get("redial") is not None else None
    return _build(
        path,
        lambda: Queue(
            name=_text(f["name"], f"{path}.name"),
            arrivals=arrivals,
            handle_time=handle,
            patience=patience,
            redial=redial,
            channel=Channel(channel),
            answer_within_seconds=_number(
                f.get("answer_within_seconds", 20), f"{path}.answer_within_seconds", minimum=0.0
            ),
        ),
    )


def _arrivals(
    raw: object,
    path: str,
    clock: _Clock,
    interval_seconds: float,
    read_replay: ReplayReader | None,
) -> PoissonArrivals | ReplayArrivals:
    f = _fields(raw, path, required=(), optional=("per_interval", "per_hour", "replay", "times"))
    given = [k for k in ("per_interval", "per_hour", "replay", "times") if k in f]
    if len(given) != 1:
        raise ScenarioError(
            path,
            f"give exactly one of per_interval, per_hour, replay or times; got {given or 'none'}",
        )
    key = given[0]
    if key == "per_interval":
        values = [
            _number(v, f"{path}.per_interval[{i}]", minimum=0.0)
            for i, v in enumerate(_list(f[key], f"{path}.per_interval"))
        ]
        return _build(path, lambda: PoissonArrivals(values))
    if key == "per_hour":
        rate = _number(f[key], f"{path}.per_hour", minimum=0.0)
        return PoissonArrivals([rate * interval_seconds / 3600.0])
    if key == "times":
        moments = [
            _datetime(v, f"{path}.times[{i}]") for i, v in enumerate(_list(f[key], f"{path}.times"))
        ]
    else:
        name = _text(f[key], f"{path}.replay")
        if read_replay is None:
            raise ScenarioError(f"{path}.replay", "this caller cannot read replay files")
        moments = list(read_replay(name))
    seconds = [clock.seconds(m) for m in moments]
    early = [s for s in seconds if s < 0]
    if early:
        raise ScenarioError(f"{path}.{key}", f"{len(early)} arrivals lie before the start")
    return _build(path, lambda: ReplayArrivals(seconds))


_DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any], str], Distribution]]] = {
    "exponential": (
        ("mean_seconds",),
        lambda f, p: Exponential(_number(f["mean_seconds"], f"{p}.mean_seconds")),
    ),
    "lognormal": (
        ("mean_seconds", "sd_seconds"),
        lambda f, p: LogNormal(
            _number(f["mean_seconds"], f"{p}.mean_seconds"),
            _number(f["sd_seconds"], f"{p}.sd_seconds"),
        ),
    ),
    "empirical": (
        ("samples_seconds",),
        lambda f, p: Empirical(
            [
                _number(v, f"{p}.samples_seconds[{i}]")
                for i, v in enumerate(_list(f["samples_seconds"], f"{p}.samples_seconds"))
            ]
        ),
    ),
    "fixed": (("seconds",), lambda f, p: Fixed(_number(f["seconds"], f"{p}.seconds"))),
}


def _distribution(raw: object, path: str) -> Distribution:
    if not isinstance(raw, Mapping) or "distribution" not in raw:
        raise ScenarioError(
            path,
            "must be a mapping with a distribution (one of "
            f"{', '.join(_DISTRIBUTIONS)}), e.g. {{distribution: exponential, mean_seconds: 180}}",
        )
    kind = _choice(raw["distribution"], f"{path}.distribution", list(_DISTRIBUTIONS))
    needed, make = _DISTRIBUTIONS[kind]
    f = _fields(raw, path, required=("distribution", *needed), optional=())
    return _build(path, lambda: make(f, path))


def _redial(raw: object, path: str) -> Redial:
    f = _fields(raw, path, required=("probability",), optional=("after_seconds", "delay"))
    if ("after_seconds" in f) == ("delay" in f):
        raise ScenarioError(path, "give either after_seconds (a fixed delay) or delay, not both")
    delay = (
        _build(
            f"{path}.after_seconds",
            lambda: Fixed(_number(f["after_seconds"], f"{path}.after_seconds", minimum=0.0)),
        )
        if "after_seconds" in f
        else _distribution(f["delay"], f"{path}.delay")
    )
    p = _share(f["probability"], f"{path}.probability")
    return _build(path, lambda: Redial(probability=p, delay=delay))


def _surge(raw: object, path: str, clock: _Clock) -> Surge:
    f = _fields(raw, path, required=("multiplier", "from"), optional=("until", "queues"))
    first = _date_or_datetime(f["from"], f"{path}.from", clock, end=False)
    last = (
        _date_or_datetime(f["until"], f"{path}.until", clock, end=True)
        if "until" in f
        else math.inf
    )
    queues = tuple(
        _text(q, f"{path}.queues[{i}]")
        for i, q in enumerate(_list(f.get("queues", []), f"{path}.queues"))
    )
    return _build(
        path,
        lambda: Surge(
            multiplier=_number(f["multiplier"], f"{path}.multiplier", minimum=0.0),
            start_seconds=first,
            end_seconds=last,
            queues=queues,
        ),
    )


def _group(raw: object, path: str, clock: _Clock) -> AgentGroup:
    f = _fields(
        raw,
        path,
        required=("name", "skills"),
        optional=("staffing", "schedule", "handle_time_factor", "chat_concurrency"),
    )
    skills = tuple(
        _skill(s, f"{path}.skills[{i}]", i + 1) for i, s in enumerate(_list(f["skills"], path))
    )
    if ("staffing" in f) == ("schedule" in f):
        raise ScenarioError(path, "give either staffing (agents per interval) or schedule")
    staffing: RequirementStaffing | tuple[ScheduledAgent, ...]
    if "staffing" in f:
        staffing = _requirement(f["staffing"], f"{path}.staffing")
    else:
        staffing = tuple(
            _agent(a, f"{path}.schedule[{i}]", clock)
            for i, a in enumerate(_list(f["schedule"], f"{path}.schedule"))
        )
    return _build(
        path,
        lambda: AgentGroup(
            name=_text(f["name"], f"{path}.name"),
            skills=skills,
            staffing=staffing,
            handle_time_factor=_number(
                f.get("handle_time_factor", 1.0), f"{path}.handle_time_factor"
            ),
            chat_concurrency=int(
                _whole(f.get("chat_concurrency", 1), f"{path}.chat_concurrency", minimum=1)
            ),
        ),
    )


def _skill(raw: object, path: str, default_priority: int) -> Skill:
    if isinstance(raw, str):
        return Skill(queue=raw, priority=default_priority)
    f = _fields(raw, path, required=("queue",), optional=("priority",))
    return Skill(
        queue=_text(f["queue"], f"{path}.queue"),
        priority=int(_whole(f.get("priority", default_priority), f"{path}.priority", minimum=0)),
    )


def _requirement(raw: object, path: str) -> RequirementStaffing:
    f = _fields(raw, path, required=(), optional=("per_interval", "agents"))
    if ("per_interval" in f) == ("agents" in f):
        raise ScenarioError(path, "give either per_interval (a list) or agents (a constant)")
    if "agents" in f:
        return RequirementStaffing([_whole(f["agents"], f"{path}.agents", minimum=0)])
    values = [
        _whole(v, f"{path}.per_interval[{i}]", minimum=0)
        for i, v in enumerate(_list(f["per_interval"], f"{path}.per_interval"))
    ]
    return _build(path, lambda: RequirementStaffing(values))


def _agent(raw: object, path: str, clock: _Clock) -> ScheduledAgent:
    f = _fields(raw, path, required=("name", "shifts"), optional=())
    shifts = tuple(
        _shift(s, f"{path}.shifts[{i}]", clock)
        for i, s in enumerate(_list(f["shifts"], f"{path}.shifts"))
    )
    return ScheduledAgent(name=_text(f["name"], f"{path}.name"), shifts=shifts)


def _shift(raw: object, path: str, clock: _Clock) -> Shift:
    f = _fields(raw, path, required=("start", "end"), optional=("date", "breaks"))
    day = _date(f["date"], f"{path}.date") if "date" in f else clock.start.date()
    start = clock.at(day, _clock_time(f["start"], f"{path}.start"))
    end = clock.at(day, _clock_time(f["end"], f"{path}.end"))
    if end <= start:  # a night shift ends the next day
        end += 86400.0
    breaks = []
    for i, b in enumerate(_list(f.get("breaks", []), f"{path}.breaks")):
        bf = _fields(b, f"{path}.breaks[{i}]", required=("start", "minutes"), optional=())
        at = clock.at(day, _clock_time(bf["start"], f"{path}.breaks[{i}].start"))
        if at < start:
            at += 86400.0
        minutes = _number(bf["minutes"], f"{path}.breaks[{i}].minutes", minimum=0.0, strict=True)
        breaks.append(Break(start_seconds=at, duration_seconds=minutes * 60.0))
    return _build(path, lambda: Shift(start_seconds=start, end_seconds=end, breaks=tuple(breaks)))


# --- small checked readers --------------------------------------------------------------------


_B = TypeVar("_B")


def _build(path: str, make: Callable[[], _B]) -> _B:
    try:
        return make()
    except ScenarioError as exc:
        if exc.path.startswith(path):
            raise
        raise exc.under(path) from None


def _fields(
    raw: object, path: str, *, required: Sequence[str], optional: Sequence[str]
) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ScenarioError(path, f"must be a mapping of fields, got {_shown(raw)}")
    known = (*required, *optional)
    for key in raw:
        if key not in known:
            raise ScenarioError(
                _join(path, str(key)), f"unknown field; expected one of {', '.join(known)}"
            )
    for key in required:
        if key not in raw:
            raise ScenarioError(_join(path, key), "is required")
    return dict(raw)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _shown(value: object) -> str:
    return f"{type(value).__name__} {value!r}" if value is not None else "nothing"


def _list(raw: object, path: str) -> list[Any]:
    if not isinstance(raw, list):
        raise ScenarioError(path, f"must be a list, got {_shown(raw)}")
    return raw


def _text(raw: object, path: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ScenarioError(path, f"must be a non-empty text, got {_shown(raw)}")
    return raw


def _number(raw: object, path: str, *, minimum: float | None = None, strict: bool = False) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ScenarioError(path, f"must be a number, got {_shown(raw)}")
    value = float(raw)
    if not math.isfinite(value):
        raise ScenarioError(path, f"must be finite, got {value!r}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        raise ScenarioError(path, f"must be {'>' if strict else '>='} {minimum:g}, got {value:g}")
    return value


def _whole(raw: object, path: str, *, minimum: int) -> float:
    value = _number(raw, path, minimum=minimum)
    if value != int(value):
        raise ScenarioError(path, f"must be a whole number, got {value:g}")
    return value


def _share(raw: object, path: str) -> float:
    if isinstance(raw, str) and raw.strip().endswith("%"):
        try:
            value = float(raw.strip()[:-1]) / 100.0
        except ValueError:
            raise ScenarioError(path, f"must be a share like 30% or 0.3, got {raw!r}") from None
    else:
        value = _number(raw, path)
    if not 0.0 <= value <= 1.0:
        raise ScenarioError(path, f"must be from 0 to 1 (or 0% to 100%), got {raw!r}")
    return value


def _choice(raw: object, path: str, options: Sequence[str]) -> str:
    if raw not in options:
        raise ScenarioError(path, f"must be one of {', '.join(options)}, got {_shown(raw)}")
    return str(raw)


def _datetime(raw: object, path: str) -> datetime:
    text = _text(raw, path)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ScenarioError(
            path, f"must be a timestamp like 2020-03-16T08:00:00+01:00, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise ScenarioError(path, f"needs a UTC offset (e.g. +01:00), got {text!r}")
    return moment


def _date(raw: object, path: str) -> date:
    text = _text(raw, path)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(path, f"must be a date like 2020-03-16, got {text!r}") from None


def _date_or_datetime(raw: object, path: str, clock: _Clock, *, end: bool) -> float:
    """A date means its whole day: ``from`` its midnight, ``until`` the next midnight."""
    text = _text(raw, path)
    if "T" in text:
        return clock.seconds(_datetime(text, path))
    day = _date(text, path) + (timedelta(days=1) if end else timedelta())
    return clock.at(day, time())


_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?\s*$")


def _clock_time(raw: object, path: str) -> time:
    text = _text(raw, path)
    match = _CLOCK.match(text)
    if not match:
        raise ScenarioError(path, f"must be a clock time like 08:30, got {text!r}")
    return time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
