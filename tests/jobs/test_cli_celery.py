"""``bezetting jobs`` against a real worker: submit from one command, follow from another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bezetting.cli import app
from tests.jobs.conftest import Gates, Worker

runner = CliRunner()


@pytest.fixture
def broker(celery_worker: Worker, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("BEZETTING_BROKER_URL", celery_worker.redis_url)
    return [f"--key-prefix={celery_worker.key_prefix}"]


def test_submit_prints_the_id_and_status_follows_it_to_its_result(
    broker: list[str], celery_worker: Worker, tmp_path: Path, gates: Gates
) -> None:
    gate = gates.new()
    params = tmp_path / "gate.json"
    params.write_text(json.dumps({"gate": str(gate)}), encoding="utf-8")
    submitted = runner.invoke(
        app,
        [
            "jobs",
            "submit",
            "test-gate",
            "-p",
            str(params),
            f"--queue={celery_worker.queue}",
            *broker,
        ],
    )
    assert submitted.exit_code == 0, submitted.output
    job_id = submitted.stdout.strip()
    assert len(job_id) == 32

    shown = runner.invoke(app, ["jobs", "status", job_id, "--json", *broker])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["state"] in {"queued", "running"}

    gate.touch()
    followed = runner.invoke(app, ["jobs", "status", job_id, "--follow", *broker])
    assert followed.exit_code == 0, followed.output
    assert json.loads(followed.stdout) == {"gate": str(gate)}

    listed = runner.invoke(app, ["jobs", "list", "--json", *broker])
    assert job_id in [s["id"] for s in json.loads(listed.stdout)]


def test_submit_and_wait_on_a_worker(
    broker: list[str], celery_worker: Worker, tmp_path: Path
) -> None:
    params = tmp_path / "fail.json"
    params.write_text(json.dumps({"how": "infeasible"}), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "jobs",
            "submit",
            "test-fail",
            "-p",
            str(params),
            "--wait",
            f"--queue={celery_worker.queue}",
            *broker,
        ],
    )
    assert result.exit_code == 2
    assert "failed, code infeasible: no staffing meets 99.99% within 0 s" in result.stderr


def test_cancel_from_the_command_line(
    broker: list[str], celery_worker: Worker, tmp_path: Path, gates: Gates
) -> None:
    params = tmp_path / "gate.json"
    params.write_text(json.dumps({"gate": str(gates.new())}), encoding="utf-8")
    submitted = runner.invoke(
        app,
        [
            "jobs",
            "submit",
            "test-gate",
            "-p",
            str(params),
            f"--queue={celery_worker.queue}",
            *broker,
        ],
    )
    job_id = submitted.stdout.strip()
    cancelled = runner.invoke(app, ["jobs", "cancel", job_id, "--json", *broker])
    assert cancelled.exit_code == 0, cancelled.output
    assert json.loads(cancelled.stdout)["cancel_requested"] is True
    followed = runner.invoke(app, ["jobs", "status", job_id, "--follow", *broker])
    assert followed.exit_code == 2
    assert "was cancelled" in followed.stderr


def test_an_unknown_id_exits_2(broker: list[str]) -> None:
    result = runner.invoke(app, ["jobs", "status", "f" * 32, *broker])
    assert result.exit_code == 2
    assert "no job with id" in result.stderr
