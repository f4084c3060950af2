"""``bezetting simulate`` as a planner uses it: a scenario in; a table, a CSV and a plot out."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import BinaryIO

import pytest
from typer.testing import CliRunner

from bezetting.cli import app
from bezetting.cli.simulate import RESULT_COLUMNS

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


def test_the_schedule_example_writes_results_and_a_plot(tmp_path: Path) -> None:
    out, plot = tmp_path / "results.csv", tmp_path / "kpi.png"
    result = runner.invoke(
        app,
        [
            "simulate",
            str(EXAMPLES / "schedule-check.yaml"),
            "--replications",
            "4",
            "--out",
            str(out),
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "4 replications" in result.output
    assert "occupancy of desk" in result.output
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == RESULT_COLUMNS
    assert len(rows) == 36  # one queue, 36 quarter hours
    assert rows[0]["interval_start"] == "2020-03-16T08:00:00+01:00"
    first = rows[4]
    assert float(first["service_level_lo"]) <= float(first["service_level"])
    assert float(first["service_level"]) <= float(first["service_level_hi"])
    occupancy = (tmp_path / "results.occupancy.csv").read_text().splitlines()
    assert occupancy[0] == "agent_group,interval_start,occupancy,occupancy_lo,occupancy_hi"
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_the_same_seed_gives_the_same_csv(tmp_path: Path) -> None:
    texts = []
    for name in ("a.csv", "b.csv"):
        result = runner.invoke(
            app,
            [
                "simulate",
                str(EXAMPLES / "schedule-check.yaml"),
                "-r",
                "2",
                "--seed",
                "7",
                "--out",
                str(tmp_path / name),
            ],
        )
        assert result.exit_code == 0, result.output
        texts.append((tmp_path / name).read_text())
    assert texts[0] == texts[1]


def test_a_replay_file_next_to_the_scenario_is_read(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(
        "arrived,queue\n2020-03-16T08:00:10+01:00,general\n2020-03-16T08:00:20+01:00,general\n"
    )
    (tmp_path / "replay.yaml").write_text(
        'start: "2020-03-16T08:00:00+01:00"\ninterval_minutes: 15\nintervals: 2\n'
        "queues:\n  - name: general\n    arrivals: {replay: calls.csv}\n"
        "    handle_time: {distribution: fixed, seconds: 60}\n"
        "agent_groups:\n  - {name: desk, skills: [general], staffing: {agents: 1}}\n"
    )
    out = tmp_path / "r.csv"
    result = runner.invoke(
        app, ["simulate", str(tmp_path / "replay.yaml"), "-r", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        first = next(csv.DictReader(handle))
    # Waits 0 and 50 s: both offered, one within 20 s; every replication alike.
    assert float(first["offered"]) == 2
    assert float(first["service_level"]) == 0.5
    assert float(first["asa_seconds"]) == 25.0


def test_a_bad_replay_row_is_named_by_the_line_an_editor_shows_blank_lines_skipped(
    tmp_path: Path,
) -> None:
    (tmp_path / "calls.csv").write_text(
        "arrived,queue\n2020-03-16T08:00:10+01:00,general\n\n\nyesterday,general\n"
    )
    (tmp_path / "replay.yaml").write_text(
        'start: "2020-03-16T08:00:00+01:00"\ninterval_minutes: 15\nintervals: 2\n'
        "queues:\n  - name: general\n    arrivals: {replay: calls.csv}\n"
        "    handle_time: {distribution: fixed, seconds: 60}\n"
        "agent_groups:\n  - {name: desk, skills: [general], staffing: {agents: 1}}\n"
    )
    result = runner.invoke(app, ["simulate", str(tmp_path / "replay.yaml"), "-r", "1"])
    assert result.exit_code == 2, result.output
    assert "calls.csv, line 5: 'yesterday' is not a date and time" in " ".join(
        result.output.split()
    )


def test_a_bad_scenario_names_the_field_and_exits_2(tmp_path: Path) -> None:
    text = (EXAMPLES / "surge-march-2020.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("mean_seconds: 240", "mean_seconds: -3", 1))
    result = runner.invoke(app, ["simulate", str(bad)])
    assert result.exit_code == 2
    assert "queues[0].patience.mean_seconds" in result.output
    assert "got -3" in result.output


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_a_plot_that_fails_while_written_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plot = tmp_path / "kpi.png"
    plot.write_bytes(b"earlier plot")

    def fails_half_way(figure: object, target: str | Path | BinaryIO, **options: object) -> None:
        if isinstance(target, str | Path):
            with open(target, "wb") as handle:
                handle.write(b"\x89PNG half")
        else:
            target.write(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", fails_half_way)
    result = runner.invoke(
        app, ["simulate", str(EXAMPLES / "schedule-check.yaml"), "-r", "2", "--plot", str(plot)]
    )
    assert result.exit_code != 0
    assert plot.read_bytes() == b"earlier plot"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kpi.png"]
