"""Parsing one cell: each parser returns a typed value or raises ``ValueError`` with the reason.

Dates and times are read by the one rule of :mod:`bezetting.core.dates` (ISO or Dutch
day-month-year, with or without a time), as every command-line option reads them. Times
without an offset are read in the given zone; a local time that does not exist (the hour
skipped when clocks go forward) or exists twice (the hour repeated when they go back) is
refused, because guessing would shift a contact by an hour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from bezetting.core.dates import localise, parse_date, parse_datetime

__all__ = [
    "day_end",
    "localise",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_enum",
    "parse_float",
    "parse_int",
    "parse_local_time",
    "zone_of",
]

E = TypeVar("E", bound=StrEnum)

_TRUE = frozenset({"1", "true", "yes", "y", "ja", "j", "waar", "x"})
_FALSE = frozenset({"0", "false", "no", "n", "nee", "onwaar", ""})


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone called ``name`` (``Europe/Amsterdam``)."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name like Europe/Amsterdam"
        ) from None


def parse_local_time(text: str) -> time | None:
    """``08:15`` or ``8:15:00`` -> a time; ``24:00`` -> None, meaning the end of the day."""
    raw = text.strip()
    if raw in ("24:00", "24:00:00"):
        return None
    try:
        return time.fromisoformat(raw if len(raw.split(":")[0]) == 2 else f"0{raw}")
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day; write HH:MM, e.g. 08:15") from None


def parse_bool(text: str) -> bool:
    """yes/no, true/false, 1/0, ja/nee, x (ticked) -> bool; blank is no."""
    raw = text.strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes or no; write yes/no, ja/nee, true/false or 1/0")


def parse_float(text: str, *, minimum: float | None = None) -> float:
    """A number; a decimal comma (``7,5``) is accepted when there is no dot."""
    raw = text.strip()
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    if minimum is not None and value < minimum:
        raise ValueError(f"{text!r} is below the minimum {minimum:g}")
    return value


def parse_int(text: str, *, minimum: int, maximum: int) -> int:
    """A whole number from ``minimum`` to ``maximum``."""
    raw = text.strip()
    try:
        value = int(raw[:-2] if raw.endswith(".0") else raw)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None
    if not minimum <= value <= maximum:
        raise ValueError(f"{value} is outside {minimum}..{maximum}")
    return value


def parse_enum(text: str, enum: type[E], *, aliases: Mapping[str, E] | None = None) -> E:
    """A member of ``enum`` by value (case-insensitive), or by one of ``aliases``."""
    raw = text.strip().lower().replace(" ", "_").replace("-", "_")
    if aliases and raw in aliases:
        return aliases[raw]
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        if aliases:
            # The file may use either word: name the accepted aliases too (Dutch ones, say).
            also = ", ".join(sorted(a for a in aliases if a not in {m.value for m in enum}))
            allowed += f" (or {also})" if also else ""
        raise ValueError(f"{text!r} is not one of {allowed}") from None


def day_end(day: date, end: time | None) -> datetime:
    """The naive end of a window on ``day``: ``end`` that day, or midnight after it (24:00)."""
    if end is None:
        return datetime.combine(day + timedelta(days=1), time())
    return datetime.combine(day, end)
