"""A job's status is a frozen value with a plain-JSON shape; params must be plain JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from bezetting.jobs import (
    FINAL_STATES,
    InvalidJobParamsError,
    JobError,
    JobState,
    JobStatus,
    check_json,
    check_json_object,
)

T0 = datetime(2020, 3, 16, 7, 15, tzinfo=UTC)


def a_status(**changes: object) -> JobStatus:
    fields: dict[str, object] = {
        "id": "abc",
        "kind": "staffing",
        "state": JobState.QUEUED,
        "created_at": T0,
        "updated_at": T0,
    }
    fields.update(changes)
    return JobStatus(**fields)  # type: ignore[arg-type]


def test_the_json_shape_round_trips_through_text() -> None:
    amsterdam = timezone(timedelta(hours=1))
    status = a_status(
        state=JobState.FAILED,
        progress=0.4,
        message="400 of 1000 intervals",
        error=JobError(code="infeasible", message="no staffing meets it"),
        cancel_requested=True,
        started_at=T0 + timedelta(seconds=1),
        finished_at=datetime(2020, 3, 16, 8, 16, tzinfo=amsterdam),
        version=7,
    )
    text = json.dumps(status.to_json())
    again = JobStatus.from_json(json.loads(text))
    assert again == status
    assert again.finished_at is not None
    assert again.finished_at.utcoffset() == timedelta(hours=1)


def test_the_json_shape_names_every_field_a_client_reads() -> None:
    shape = a_status(result={"agents": 14}).to_json()
    assert shape == {
        "id": "abc",
        "kind": "staffing",
        "state": "queued",
        "progress": 0.0,
        "message": "",
        "result": {"agents": 14},
        "error": None,
        "cancel_requested": False,
        "created_at": "2020-03-16T07:15:00+00:00",
        "started_at": None,
        "finished_at": None,
        "updated_at": "2020-03-16T07:15:00+00:00",
        "version": 0,
        "organisation_id": None,
        "created_by_user_id": None,
    }


def test_only_succeeded_failed_and_cancelled_are_final() -> None:
    assert {s for s in JobState if a_status(state=s).done} == FINAL_STATES
    assert {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED} == FINAL_STATES


@pytest.mark.parametrize("progress", [-0.01, 1.01, float("nan")])
def test_progress_outside_zero_to_one_is_refused(progress: float) -> None:
    with pytest.raises(ValueError, match="progress"):
        a_status(progress=progress)


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="created_at must be timezone-aware"):
        a_status(created_at=datetime(2020, 3, 16, 8, 0))


def test_check_json_copies_and_turns_tuples_into_lists() -> None:
    original = {"a": (1, 2), "b": {"c": [None, True, "x", 1.5]}}
    copied = check_json(original)
    assert copied == {"a": [1, 2], "b": {"c": [None, True, "x", 1.5]}}
    assert isinstance(copied, dict)
    assert copied["b"] is not original["b"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"x": np.int64(3)}, "params['x'] is a numpy.int64"),
        ({"x": [0.0, float("inf")]}, "params['x'][1] is inf; JSON has no NaN or infinity"),
        ({"when": T0}, "params['when'] is a datetime.datetime"),
        ({"x": {("a", 1): 2}}, "params['x'] has a key ('a', 1)"),
    ],
)
def test_check_json_names_the_first_bad_value(value: object, words: str) -> None:
    with pytest.raises(InvalidJobParamsError) as caught:
        check_json(value, what="params")
    assert words in str(caught.value)
    assert caught.value.code == "invalid_job_params"


def test_params_must_be_an_object() -> None:
    with pytest.raises(InvalidJobParamsError, match="must be a JSON object"):
        check_json_object([1, 2])
