"""Dates and times as people type them: one reading rule for every option and cell.

Accepted, and nothing else (so a value is never read two ways):

- a day: ISO ``2020-03-16`` or Dutch day-month-year ``16-03-2020`` (also ``16/03/2020``,
  ``16.3.2020``);
- a moment: either day, then ``T`` or a space and ``HH:MM`` or ``HH:MM:SS`` (fractions of a
  second allowed), then optionally a UTC offset (``+01:00``, ``+0100``, ``Z``). Dutch Excel
  writes ``17-03-2020 08:00``; a system export ``2020-03-17T08:00:00+01:00``.

Refused with the accepted forms named: two-digit years (``16-03-20``: which century, and
which part is the year?), month-first dates (``03/16/2020``), and anything else. A moment
without an offset is a wall-clock time in the given zone; one that the clock skips or repeats
at a DST change is refused, because guessing would move it by an hour.

Example::

    >>> parse_date("16-03-2020")
    datetime.date(2020, 3, 16)
    >>> parse_datetime("17-03-2020 08:00", zone=ZoneInfo("Europe/Amsterdam")).isoformat()
    '2020-03-17T07:00:00+00:00'
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bezetting.core.errors import InputError

__all__ = [
    "DATETIME_FORMS",
    "DATE_FORMS",
    "DateInputError",
    "localise",
    "parse_date",
    "parse_datetime",
    "parse_wall_clock",
]

DATE_FORMS = "2020-03-16 or 16-03-2020 (day-month-year)"
"""The accepted day forms, as error messages name them."""

DATETIME_FORMS = "2020-03-16T08:15:00+01:00, 2020-03-16 08:15 or 16-03-2020 08:15"
"""The accepted moment forms, as error messages name them."""

_ISO_DAY = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
_DUTCH_DAY = r"(?P<dday>\d{1,2})(?P<sep>[-/.])(?P<dmonth>\d{1,2})(?P=sep)(?P<dyear>\d{4})"
_CLOCK = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?"
_OFFSET = r"(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)"
_DAY = re.compile(rf"^(?:{_ISO_DAY}|{_DUTCH_DAY})$")
_MOMENT = re.compile(rf"^(?:{_ISO_DAY}|{_DUTCH_DAY})(?:[Tt ]+{_CLOCK}\s*{_OFFSET}?)?$")


class DateInputError(InputError):
    """A date or time typed in a form that is not accepted (see the module docstring)."""


def parse_date(text: str) -> date:
    """A day, ISO or Dutch day-month-year.

    Raises:
        DateInputError: another form, or no such day; the message names the accepted forms.
    """
    match = _DAY.match(text.strip())
    if match is None:
        raise DateInputError(f"{text!r} is not a date; write {DATE_FORMS}")
    return _day(match, text)


def parse_wall_clock(text: str) -> datetime:
    """A moment as written: naive when it has no UTC offset, aware when it has one; a day
    alone is its midnight.

    Raises:
        DateInputError: not one of the accepted forms, or no such day or time.
    """
    match = _MOMENT.match(text.strip())
    if match is None:
        raise DateInputError(f"{text!r} is not a date and time; write {DATETIME_FORMS}")
    day = _day(match, text)
    fraction = (match["fraction"] or "").ljust(6, "0")
    try:
        moment = datetime(
            day.year,
            day.month,
            day.day,
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["second"] or 0),
            int(fraction),
        )
    except ValueError:
        raise DateInputError(f"{text!r} has no such time of day; write {DATETIME_FORMS}") from None
    offset = match["offset"]
    if offset is None:
        return moment
    return moment.replace(tzinfo=_offset(offset, text))


def parse_datetime(text: str, *, zone: ZoneInfo) -> datetime:
    """A moment as an aware UTC datetime; without an offset it is read in ``zone``.

    Raises:
        DateInputError: not an accepted form, or a local time skipped or repeated in ``zone``.
    """
    moment = parse_wall_clock(text)
    if moment.tzinfo is None:
        moment = localise(moment, zone)
    return moment.astimezone(UTC)


def localise(naive: datetime, zone: ZoneInfo) -> datetime:
    """Attach ``zone`` to a wall-clock time, refusing skipped and repeated local times.

    Raises:
        DateInputError: the time does not exist in ``zone``, or exists twice.
    """
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != naive:
            raise DateInputError(
                f"{naive.isoformat(sep=' ')} does not exist in {zone.key} (clocks moved forward)"
            )
        raise DateInputError(
            f"{naive.isoformat(sep=' ')} happens twice in {zone.key} (clocks moved back); "
            "write it with its UTC offset, e.g. +02:00 or +01:00"
        )
    return first


def _day(match: re.Match[str], text: str) -> date:
    if match["year"] is not None:
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    else:
        year, month, day = int(match["dyear"]), int(match["dmonth"]), int(match["dday"])
    try:
        return date(year, month, day)
    except ValueError:
        if match["year"] is None and month > 12 >= day:
            raise DateInputError(
                f"{text!r} is not a date: dates are read day first ({DATE_FORMS}), and "
                f"there is no month {month}"
            ) from None
        raise DateInputError(f"{text!r} is not a date (no such day); write {DATE_FORMS}") from None


def _offset(text: str, original: str) -> timezone:
    if text in ("Z", "z"):
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise DateInputError(f"{original!r} has no valid UTC offset; write e.g. +01:00 or Z")
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
