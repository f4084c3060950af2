"""``bezetting demo``: the first thing a new user runs (``make run``)."""

from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bezetting.cli import app
from bezetting.demo import build_demo_day

runner = CliRunner()


@pytest.fixture
def demo_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SQLite file named by BEZETTING_DATABASE_URL, in development mode."""
    path = tmp_path / "demo.db"
    monkeypatch.setenv("BEZETTING_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("BEZETTING_ENV", "dev")
    return path


def test_demo_seeds_the_organisation_once_and_prints_the_logins(demo_database: Path) -> None:
    small = ["demo", "--agents", "12", "--weeks", "5", "--plan-weeks", "1", "--time-limit", "5"]
    first = runner.invoke(app, small)
    assert first.exit_code == 0, first.output
    assert "Gemeente Stadsbrug" in first.output
    assert "created" in first.output
    assert "12 agents" in first.output
    assert "Forecast and agents needed, 1 week(s) from Mon 16 Mar 2020" in first.output
    assert re.search(r"│ +\d+\.\d% │", first.output), "the WAPE column keeps its per cent sign"
    assert "published (version 2)" in first.output
    assert " 0 labour-rule violations" in " ".join(first.output.split())  # rich wraps lines
    for email in ("admin", "planner", "teamlead", "agent", "agent2", "client"):
        assert f"{email}@demo.bezetting.invalid" in first.output
    assert "stadsbrug-demo-2020" in first.output
    assert demo_database.exists()
    with sqlite3.connect(demo_database) as db:  # stamped at the demo's plan time, not today
        stamps = db.execute("SELECT created_at, published_at FROM schedules").fetchall()
    assert stamps == [("2020-03-16 06:00:00.000000", "2020-03-16 06:00:00.000000")]
    second = runner.invoke(app, [*small, "--no-logins"])  # as `make run`: serve prints them
    assert second.exit_code == 0, second.output
    assert "found (nothing added)" in second.output
    assert "Planned already: schedule 1 (published, version 2)" in second.output
    assert "Demo logins" not in second.output


def test_demo_refuses_to_seed_a_published_password_outside_development(
    demo_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEZETTING_ENV", "test")
    result = runner.invoke(app, ["demo", "--agents", "12", "--weeks", "1"])
    assert result.exit_code == 2
    assert "development mode" in result.output
    assert not demo_database.exists()


def test_serve_prints_the_address_and_the_demo_logins(
    demo_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options))
    assert (
        runner.invoke(app, ["demo", "--agents", "12", "--weeks", "1", "--no-plan"]).exit_code == 0
    )
    result = runner.invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert "http://127.0.0.1:8123/api/v1/docs" in result.output
    assert "planner@demo.bezetting.invalid" in result.output
    assert served["port"] == 8123
    assert "Demo clock" not in result.output
    monkeypatch.setenv("BEZETTING_DEMO_CLOCK_START", "2020-03-17T09:30:00+01:00")
    clocked = runner.invoke(app, ["serve", "--port", "8123"])
    assert "Demo clock: the server's now starts at Tue 17 Mar 2020 09:30 +0100" in clocked.output
    assert served["host"] == "127.0.0.1"


def test_demo_day_prints_the_day_and_writes_a_chart_and_a_forecast(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--day", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "16 March 2020" in result.output
    assert "income-support" in result.output
    png = tmp_path / "demo-requirements.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    forecast = tmp_path / "demo-forecast.csv"
    with forecast.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["queue"] for r in rows} == {
        "income-support",
        "unemployment-benefits",
        "general-questions",
    }
    # The demo's forecast file feeds `bezetting staff` as is.
    out = tmp_path / "requirements.csv"
    staffed = runner.invoke(
        app,
        [
            "staff",
            str(forecast),
            "--patience",
            "354s",
            "--sl",
            "80/30",
            "--max-abandon",
            "5%",
            "--out",
            str(out),
        ],
    )
    assert staffed.exit_code == 0, staffed.output
    with out.open(encoding="utf-8") as handle:
        requirements = list(csv.DictReader(handle))
    assert len(requirements) == len(rows)


def test_demo_day_meets_its_voice_targets_every_half_hour() -> None:
    day = build_demo_day()
    assert len(day.starts) == 24  # 08:00-20:00 in half hours
    assert day.starts[0].utcoffset() is not None
    for queue in day.queues:
        assert queue.agents.shape == (24,)
        if queue.channel in {"voice", "chat"}:
            assert (queue.service_level >= 0.8).all(), queue.name
        assert (queue.agents_fractional <= queue.agents + 1e-9).all()
    # The surge queues dwarf general questions.
    by_name = {q.name: q for q in day.queues}
    assert by_name["income-support"].agents.sum() > 2 * by_name["general-questions"].agents.sum()
