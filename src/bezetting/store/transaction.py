"""One transaction per use case, with the database's refusals turned into bezetting errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bezetting.core.errors import ConflictError
from bezetting.store.engine import BEGIN_FOR_WRITING, SessionFactory

__all__ = ["transaction"]

_TABLE = re.compile(r"on table '(\w+)'")


@contextmanager
def transaction(sessions: SessionFactory, *, writes: bool = False) -> Iterator[Session]:
    """Open a session, begin, yield; commit on success, roll back on any error.

    ``writes``: the use case writes. Every one that does passes it (the API and page tests
    fail a write made without it). On SQLite the transaction then takes the write lock from
    the start, so concurrent writers queue up instead of the later one being refused; a
    read-only use case leaves it off and never waits for a writer. PostgreSQL needs nothing.

    Raises:
        ConflictError: a row was changed by someone else since it was read (stale version),
            a concurrent write made this one break a uniqueness rule, or (SQLite) a concurrent
            writer holds or has just changed the data.
    """
    with sessions() as session:
        try:
            with session.begin():
                if writes:
                    session.connection(execution_options={BEGIN_FOR_WRITING: True})
                yield session
        except StaleDataError as exc:
            match = _TABLE.search(str(exc))
            what = match.group(1).rstrip("s") if match else "record"
            raise ConflictError(
                f"this {what} was changed by someone else since it was read; reload it and "
                "apply your change again"
            ) from exc
        except OperationalError as exc:
            # SQLite refuses a write from a transaction whose snapshot a concurrent commit has
            # made stale (or that waited past the busy timeout): a conflict, not a crash.
            if session.bind is None or session.get_bind().dialect.name != "sqlite":
                raise
            if "locked" not in str(exc.orig) and "busy" not in str(exc.orig).lower():
                raise
            raise ConflictError(
                "another process wrote to the same data at the same time; reload and apply "
                "your change again"
            ) from exc
        except IntegrityError as exc:
            raise ConflictError(
                "the database refused the change because it clashes with a stored record "
                f"(often a concurrent write): {_first_line(exc.orig)}"
            ) from exc


def _first_line(error: BaseException | None) -> str:
    return str(error).strip().splitlines()[0] if error is not None else "unknown reason"
