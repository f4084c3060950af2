"""Column types: timezone-aware UTC datetimes on every engine, enums stored by value.

SQLite has no time-zone type: :class:`UTCDateTime` stores UTC there without an offset and
hands back aware UTC datetimes, so code above the store sees the same values on SQLite and
PostgreSQL. A naive datetime is refused before it reaches the database: it is a bug, not data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum
from sqlalchemy.types import TypeDecorator

__all__ = ["UTCDateTime", "enum_column_type"]


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that accepts only aware datetimes and returns aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
        if value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} refused: give a timezone-aware datetime "
                "(bezetting stores UTC)"
            )
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column_type(enum: type[StrEnum], *, name: str) -> Enum:
    """A portable enum column: VARCHAR holding the member's value, with a CHECK constraint."""

    def values(members: Any) -> list[str]:
        return [member.value for member in members]

    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum),
        values_callable=values,
        validate_strings=True,
    )
