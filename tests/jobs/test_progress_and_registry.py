"""Progress reports are throttled and carry cancellation; kinds are registered by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bezetting.core.errors import InputError
from bezetting.jobs import (
    JSON,
    InMemoryJobStatusStore,
    JobCancelledError,
    JobRegistry,
    JobState,
    JobStatus,
    ProgressReporter,
    SilentProgress,
    StoreProgressReporter,
    UnknownJobKindError,
    registry,
)

T0 = datetime(2020, 3, 16, 7, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.seconds = 100.0

    def __call__(self) -> float:
        return self.seconds


def running_job(store: InMemoryJobStatusStore) -> None:
    store.create(
        JobStatus(id="j", kind="k", state=JobState.QUEUED, created_at=T0, updated_at=T0), {}
    )
    store.save(replace(store.get("j"), state=JobState.RUNNING, started_at=T0))


def reporter(store: InMemoryJobStatusStore, clock: FakeClock) -> StoreProgressReporter:
    return StoreProgressReporter(
        store, "j", clock=lambda: T0, min_interval_seconds=0.5, monotonic=clock
    )


def test_reports_within_the_interval_are_held_back_except_the_last_one() -> None:
    store, clock = InMemoryJobStatusStore(), FakeClock()
    running_job(store)
    progress = reporter(store, clock)

    progress.report(0.1, "first")  # the first report is written at once
    assert (store.get("j").progress, store.get("j").message) == (0.1, "first")
    clock.seconds += 0.2
    progress.report(0.2, "second")  # too soon: held
    assert store.get("j").progress == 0.1
    clock.seconds += 0.4
    progress.report(0.3, "third")  # 0.6 s after the last write
    assert (store.get("j").progress, store.get("j").message) == (0.3, "third")
    clock.seconds += 0.1
    progress.report(1.0, "done")  # completion is always written
    assert store.get("j").progress == 1.0


def test_a_cancel_request_raises_at_the_next_report_or_check() -> None:
    store, clock = InMemoryJobStatusStore(), FakeClock()
    running_job(store)
    progress = reporter(store, clock)
    progress.report(0.1)
    store.save(replace(store.get("j"), cancel_requested=True))

    progress.check_cancelled()  # within the interval: no read yet
    clock.seconds += 1.0
    with pytest.raises(JobCancelledError):
        progress.check_cancelled()
    clock.seconds += 1.0
    with pytest.raises(JobCancelledError):
        progress.report(0.2)


@pytest.mark.parametrize("fraction", [-0.1, 1.5, float("nan")])
def test_a_fraction_outside_zero_to_one_is_an_input_error(fraction: float) -> None:
    with pytest.raises(InputError, match="from 0 to 1"):
        SilentProgress().report(fraction)
    store, clock = InMemoryJobStatusStore(), FakeClock()
    running_job(store)
    with pytest.raises(InputError, match="from 0 to 1"):
        reporter(store, clock).report(fraction)


def kind_a(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    """Does A.

    More words.
    """
    return None


def kind_b(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    return None


def test_a_registry_finds_kinds_by_name_with_their_summary() -> None:
    kinds = JobRegistry()
    assert kinds.job("a")(kind_a) is kind_a
    kinds.job("b")(kind_b)
    assert [(k.name, k.summary) for k in kinds.kinds()] == [("a", "Does A."), ("b", "")]
    assert kinds.get("a").function is kind_a
    assert "a" in kinds
    assert "c" not in kinds


def test_a_name_taken_by_another_function_is_refused_but_registering_again_is_fine() -> None:
    kinds = JobRegistry()
    kinds.job("a")(kind_a)
    kinds.job("a")(kind_a)
    with pytest.raises(InputError, match=r"'a' is taken by .*kind_a"):
        kinds.job("a")(kind_b)


@pytest.mark.parametrize("name", ["", " ", " a"])
def test_a_kind_needs_a_clean_name(name: str) -> None:
    with pytest.raises(InputError, match="needs a name"):
        JobRegistry().job(name)


def test_an_unknown_kind_lists_the_registered_ones() -> None:
    kinds = JobRegistry()
    kinds.job("b")(kind_b)
    kinds.job("a")(kind_a)
    with pytest.raises(UnknownJobKindError, match="no job kind 'c'; registered kinds: a, b"):
        kinds.get("c")


def test_the_default_registry_holds_the_staffing_kind() -> None:
    assert "staffing" in registry
    assert registry.get("staffing").summary.startswith("Agents needed per interval")
