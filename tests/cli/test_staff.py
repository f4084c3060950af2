"""``bezetting staff`` as a planner uses it: one interval, or a forecast file."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bezetting.cli import app

runner = CliRunner()

FORECAST = """queue,interval_start,volume,aht_seconds
income-support,2020-03-16T08:00:00+01:00,250,240
income-support,2020-03-16T08:30:00+01:00,120,250
income-support,2020-03-16T09:00:00+01:00,0,
general,2020-03-16T08:00:00+01:00,40,180
general,2020-03-16T08:30:00+01:00,55,190
"""


def test_one_interval_prints_answer_and_inputs() -> None:
    result = runner.invoke(
        app, ["staff", "--volume", "250", "--aht", "240s", "--interval", "30m", "--sl", "80/20"]
    )
    assert result.exit_code == 0, result.output
    assert "39" in result.output
    assert "33.333 Erlang" in result.output
    assert "erlang-c" in result.output


def test_one_interval_as_json_with_patience_and_shrinkage() -> None:
    result = runner.invoke(
        app,
        [
            "staff",
            "--volume",
            "250",
            "--aht",
            "4m",
            "--interval",
            "30m",
            "--sl",
            "80/20",
            "--patience",
            "120s",
            "--shrinkage",
            "30%",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["inputs"]["model"] == "erlang-a"
    assert answer["inputs"]["load_erlangs"] == pytest.approx(250 * 240 / 1800)
    assert answer["agents"] < 39  # impatient callers: fewer agents than Erlang C
    assert answer["gross_agents_fractional"] == pytest.approx(
        answer["agents_fractional"] / 0.7, rel=1e-3
    )
    assert answer["predicted"]["service_level"] >= 0.8


def test_a_forecast_file_becomes_a_requirements_file(tmp_path: Path) -> None:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(FORECAST, encoding="utf-8")
    out = tmp_path / "requirements.csv"
    result = runner.invoke(app, ["staff", str(forecast), "--out", str(out), "--sl", "80/20"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "queue",
        "interval_start",
        "agents",
        "agents_fractional",
        "service_level",
        "asa_seconds",
        "abandon_rate",
        "occupancy",
    ]
    assert [r["interval_start"] for r in rows] == [
        line.split(",")[1] for line in FORECAST.splitlines()[1:]
    ]
    assert rows[0]["agents"] == "39"
    assert rows[2]["agents"] == "0"  # no contacts, no agents
    assert all(float(r["service_level"]) >= 0.8 for r in rows)


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path: Path) -> None:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(
        "queue,interval_start,volume,aht_seconds\n"
        "a,2020-03-16T08:00:00+01:00,10,240\n"
        "a,2020-03-16T08:30:00,12,240\n"
        "a,2020-03-16T09:00:00+01:00,-3,240\n"
        "a,2020-03-16T09:30:00+01:00,7,zero\n"
        "a,2020-03-16T08:00:00+01:00,10,240\n",
        encoding="utf-8",
    )
    out = tmp_path / "requirements.csv"
    out.write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["staff", str(forecast), "--out", str(out)])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "4 bad row(s)" in message
    assert "line 3, column 'interval_start'" in message
    assert "no UTC offset" in message
    assert "line 4, column 'volume'" in message
    assert "line 5, column 'aht_seconds'" in message
    assert "line 6, column 'interval_start'" in message
    assert "duplicate of line 2" in message
    assert out.read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_staff_and_forecast_name_the_same_bad_cells_of_one_file(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text(
        "queue,interval_start,volume,aht_seconds\n"
        "a,2020-03-16T08:00:00+01:00,10,240\n"
        "a,2020-03-16T08:30:00,12,240\n"  # no UTC offset
        "a,2020-03-16T09:00:00+01:00,-4,abc\n"  # two bad cells in one row
        "a,2020-03-16T09:30:00+01:00,0,\n"  # no contacts, no handle time: fine for both
        "a,2020-03-16T10:00:00+01:00,3\n",  # a cell short
        encoding="utf-8",
    )
    cells = re.compile(r"line (\d+), column '(\w+)'")
    found = {}
    for command in ("staff", "forecast"):
        result = runner.invoke(app, [command, str(history), "--out", str(tmp_path / "out.csv")])
        assert result.exit_code == 2, result.output
        found[command] = cells.findall(" ".join(result.output.split()))
    assert (
        found["staff"]
        == found["forecast"]
        == [
            ("3", "interval_start"),
            ("4", "volume"),
            ("4", "aht_seconds"),
            ("6", "aht_seconds"),
        ]
    )


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(
        "queue,interval_start,volume\na,2020-03-16T08:00:00+01:00,1\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["staff", str(forecast)])
    assert result.exit_code == 2
    assert "aht_seconds" in result.output


def test_erlang_c_refuses_nothing_but_reports_an_unreachable_target() -> None:
    result = runner.invoke(app, ["staff", "--volume", "10", "--aht", "300", "--sl", "100/20"])
    assert result.exit_code == 2
    assert "below 1" in result.output


def test_abandonment_cap_without_patience_is_explained() -> None:
    result = runner.invoke(
        app,
        ["staff", "--volume", "10", "--aht", "300", "--max-abandon", "5%", "--model", "erlang-a"],
    )
    assert result.exit_code == 2
    assert "--patience" in result.output


def test_chat_with_concurrency_and_newcomers() -> None:
    base = [
        "staff",
        "--volume",
        "120",
        "--aht",
        "10m",
        "--interval",
        "30m",
        "--sl",
        "80/60",
        "--json",
    ]
    plain = json.loads(runner.invoke(app, base).output)
    chat = json.loads(runner.invoke(app, [*base, "--concurrency", "3"]).output)
    slow = json.loads(runner.invoke(app, [*base, "--newcomers", "50%x2"]).output)
    assert chat["agents"] == -(-plain["agents"] // 3)
    assert slow["agents_fractional"] == pytest.approx(plain["agents_fractional"] / 0.75, rel=1e-6)
