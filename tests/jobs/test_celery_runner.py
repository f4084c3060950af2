"""What only the Celery runner has: a broker that can be down, and late acknowledgement."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis

from bezetting.core.errors import InputError
from bezetting.jobs import (
    BrokerUnavailableError,
    InMemoryJobStatusStore,
    JobState,
    UnknownJobError,
    registry,
)
from bezetting.jobs.celery_runner import RUN_JOB_TASK, CeleryRunner
from bezetting.jobs.lifecycle import create_job
from bezetting.jobs.redis_store import RedisJobStatusStore


@pytest.fixture
def store(redis_url: str) -> Iterator[RedisJobStatusStore]:
    prefix = f"bezetting-test-celery-{uuid.uuid4().hex[:12]}:"
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        yield RedisJobStatusStore(client, key_prefix=prefix)
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


def test_a_job_the_broker_cannot_take_is_failed_and_the_caller_told(
    store: RedisJobStatusStore,
) -> None:
    # Nothing listens on port 1: the broker is down, the status store is up.
    runner = CeleryRunner("redis://127.0.0.1:1/0", store=store)
    try:
        with pytest.raises(BrokerUnavailableError, match="could not queue the job") as caught:
            runner.submit("staffing", {"intervals": []})
    finally:
        runner.close()
    assert caught.value.code == "broker_unavailable"
    (status,) = store.recent()
    assert status.state is JobState.FAILED
    assert status.error is not None
    assert status.error.code == "broker_unavailable"


def test_a_broker_other_than_redis_needs_a_status_store_given() -> None:
    with pytest.raises(InputError, match="needs a Redis URL"):
        CeleryRunner("amqp://guest:guest@127.0.0.1:5672//")


def test_messages_are_acknowledged_when_the_job_ends_one_at_a_time(
    store: RedisJobStatusStore,
) -> None:
    runner = CeleryRunner("redis://127.0.0.1:6379/0", store=store, queue="planning")
    try:
        conf = runner.app.conf
        assert conf.task_acks_late is True
        assert conf.task_reject_on_worker_lost is True
        assert conf.worker_prefetch_multiplier == 1
        # Longer than any job, or a running job's message would be handed out again.
        assert conf.broker_transport_options["visibility_timeout"] >= 12 * 3600
        assert conf.task_default_queue == "planning"
        assert RUN_JOB_TASK in runner.app.tasks
    finally:
        runner.close()


def test_each_runner_s_task_runs_jobs_on_its_own_store() -> None:
    first_store, second_store = InMemoryJobStatusStore(), InMemoryJobStatusStore()
    first = CeleryRunner("redis://127.0.0.1:6379/0", store=first_store)
    second = CeleryRunner("redis://127.0.0.1:6379/0", store=second_store)
    job = create_job(
        second_store, registry, "test-echo", {"x": 1}, now=datetime(2020, 3, 16, tzinfo=UTC)
    )
    try:
        # The worker's call, made here directly: the first runner's store knows no such job.
        with pytest.raises(UnknownJobError):
            first.app.tasks[RUN_JOB_TASK].run(job.id)
    finally:
        first.close()
    assert second_store.get(job.id).state is JobState.QUEUED
    try:
        second.app.tasks[RUN_JOB_TASK].run(job.id)
    finally:
        second.close()
    assert second_store.get(job.id).state is JobState.SUCCEEDED
    assert second_store.get(job.id).result == {"x": 1}
