"""Reading a planning job's JSON params, with errors that name the param and what is valid."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from datetime import date

from bezetting.core.errors import InputError
from bezetting.jobs.status import JSON

__all__ = [
    "check_known",
    "optional_text",
    "params_date",
    "params_flag",
    "params_number",
    "params_whole",
]


def check_known(params: Mapping[str, JSON], known: Collection[str]) -> None:
    """Refuse params this kind does not know (a typo must not be ignored silently)."""
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise InputError(f"unknown params {unknown}; known: {', '.join(sorted(known))}")


def params_whole(
    params: Mapping[str, JSON], name: str, *, low: int, high: int, default: int | None = None
) -> int:
    """A whole number from ``low`` to ``high``; required when ``default`` is None."""
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(
            f"params.{name} must be a whole number from {low} to {high}, got {value!r}"
        )
    return value


def params_number(
    params: Mapping[str, JSON], name: str, *, low: float, high: float, default: float
) -> float:
    """A finite number above ``low`` and at most ``high``."""
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"params.{name} must be a number, got {value!r}")
    number = float(value)
    if not (math.isfinite(number) and low < number <= high):
        raise InputError(f"params.{name} must be above {low:g} and at most {high:g}, got {value!r}")
    return number


def params_date(params: Mapping[str, JSON], name: str) -> date:
    """A required ISO date (``2020-03-16``)."""
    value = params.get(name)
    if not isinstance(value, str):
        raise InputError(f"params.{name} must be a date like '2020-03-16', got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"params.{name} must be a date like '2020-03-16', got {value!r}") from None


def params_flag(params: Mapping[str, JSON], name: str, *, default: bool) -> bool:
    """A true/false param."""
    value = params.get(name, default)
    if not isinstance(value, bool):
        raise InputError(f"params.{name} must be true or false, got {value!r}")
    return value


def optional_text(params: Mapping[str, JSON], name: str, *, max_length: int) -> str | None:
    """A non-empty string of at most ``max_length`` characters, or absent."""
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise InputError(
            f"params.{name} must be a non-empty text of at most {max_length} characters, "
            f"got {value!r}"
        )
    return value.strip()
