"""Writers on the embedded SQLite database wait for each other instead of failing.

SQLite in WAL mode lets a transaction read from a snapshot and only take the write lock at its
first write; when another writer committed in between, the write is refused at once
(SQLITE_BUSY_SNAPSHOT) and the busy timeout cannot help. A use case that reads, then writes
(a live event: look up the queue, insert the contact) asks for ``writes=True`` and so takes the
lock up front (``BEGIN IMMEDIATE``): a second writer waits its turn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bezetting.core.errors import ConflictError
from bezetting.store import create_engine_for_url, make_session_factory, transaction


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine_for_url(f"sqlite:///{tmp_path / 'race.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE tally (id INTEGER PRIMARY KEY, n INTEGER)")
        connection.exec_driver_sql("INSERT INTO tally (id, n) VALUES (1, 0)")
    yield engine
    engine.dispose()


def _race(engine: Engine, *, writes: bool) -> list[BaseException]:
    """A reads, lets B start, then writes; B reads and writes meanwhile. Errors per thread."""
    sessions = make_session_factory(engine)
    a_has_read = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction(sessions, writes=writes) as session:
                n = session.execute(text("SELECT n FROM tally WHERE id = 1")).scalar_one()
                a_has_read.set()
                threading.Event().wait(0.3)  # B gets going while A holds its snapshot
                session.execute(text("UPDATE tally SET n = :n WHERE id = 1"), {"n": n + 1})
        except BaseException as exc:
            errors.append(exc)
        finally:
            a_has_read.set()

    def second() -> None:
        a_has_read.wait()
        try:
            with transaction(sessions, writes=writes) as session:
                n = session.execute(text("SELECT n FROM tally WHERE id = 1")).scalar_one()
                session.execute(text("UPDATE tally SET n = :n WHERE id = 1"), {"n": n + 1})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_writers_that_read_first_both_succeed_and_no_increment_is_lost(
    sqlite_engine: Engine,
) -> None:
    assert _race(sqlite_engine, writes=True) == []
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT n FROM tally").scalar_one() == 2


def test_without_taking_the_lock_up_front_the_later_writer_is_told_to_retry(
    sqlite_engine: Engine,
) -> None:
    """Why ``writes=True`` exists: a read-only start turns the same race into a conflict."""
    errors = _race(sqlite_engine, writes=False)
    assert len(errors) == 1
    assert isinstance(errors[0], ConflictError)
