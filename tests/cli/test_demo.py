"""``bezetting demo``: the first thing a new user runs (``make run``)."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from bezetting.cli import app
from bezetting.demo import build_demo_day

runner = CliRunner()


def test_demo_prints_the_day_and_writes_a_chart_and_a_forecast(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out-dir", str(tmp_path)])
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
