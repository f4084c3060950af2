"""The declarative base: one metadata with named constraints, UTC datetimes by default."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, Integer, MetaData, Time
from sqlalchemy.orm import DeclarativeBase

from bezetting.store.types import UTCDateTime

__all__ = ["BIG_ID", "Base"]

# Named constraints keep migrations stable across engines (and let SQLite batch-alter them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BIG_ID = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit key on PostgreSQL; SQLite's INTEGER PRIMARY KEY (the rowid) is already 64-bit."""


class Base(DeclarativeBase):
    """Every table of bezetting."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads this class attribute)
        datetime: UTCDateTime(),
        date: Date(),
        time: Time(),
        dict[str, Any]: JSON(),
    }
