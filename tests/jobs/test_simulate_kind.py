"""The ``simulate`` job kind: a scenario in, KPIs with confidence intervals out."""

from __future__ import annotations

import pytest

from bezetting.core.errors import InputError
from bezetting.core.queueing import erlang_a_metrics
from bezetting.jobs import InProcessRunner, JobState
from bezetting.jobs.kinds.simulate import simulate_job
from bezetting.jobs.progress import ProgressReporter

# One queue, constant load: 90 calls per half hour of 300 s (15 Erlang), 18 agents, patience
# 180 s, for two days: Erlang A gives the answer the confidence interval must cover.
SCENARIO = """
start: "2020-03-16T00:00:00+01:00"
interval_minutes: 30
days: 2
queues:
  - name: general
    channel: voice
    answer_within_seconds: 20
    arrivals: {per_interval: [90]}
    handle_time: {distribution: exponential, mean_seconds: 300}
    patience: {distribution: exponential, mean_seconds: 180}
agent_groups:
  - name: agents
    skills: [general]
    staffing: {per_interval: [18]}
"""


class _Recorder(ProgressReporter):
    def __init__(self) -> None:
        self.reports: list[tuple[float, str]] = []

    def report(self, fraction: float, message: str = "") -> None:
        self.reports.append((fraction, message))

    def check_cancelled(self) -> None:
        return None


def test_a_simulation_covers_erlang_a_and_reports_progress() -> None:
    recorder = _Recorder()
    result = simulate_job({"scenario": SCENARIO, "replications": 8, "seed": 7}, recorder)
    assert isinstance(result, dict)
    queue = result["queues"][0]  # type: ignore[index]
    exact = erlang_a_metrics(
        18, load_erlangs=15.0, aht_seconds=300, patience_seconds=180, answer_within_seconds=20
    )
    for kpi, value in (
        ("service_level", float(exact.service_level_offered)),
        ("abandon_rate", float(exact.abandon_rate)),
    ):
        mean, half = queue[kpi]["mean"], queue[kpi]["half_width"]  # type: ignore[index]
        assert abs(mean - value) <= half + 0.01, (kpi, mean, half, value)
    assert recorder.reports[-1] == (1.0, "8 of 8 replications")


def test_it_runs_as_a_job() -> None:
    with InProcessRunner() as runner:
        job_id = runner.submit("simulate", {"scenario": SCENARIO, "replications": 3})
        status = runner.wait(job_id, timeout_seconds=120)
    assert status.state is JobState.SUCCEEDED, status.error


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"scenario": 5}, "params.scenario"),
        ({"scenario": SCENARIO, "replications": 0}, "params.replications"),
        ({"scenario": SCENARIO, "colour": "red"}, "unknown params"),
        ({"scenario": SCENARIO.replace("mean_seconds: 300", "mean_seconds: -3")}, "mean_seconds"),
    ],
)
def test_bad_params_are_named(params: dict[str, object], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        simulate_job(params, _Recorder())  # type: ignore[arg-type]
