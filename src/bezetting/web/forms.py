"""Reading the fields of a posted form: a day, a time, a whole number in a range, an id.

A bad field raises :class:`~bezetting.web.error_text.FormError`, which names the field and the
valid values in the page's language (the page shows it next to the form, the API never sees it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import TypeVar

from bezetting.web.error_text import FormError
from bezetting.web.i18n import _n
from bezetting.web.session import FormData

__all__ = ["form_day", "form_id", "form_time", "form_whole"]

_ID_MAX = 2**31 - 1
T = TypeVar("T")


def _parsed(form: FormData, field: str, parse: Callable[[str], T], text: str) -> T:
    raw = form.get(field, "").strip()
    try:
        return parse(raw)
    except ValueError:
        raise FormError(text, field=field, value=raw) from None


def form_day(form: FormData, field: str) -> date:
    """The local day in ``field`` (``YYYY-MM-DD``, as a date input sends it)."""
    return _parsed(
        form, field, date.fromisoformat, _n("%(field)s: %(value)r is not a date (YYYY-MM-DD)")
    )


def form_whole(form: FormData, field: str, *, low: int, high: int, default: int) -> int:
    """The whole number in ``field`` from ``low`` to ``high``; ``default`` when left empty."""
    raw = form.get(field, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise FormError(
            _n("%(field)s: %(value)r is not a whole number from %(low)s to %(high)s"),
            field=field,
            value=raw,
            low=low,
            high=high,
        )
    return int(raw)


def form_id(form: FormData, field: str) -> int | None:
    """The record id in ``field``, or None when left empty."""
    raw = form.get(field, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= _ID_MAX:
        raise FormError(
            _n("%(field)s: %(value)r is not an id (a whole number from 1)"), field=field, value=raw
        )
    return int(raw)


def form_time(form: FormData, field: str) -> time:
    """The local time of day in ``field`` (``HH:MM``, as a time input sends it)."""
    return _parsed(
        form, field, time.fromisoformat, _n("%(field)s: %(value)r is not a time of day (HH:MM)")
    )
