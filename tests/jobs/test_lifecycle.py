"""The transitions every runner shares, driven directly on an in-memory store."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bezetting.jobs import JSON, InMemoryJobStatusStore, JobRegistry, JobState, ProgressReporter
from bezetting.jobs.lifecycle import WORKER_LOST, create_job, request_cancel, run_job

T0 = datetime(2020, 3, 16, 7, 0, tzinfo=UTC)


def ticking() -> Iterator[datetime]:
    moment = T0
    while True:
        yield moment
        moment += timedelta(seconds=1)


@pytest.fixture
def kinds() -> JobRegistry:
    registry = JobRegistry()

    @registry.job("count")
    def count(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
        calls.append(dict(params))
        progress.report(0.5, "halfway")
        return {"counted": len(calls)}

    calls: list[dict[str, JSON]] = []
    return registry


def test_a_job_runs_once_from_queued_to_succeeded_with_timestamps_from_the_clock(
    kinds: JobRegistry,
) -> None:
    store, clock = InMemoryJobStatusStore(), ticking()
    job = create_job(store, kinds, "count", {"n": 1}, now=next(clock))
    assert (job.state, job.message, job.created_at) == (JobState.QUEUED, "queued", T0)

    final = run_job(job.id, store=store, registry=kinds, clock=lambda: next(clock))
    assert final.state is JobState.SUCCEEDED
    assert final.result == {"counted": 1}
    assert final.started_at == T0 + timedelta(seconds=1)
    assert final.finished_at is not None
    assert final.finished_at > final.started_at
    # Running the finished job's message again does nothing.
    assert run_job(job.id, store=store, registry=kinds) == final


def test_a_message_delivered_again_for_a_running_job_marks_it_lost_not_run_twice(
    kinds: JobRegistry,
) -> None:
    store = InMemoryJobStatusStore()
    job = create_job(store, kinds, "count", {}, now=T0)
    # A worker started it, then died without a word.
    store.save(replace(store.get(job.id), state=JobState.RUNNING, started_at=T0))

    final = run_job(job.id, store=store, registry=kinds)
    assert final.state is JobState.FAILED
    assert final.error is not None
    assert final.error.code == WORKER_LOST
    assert "submit it again" in final.error.message


def test_a_kind_missing_on_the_worker_fails_the_job(kinds: JobRegistry) -> None:
    store = InMemoryJobStatusStore()
    job = create_job(store, kinds, "count", {}, now=T0)
    final = run_job(job.id, store=store, registry=JobRegistry())
    assert final.state is JobState.FAILED
    assert final.error is not None
    assert final.error.code == "unknown_job_kind"


def test_a_cancel_of_a_queued_job_ends_it_and_running_it_later_does_nothing(
    kinds: JobRegistry,
) -> None:
    store = InMemoryJobStatusStore()
    job = create_job(store, kinds, "count", {}, now=T0)
    cancelled = request_cancel(store, job.id, now=T0)
    assert cancelled.state is JobState.CANCELLED
    assert cancelled.message == "cancelled before it started"
    assert run_job(job.id, store=store, registry=kinds) == cancelled


def test_interrupting_a_job_records_it_before_the_process_stops() -> None:
    kinds = JobRegistry()

    @kinds.job("interrupted")
    def interrupted(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
        raise KeyboardInterrupt

    store = InMemoryJobStatusStore()
    job = create_job(store, kinds, "interrupted", {}, now=T0)
    with pytest.raises(KeyboardInterrupt):
        run_job(job.id, store=store, registry=kinds)
    after = store.get(job.id)
    assert after.state is JobState.FAILED
    assert after.error is not None
    assert after.error.code == WORKER_LOST
