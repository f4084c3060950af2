"""One contract for every job status store: in memory, in Redis, in the database."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from bezetting.core.errors import ConflictError
from bezetting.jobs import (
    InMemoryJobStatusStore,
    JobState,
    JobStatus,
    JobStatusStore,
    UnknownJobError,
    change_status,
)
from bezetting.jobs.redis_store import RedisJobStatusStore
from bezetting.jobs.sql_store import SqlJobStatusStore
from bezetting.services.organisations import create_organisation
from bezetting.store.engine import SessionFactory, create_engine_for_url, make_session_factory
from bezetting.store.migrate import upgrade

T0 = datetime(2020, 3, 16, 7, 0, tzinfo=UTC)


def queued(job_id: str, *, minutes: int = 0) -> JobStatus:
    at = T0 + timedelta(minutes=minutes)
    return JobStatus(
        id=job_id, kind="staffing", state=JobState.QUEUED, created_at=at, updated_at=at
    )


@pytest.fixture
def redis_store(redis_url: str) -> Iterator[RedisJobStatusStore]:
    prefix = f"bezetting-test-store-{uuid.uuid4().hex[:12]}:"
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        yield RedisJobStatusStore(client, key_prefix=prefix, ttl_seconds=3600)
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


@pytest.fixture
def sqlite_sessions(tmp_path: Path) -> Iterator[SessionFactory]:
    """A migrated SQLite database of the application's own schema (its ``jobs`` table)."""
    engine = create_engine_for_url(f"sqlite:///{tmp_path / 'bezetting.db'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    for code in ("one", "two"):  # organisations 1 and 2, owners of jobs in the tests below
        create_organisation(sessions, code, name=code, now=T0)
    yield sessions
    engine.dispose()


@pytest.fixture(params=["memory", "redis", "sql"])
def store(request: pytest.FixtureRequest) -> JobStatusStore:
    if request.param == "memory":
        return InMemoryJobStatusStore()
    if request.param == "sql":
        return SqlJobStatusStore(request.getfixturevalue("sqlite_sessions"))
    return request.getfixturevalue("redis_store")  # type: ignore[no-any-return]


def test_a_created_job_reads_back_with_its_params(store: JobStatusStore) -> None:
    store.create(queued("a"), {"intervals": [{"volume": 3}], "name": "caf\u00e9"})
    assert store.get("a") == queued("a")
    assert store.params("a") == {"intervals": [{"volume": 3}], "name": "caf\u00e9"}


def test_an_id_is_created_once(store: JobStatusStore) -> None:
    store.create(queued("a"), {})
    with pytest.raises(ConflictError, match="exists already"):
        store.create(queued("a"), {})


def test_unknown_ids_are_errors(store: JobStatusStore) -> None:
    with pytest.raises(UnknownJobError):
        store.get("nope")
    with pytest.raises(UnknownJobError):
        store.params("nope")
    with pytest.raises(UnknownJobError):
        store.save(queued("nope"))


def test_a_save_bumps_the_version_and_a_stale_save_is_a_conflict(store: JobStatusStore) -> None:
    store.create(queued("a"), {})
    first = store.save(replace(store.get("a"), message="one"))
    assert first.version == 1
    assert store.get("a") == first
    stale = replace(first, version=0, message="stale")
    with pytest.raises(ConflictError, match="stale"):
        store.save(stale)
    assert store.get("a").message == "one"


def test_recent_lists_newest_first_up_to_the_limit(store: JobStatusStore) -> None:
    for i in range(5):
        store.create(queued(f"job{i}", minutes=i), {})
    assert [s.id for s in store.recent(limit=3)] == ["job4", "job3", "job2"]
    assert store.recent(limit=0) == []


def test_concurrent_changes_are_never_lost(store: JobStatusStore) -> None:
    # Eight writers each add 1 to a counter kept in the message, 25 times, racing each other.
    store.create(queued("a"), {})
    store.save(replace(store.get("a"), message="0"))

    def add_one(status: JobStatus) -> JobStatus:
        return replace(status, message=str(int(status.message) + 1))

    def writer() -> None:
        for _ in range(25):
            change_status(store, "a", add_one, attempts=1000)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = store.get("a")
    assert final.message == "200"
    assert final.version == 201


def test_a_change_that_returns_none_saves_nothing(store: JobStatusStore) -> None:
    store.create(queued("a"), {})
    assert change_status(store, "a", lambda s: None) == store.get("a")
    assert store.get("a").version == 0


def test_redis_keys_expire_after_the_ttl_and_expired_jobs_leave_the_list(
    redis_store: RedisJobStatusStore, redis_url: str
) -> None:
    redis_store.create(queued("a"), {})
    redis_store.create(queued("b", minutes=1), {})
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        key = f"{redis_store.key_prefix}job:a"
        assert 3500 < client.ttl(key) <= 3600
        client.delete(key)  # as if it expired
    finally:
        client.close()
    assert [s.id for s in redis_store.recent()] == ["b"]
    with pytest.raises(UnknownJobError, match="expired"):
        redis_store.get("a")


def test_the_redis_store_wants_a_redis_url() -> None:
    with pytest.raises(ValueError, match="needs a Redis URL"):
        RedisJobStatusStore.from_url("amqp://guest@localhost//")


def owned(job_id: str, organisation_id: int | None, *, minutes: int = 0) -> JobStatus:
    return replace(queued(job_id, minutes=minutes), organisation_id=organisation_id)


def test_a_job_keeps_its_owner_through_every_change(store: JobStatusStore) -> None:
    store.create(owned("a", 2), {})
    change_status(store, "a", lambda s: replace(s, state=JobState.RUNNING, progress=0.5))
    assert store.get("a").organisation_id == 2
    assert store.get("a").state is JobState.RUNNING


def test_recent_of_one_organisation_lists_only_its_jobs_newest_first(
    store: JobStatusStore,
) -> None:
    store.create(owned("mine-old", 1, minutes=0), {})
    store.create(owned("theirs", 2, minutes=1), {})
    store.create(owned("cli", None, minutes=2), {})
    store.create(owned("mine-new", 1, minutes=3), {})
    assert [s.id for s in store.recent(organisation_id=1)] == ["mine-new", "mine-old"]
    assert [s.id for s in store.recent(organisation_id=2)] == ["theirs"]
    assert [s.id for s in store.recent()] == ["mine-new", "cli", "theirs", "mine-old"]
    assert [s.id for s in store.recent(limit=1, organisation_id=1)] == ["mine-new"]
