"""``bezetting jobs`` and ``bezetting worker`` as a planner uses them, without a broker.

With a broker (a real worker), see test_cli_celery.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bezetting.cli import app

runner = CliRunner()

PARAMS = {
    "intervals": [
        {
            "queue": "retail",
            "interval_start": "2020-03-16T08:00:00+01:00",
            "volume": 100,
            "aht_seconds": 180,
        }
    ],
    "interval_seconds": 1800,
}


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BEZETTING_BROKER_URL", raising=False)


@pytest.fixture
def params_file(tmp_path: Path) -> Path:
    path = tmp_path / "params.json"
    path.write_text(json.dumps(PARAMS), encoding="utf-8")
    return path


def test_submit_without_a_broker_runs_in_process_and_prints_the_result(params_file: Path) -> None:
    result = runner.invoke(app, ["jobs", "submit", "staffing", "--params", str(params_file)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["rows"][0]["agents"] == 14
    assert "succeeded" in result.stderr


def test_submit_writes_the_result_to_a_file_and_reads_params_from_stdin(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    result = runner.invoke(
        app,
        ["jobs", "submit", "staffing", "--params", "-", "--out", str(out), "--json"],
        input=json.dumps(PARAMS),
    )
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["state"] == "succeeded"
    assert status["progress"] == 1.0
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["peak_agents"] == 14


def test_a_failed_job_prints_its_code_and_message_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**PARAMS, "interval_seconds": 600}), encoding="utf-8")
    result = runner.invoke(app, ["jobs", "submit", "staffing", "--params", str(path)])
    assert result.exit_code == 2
    assert "failed, code invalid_input: " in result.stderr
    assert "params['interval_seconds'] must be 900, 1800 or 3600" in result.stderr


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "is not JSON: Expecting property name"),
        ("[1, 2]", "--params must be a JSON object"),
    ],
)
def test_unreadable_params_exit_2_with_the_reason(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "params.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["jobs", "submit", "staffing", "--params", str(path)])
    assert result.exit_code == 2
    assert words in result.stderr


def test_an_unknown_kind_exits_2_listing_the_kinds(params_file: Path) -> None:
    result = runner.invoke(app, ["jobs", "submit", "rota", "--params", str(params_file)])
    assert result.exit_code == 2
    assert "no job kind 'rota'" in result.stderr
    assert "staffing" in result.stderr


@pytest.mark.parametrize("command", [["status", "abc"], ["cancel", "abc"], ["list"]])
def test_commands_on_other_jobs_need_a_broker(command: list[str]) -> None:
    result = runner.invoke(app, ["jobs", *command])
    assert result.exit_code == 2
    assert "needs a broker: set BEZETTING_BROKER_URL" in result.stderr


def test_the_worker_needs_a_broker() -> None:
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 2
    assert "bezetting worker needs a broker: set BEZETTING_BROKER_URL" in result.stderr


def test_the_worker_names_a_kind_module_it_cannot_import() -> None:
    result = runner.invoke(
        app,
        ["worker", "--broker-url", "redis://127.0.0.1:1/0", "--import-module", "no.such.kinds"],
    )
    assert result.exit_code == 2
    assert "--import-module 'no.such.kinds' cannot be imported" in result.stderr


def test_the_worker_says_when_redis_cannot_be_reached() -> None:
    # Port 1 on localhost: nothing listens there.
    result = runner.invoke(app, ["worker", "--broker-url", "redis://127.0.0.1:1/0"])
    assert result.exit_code == 2
    assert "cannot reach Redis for job statuses" in result.stderr


def test_kinds_lists_staffing_with_its_summary() -> None:
    result = runner.invoke(app, ["jobs", "kinds"])
    assert result.exit_code == 0, result.output
    assert "staffing" in result.stdout
    assert "Agents needed per interval" in result.stdout


def test_a_person_at_a_terminal_sees_a_progress_bar_that_goes_away(
    params_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bezetting.cli.jobs as jobs_cli

    shown: list[float] = []
    real_wait = jobs_cli.InProcessRunner.wait

    def spy_wait(self: jobs_cli.InProcessRunner, job_id: str, **kwargs: object) -> object:
        on_change = kwargs.get("on_change")
        assert callable(on_change), "the bar is fed by wait's on_change"

        def record(status: jobs_cli.JobStatus) -> None:
            shown.append(status.progress)
            on_change(status)

        kwargs["on_change"] = record
        return real_wait(self, job_id, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jobs_cli, "progress_enabled", lambda: True)
    monkeypatch.setattr(jobs_cli.InProcessRunner, "wait", spy_wait)
    result = runner.invoke(app, ["jobs", "submit", "staffing", "--params", str(params_file)])
    assert result.exit_code == 0, result.output
    assert shown[-1] == 1.0
    assert json.loads(result.stdout)["rows"][0]["agents"] == 14
