"""The ``forecast`` and ``schedule`` job kinds on the configured database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from bezetting.core.errors import InputError
from bezetting.jobs import InProcessRunner, JobState
from bezetting.jobs.errors import JobCancelledError
from bezetting.jobs.kinds.forecast import forecast_job
from bezetting.jobs.kinds.schedule import schedule_job
from bezetting.jobs.progress import ProgressReporter
from bezetting.store import SessionFactory
from bezetting.store.models import Schedule
from tests.services.planning_world import FIRST_DAY, build_world


class _Recorder(ProgressReporter):
    def __init__(self) -> None:
        self.reports: list[tuple[float, str]] = []

    def report(self, fraction: float, message: str = "") -> None:
        self.reports.append((fraction, message))

    def check_cancelled(self) -> None:
        return None


@pytest.fixture
def world(
    committing_sessions: SessionFactory, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, int]:
    """The planning world, committed, on the database the settings name."""
    monkeypatch.setenv("BEZETTING_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BEZETTING_ENV", "test")
    return build_world(committing_sessions)


def test_a_forecast_job_then_a_schedule_job_store_a_legal_draft(world: tuple[int, int]) -> None:
    org_id, queue_id = world
    recorder = _Recorder()
    params = {"organisation_id": org_id, "queue_id": queue_id, "first_day": "2020-03-16"}
    result = forecast_job({**params, "days": 7}, recorder)
    assert isinstance(result, dict)
    forecast, requirement = result["forecast"], result["requirement"]
    assert isinstance(forecast, dict)
    assert isinstance(requirement, dict)
    assert (forecast["version"], forecast["intervals"], forecast["queue"]) == (1, 672, "general")
    assert requirement["method"] == "erlang-c"
    assert recorder.reports[-1][0] == 1.0
    assert all(b[0] >= a[0] for a, b in zip(recorder.reports, recorder.reports[1:], strict=False))
    built = schedule_job(
        {
            "organisation_id": org_id,
            "first_day": FIRST_DAY.isoformat(),
            "weeks": 1,
            "time_limit_seconds": 5,
            "name": "week 12",
        },
        _Recorder(),
    )
    assert isinstance(built, dict)
    assert (built["status"], built["version"], built["violations"]) == ("draft", 1, 0)
    assert isinstance(built["shifts"], int)
    assert built["shifts"] > 0


def test_the_forecast_kind_runs_as_a_job(world: tuple[int, int]) -> None:
    org_id, queue_id = world
    params = {
        "organisation_id": org_id,
        "queue_id": queue_id,
        "first_day": "2020-03-16",
        "days": 1,
        "requirements": False,
    }
    with InProcessRunner() as runner:
        job_id = runner.submit("forecast", params)
        status = runner.wait(job_id, timeout_seconds=120)
    assert status.state is JobState.SUCCEEDED, status.error
    assert status.progress == 1.0


def test_a_queue_of_another_organisation_is_not_found(world: tuple[int, int]) -> None:
    org_id, queue_id = world
    params = {"organisation_id": org_id + 1, "queue_id": queue_id, "first_day": "2020-03-16"}
    with pytest.raises(InputError, match=f"no queue with id {queue_id}"):
        forecast_job(params, _Recorder())


@pytest.mark.parametrize(
    ("kind", "params", "fragment"),
    [
        ("forecast", {"queue_id": 1, "first_day": "2020-03-16"}, "params.organisation_id"),
        ("forecast", {"organisation_id": 1, "first_day": "2020-03-16"}, "params.queue_id"),
        ("forecast", {"organisation_id": 1, "queue_id": 1, "first_day": "16-03"}, "first_day"),
        (
            "forecast",
            {"organisation_id": 1, "queue_id": 1, "first_day": "2020-03-16", "days": 0},
            "params.days",
        ),
        ("forecast", {"organisation_id": 1, "queue_id": 1, "colour": "red"}, "unknown params"),
        ("schedule", {"organisation_id": 1, "first_day": "2020-03-16", "weeks": 7}, "params.weeks"),
        (
            "schedule",
            {"organisation_id": 1, "first_day": "2020-03-16", "time_limit_seconds": 0},
            "time_limit_seconds",
        ),
        ("schedule", {"organisation_id": True, "first_day": "2020-03-16"}, "organisation_id"),
    ],
)
def test_bad_params_are_named(kind: str, params: dict[str, object], fragment: str) -> None:
    function = forecast_job if kind == "forecast" else schedule_job
    with pytest.raises(InputError, match=fragment):
        function(params, _Recorder())  # type: ignore[arg-type]


class _CancelledWhileSolving(_Recorder):
    """Like the runners' reporter after a cancel request: every report from then on raises."""

    def report(self, fraction: float, message: str = "") -> None:
        super().report(fraction, message)
        if fraction > 0.0:
            raise JobCancelledError("job x was cancelled")


def test_a_schedule_job_cancelled_while_solving_stops_before_saving(
    world: tuple[int, int], committing_sessions: SessionFactory
) -> None:
    org_id, queue_id = world
    params = {"organisation_id": org_id, "queue_id": queue_id, "first_day": "2020-03-16"}
    forecast_job({**params, "days": 7}, _Recorder())
    reporter = _CancelledWhileSolving()
    with pytest.raises(JobCancelledError):
        schedule_job(
            {"organisation_id": org_id, "first_day": "2020-03-16", "weeks": 1,
             "time_limit_seconds": 3},
            reporter,
        )  # fmt: skip
    solving = [fraction for fraction, _ in reporter.reports if fraction > 0.0]
    assert solving, "the solver reported progress, which raised, and it went on"
    assert max(solving) < 0.97  # raised in place of the report before saving
    with committing_sessions() as session:
        assert session.scalars(select(Schedule)).all() == []


def test_a_draft_without_a_name_is_named_by_its_period_alone(
    world: tuple[int, int], committing_sessions: SessionFactory
) -> None:
    # The name is shown as it is on a page in any language: the solver's status, an English
    # word, is in the job's result (and its message on the page, translated) instead.
    org_id, queue_id = world
    params = {"organisation_id": org_id, "queue_id": queue_id, "first_day": "2020-03-16"}
    forecast_job({**params, "days": 7}, _Recorder())
    built = schedule_job(
        {"organisation_id": org_id, "first_day": "2020-03-16", "weeks": 1,
         "time_limit_seconds": 3},
        _Recorder(),
    )  # fmt: skip
    assert isinstance(built, dict)
    assert built["solver_status"] in ("optimal", "feasible", "heuristic")
    assert isinstance(built["shortfall_hours"], float)
    with committing_sessions() as session:
        assert session.scalars(select(Schedule.name)).all() == ["2020-03-16 +1w"]
