"""``bezetting forecast`` from the command line, on the shipped example inputs."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bezetting.cli.forecast import parse_duration, parse_event, parse_override, register
from bezetting.core.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "forecast"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def _root() -> None:
        """Keep ``forecast`` a subcommand, as in the full application."""

    register(application)
    return application


def _week_of_example_history(out: Path, report: Path, *options: str) -> list[str]:
    """``bezetting forecast`` of the shipped example history, a week ahead in hours, quickly
    (three backtest origins, no interval models), with ``options`` added."""
    return ["forecast", str(EXAMPLES / "history.csv"), "--horizon", "7d", "--interval", "60m",
            "--out", str(out), "--report", str(report), "--open", "mon-fri=08:00-20:00",
            "--no-interval-models", "--backtest-origins", "3", *options]  # fmt: skip


def test_interval_series_in_forecast_and_report_out(app, tmp_path):
    out, report = tmp_path / "forecast.csv", tmp_path / "forecast.html"
    result = CliRunner().invoke(
        app,
        _week_of_example_history(
            out,
            report,
            "--open",
            "sat=10:00-16:00",
            "--override",
            "sales@2020-04-06..2020-04-07=+10%",
        ),
    )
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["queue", "interval_start", "volume", "aht_seconds", "volume_lo",
                             "volume_hi", "volume_override", "model"]  # fmt: skip
    assert {row["queue"] for row in rows} == {"sales", "service"}
    assert rows[0]["interval_start"] == "2020-04-05T20:00:00+02:00"  # right after the last row
    assert len(rows) == 2 * 7 * 24
    assert all("backtest WAPE" in row["model"] for row in rows)
    monday_sales = [
        r for r in rows if r["queue"] == "sales" and r["interval_start"] >= "2020-04-06"
    ]
    assert "override +10%" in monday_sales[10]["model"]
    assert float(monday_sales[10]["volume_override"]) > 0
    page = report.read_text()
    assert page.count("data:image/png;base64,") == 4
    assert page.count("Why this model: ") == 2  # the choice explains itself per queue
    assert "img{max-width:100%" in page  # a wide legend never widens the page past the window
    # Self-contained: nothing fetched from the network (embedded images may hold any text).
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert "http" not in text.replace("http-equiv", "")


def test_each_queue_reports_only_its_own_overrides_with_their_own_change(app, tmp_path):
    out, report = tmp_path / "forecast.csv", tmp_path / "forecast.html"
    result = CliRunner().invoke(
        app,
        _week_of_example_history(
            out,
            report,
            "--override", "sales@2020-04-06..2020-04-07=+10%",
            "--override", "sales@2020-04-08..2020-04-09=+2",
        ),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    sales = [r for r in rows if r["queue"] == "sales"]
    for row in sales:
        day = row["interval_start"][:10]
        named = [
            part for part in ("override +10%", "override +2 per interval") if part in row["model"]
        ]
        expected = {"2020-04-06": ["override +10%"], "2020-04-08": ["override +2 per interval"]}
        assert named == expected.get(day, []), row
    assert not any("override" in r["model"] for r in rows if r["queue"] == "service")
    # The report: the service queue lists no override; each sales line shows its own change.
    page = report.read_text()
    service = page[page.index("Queue service") :]
    assert "Planner override" not in service
    added = sum(float(r["volume_override"]) for r in sales if r["interval_start"] >= "2020-04-08")
    assert added == pytest.approx(2 * 12)  # 12 open hours on Wednesday, 2 each; none at night
    lines = re.findall(r"Planner override ([^:]+): ([+-]\d+) contacts in all", page)
    assert [(what, int(change)) for what, change in lines][1] == ("+2 per interval", 24)


def test_contact_records_in(app, tmp_path):
    out = tmp_path / "forecast.csv"
    result = CliRunner().invoke(
        app,
        ["forecast", str(EXAMPLES / "contacts.csv"), "--horizon", "2d", "--interval", "30m",
         "--out", str(out), "--no-interval-models", "--backtest-origins", "2",
         "--from", "2020-04-06T00:00"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[1].startswith("sales,2020-04-06T00:00:00+02:00,")
    assert len(lines) == 1 + 2 * 96


def test_a_bad_file_exits_with_code_2_naming_line_and_column_in_plain_text(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "queue,interval_start,volume\n"
        "q,2020-03-16T08:00:00+01:00,minus one\n"
        "[q],2020-03-16T08:15:00+01:00,-4\n"
    )
    result = CliRunner().invoke(app, ["forecast", str(bad), "--out", str(tmp_path / "f.csv")])
    assert result.exit_code == 2
    assert "line 2" in result.output
    assert "volume" in result.output
    # A terminal shows the reason as written: no HTML entities, brackets not read as markup.
    assert ">= 0" in result.output
    assert "&gt;" not in result.output


@pytest.mark.parametrize(("text", "days"), [("28d", 28), ("2w", 14)])
def test_durations(text, days):
    assert parse_duration(text).days == days


def test_events_and_overrides_parse():
    event = parse_event("campaign:2020-03-16..2020-03-20:1.4")
    assert (event.name, event.volume_factor, event.last_day.day) == ("campaign", 1.4, 20)
    override = parse_override("2020-04-01..2020-04-02=-5", timezone="Europe/Amsterdam")
    assert override.contacts_per_interval == -5.0
    with pytest.raises(InputError):
        parse_override("tomorrow=+10%", timezone="Europe/Amsterdam")


def test_a_history_without_handle_times_needs_an_aht(app, tmp_path):
    history = tmp_path / "h.csv"
    lines = ["queue,interval_start,volume"]
    lines += [f"q,2020-01-{day:02d}T{hour:02d}:00:00+01:00,{hour % 5}" for day in range(1, 32)
              for hour in range(24)]  # fmt: skip
    history.write_text("\n".join(lines) + "\n")
    out = str(tmp_path / "f.csv")
    args = ["forecast", str(history), "--horizon", "1d", "--interval", "60m",
            "--no-interval-models", "--backtest-origins", "1", "--out", out]  # fmt: skip
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2
    assert "--aht-seconds" in refused.output
    accepted = CliRunner().invoke(app, [*args, "--aht-seconds", "240"])
    assert accepted.exit_code == 0, accepted.output
    rows = (tmp_path / "f.csv").read_text().splitlines()[1:]
    assert {row.split(",")[3] for row in rows} == {"240.0"}


def test_a_forecast_that_fails_while_written_keeps_the_previous_file(app, tmp_path, monkeypatch):
    out, report = tmp_path / "forecast.csv", tmp_path / "forecast.html"
    out.write_text("earlier forecast\n", encoding="utf-8")

    def fails_half_way(forecasts, handle):
        handle.write("queue,interval_start,volume,aht_seconds\nsales,2020-04-0")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bezetting.cli.forecast.write_forecast", fails_half_way)
    result = CliRunner().invoke(app, _week_of_example_history(out, report))
    assert result.exit_code == 2
    assert "No space left on device" in result.output
    assert out.read_text(encoding="utf-8") == "earlier forecast\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forecast.csv"]
