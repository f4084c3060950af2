"""One contract, two runners: the in-process thread pool and Celery with a real worker.

Every test here runs against both (see the ``runner`` fixture); each runs one job at a time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pytest

from bezetting.jobs import (
    InvalidJobParamsError,
    JobRunner,
    JobState,
    JobStatus,
    JobWaitTimeoutError,
    UnknownJobError,
    UnknownJobKindError,
)
from tests.jobs.conftest import Gates

WAIT = 20.0


def erlang_c_service_level(agents: int, load: float, aht_seconds: float, t: float) -> float:
    """Independent Erlang C: Erlang B by its recursion, then P(wait) and the service level."""
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    prob_wait = agents * b / (agents - load * (1.0 - b))
    return 1.0 - prob_wait * math.exp(-(agents - load) * t / aht_seconds)


def eventually(
    runner: JobRunner, job_id: str, check: Callable[[JobStatus], bool], *, seconds: float = WAIT
) -> JobStatus:
    deadline = time.monotonic() + seconds
    while True:
        status = runner.status(job_id)
        if check(status):
            return status
        if time.monotonic() > deadline:
            pytest.fail(f"no status met the check within {seconds} s; last: {status}")
        time.sleep(0.01)


def test_a_staffing_job_returns_erlang_c_staffing_and_ends_succeeded(runner: JobRunner) -> None:
    # 100 calls in 30 minutes at 180 s each is 10 Erlang; 80% within 20 s needs 14 agents
    # (13 give 79.6%, 14 give 88.8%: the textbook Erlang C example).
    params = {
        "intervals": [
            {
                "queue": "retail",
                "interval_start": "2020-03-16T08:00:00+01:00",
                "volume": 100,
                "aht_seconds": 180,
            }
        ],
        "interval_seconds": 1800,
        "target": {"service_level": 0.8, "answer_within_seconds": 20},
    }
    job_id = runner.submit("staffing", params)
    final = runner.wait(job_id, timeout_seconds=WAIT)

    assert final.state is JobState.SUCCEEDED
    assert final.done
    assert final.error is None
    assert final.progress == 1.0
    assert isinstance(final.result, dict)
    rows = final.result["rows"]
    assert isinstance(rows, list)
    assert len(rows) == 1
    row = rows[0]
    assert isinstance(row, dict)
    assert row["agents"] == 14
    assert row["service_level"] == pytest.approx(erlang_c_service_level(14, 10.0, 180, 20), 1e-9)
    assert erlang_c_service_level(13, 10.0, 180, 20) < 0.8 <= row["service_level"]
    assert final.started_at is not None
    assert final.finished_at is not None
    assert final.created_at <= final.started_at <= final.finished_at
    assert final.created_at.utcoffset() is not None


def test_progress_and_message_are_visible_while_the_job_runs(
    runner: JobRunner, gates: Gates
) -> None:
    gate = gates.new()
    job_id = runner.submit("test-gate", {"gate": str(gate)})

    running = eventually(runner, job_id, lambda s: s.progress == 0.5)
    assert running.state is JobState.RUNNING
    assert running.message == "waiting for the gate"
    assert running.started_at is not None
    assert running.finished_at is None

    gate.touch()
    final = runner.wait(job_id, timeout_seconds=WAIT)
    assert final.state is JobState.SUCCEEDED
    assert final.result == {"gate": str(gate)}


def test_wait_reports_each_new_status_it_sees(runner: JobRunner, gates: Gates) -> None:
    gate = gates.new()
    job_id = runner.submit("test-gate", {"gate": str(gate)})
    eventually(runner, job_id, lambda s: s.progress == 0.5)
    seen: list[JobStatus] = []

    def record(status: JobStatus) -> None:
        seen.append(status)
        gate.touch()

    final = runner.wait(job_id, timeout_seconds=WAIT, on_change=record)
    assert seen[0].progress == 0.5
    assert seen[-1] == final
    versions = [s.version for s in seen]
    assert versions == sorted(set(versions))


def test_params_arrive_as_sent(runner: JobRunner) -> None:
    params = {
        "name": "Zorgverzekeraar Noord \u2013 spoed, caf\u00e9",
        "n": [1, 2.5, None, True],
        "nested": {"a": {}},
    }
    final = runner.wait(runner.submit("test-echo", params), timeout_seconds=WAIT)
    assert final.result == params


@pytest.mark.parametrize(
    ("how", "code", "words"),
    [
        ("input", "invalid_input", "volume must be >= 0, got -3"),
        ("infeasible", "infeasible", "no staffing meets 99.99% within 0 s"),
        ("bug", "internal_error", "ZeroDivisionError: division by zero"),
    ],
)
def test_an_error_inside_a_job_becomes_a_failed_status_with_its_code(
    runner: JobRunner, how: str, code: str, words: str
) -> None:
    final = runner.wait(runner.submit("test-fail", {"how": how}), timeout_seconds=WAIT)
    assert final.state is JobState.FAILED
    assert final.error is not None
    assert final.error.code == code
    assert words in final.error.message
    assert final.result is None
    assert final.progress == 0.25  # where it was when it failed
    assert final.finished_at is not None


def test_bad_staffing_params_fail_the_job_naming_the_param(runner: JobRunner) -> None:
    params = {
        "intervals": [{"queue": "q", "interval_start": "2020-03-16T08:00:00", "volume": 5}],
        "interval_seconds": 1800,
    }
    final = runner.wait(runner.submit("staffing", params), timeout_seconds=WAIT)
    assert final.state is JobState.FAILED
    assert final.error is not None
    assert final.error.code == "invalid_input"
    assert "params['intervals'][0]['interval_start']" in final.error.message


def test_a_result_that_is_not_json_fails_the_job(runner: JobRunner) -> None:
    final = runner.wait(runner.submit("test-bad-result", {}), timeout_seconds=WAIT)
    assert final.state is JobState.FAILED
    assert final.error is not None
    assert final.error.code == "invalid_job_result"
    assert "result['agents']" in final.error.message


def test_cancelling_a_running_job_stops_it_at_its_next_report(
    runner: JobRunner, gates: Gates
) -> None:
    job_id = runner.submit("test-gate", {"gate": str(gates.new())})
    eventually(runner, job_id, lambda s: s.state is JobState.RUNNING)

    asked = runner.cancel(job_id)
    assert asked.cancel_requested
    final = runner.wait(job_id, timeout_seconds=WAIT)
    assert final.state is JobState.CANCELLED
    assert final.result is None
    assert final.error is None
    assert final.finished_at is not None


def test_cancelling_a_queued_job_cancels_it_before_it_starts(
    runner: JobRunner, gates: Gates
) -> None:
    gate = gates.new()
    ahead = runner.submit("test-gate", {"gate": str(gate)})
    eventually(runner, ahead, lambda s: s.state is JobState.RUNNING)
    behind = runner.submit("test-echo", {"x": 1})
    assert runner.status(behind).state is JobState.QUEUED

    cancelled = runner.cancel(behind)
    assert cancelled.state is JobState.CANCELLED
    assert cancelled.started_at is None

    gate.touch()
    assert runner.wait(ahead, timeout_seconds=WAIT).state is JobState.SUCCEEDED
    # The runner reaches the cancelled job's turn and leaves it be.
    time.sleep(0.3)
    after = runner.wait(behind, timeout_seconds=WAIT)
    assert after.state is JobState.CANCELLED
    assert after.started_at is None
    assert after.result is None


def test_cancelling_a_finished_job_changes_nothing(runner: JobRunner) -> None:
    final = runner.wait(runner.submit("test-echo", {}), timeout_seconds=WAIT)
    assert runner.cancel(final.id) == final


def test_wait_gives_up_after_its_timeout_and_the_job_goes_on(
    runner: JobRunner, gates: Gates
) -> None:
    gate = gates.new()
    job_id = runner.submit("test-gate", {"gate": str(gate)})
    with pytest.raises(JobWaitTimeoutError, match="goes on") as caught:
        runner.wait(job_id, timeout_seconds=0.2)
    assert caught.value.code == "job_wait_timeout"
    gate.touch()
    assert runner.wait(job_id, timeout_seconds=WAIT).state is JobState.SUCCEEDED


def test_an_unknown_kind_is_refused_at_submit_listing_the_known_ones(runner: JobRunner) -> None:
    with pytest.raises(UnknownJobKindError, match=r"'rota'.*staffing") as caught:
        runner.submit("rota", {})
    assert caught.value.code == "unknown_job_kind"


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"volume": np.float64(3.0)}, "params['volume'] is a numpy.float64"),
        ({"volume": [1.0, float("nan")]}, "params['volume'][1] is nan"),
        ({"by_id": {7: "x"}}, "params['by_id'] has a key 7"),
    ],
)
def test_params_that_are_not_plain_json_are_refused_at_submit(
    runner: JobRunner, params: dict[str, object], where: str
) -> None:
    with pytest.raises(InvalidJobParamsError) as caught:
        runner.submit("test-echo", params)  # type: ignore[arg-type]
    assert where in str(caught.value)


def test_an_unknown_job_id_is_an_error_everywhere(runner: JobRunner) -> None:
    for call in (
        lambda: runner.status("no-such-job"),
        lambda: runner.cancel("no-such-job"),
        lambda: runner.wait("no-such-job", timeout_seconds=1),
    ):
        with pytest.raises(UnknownJobError, match="no-such-job"):
            call()


def test_the_status_store_lists_submitted_jobs_newest_first(runner: JobRunner) -> None:
    first = runner.submit("test-echo", {"i": 1})
    second = runner.submit("test-echo", {"i": 2})
    runner.wait(second, timeout_seconds=WAIT)
    recent = [s.id for s in runner.store.recent(limit=50)]
    assert recent.index(second) < recent.index(first)
