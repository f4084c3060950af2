"""``bezetting schedule`` as a planner uses it: solve to CSV, report and calendars; check edits."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from bezetting.cli import app
from bezetting.core.errors import InputError

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "schedule" / "problem.yaml"


def test_solve_writes_csv_report_and_calendars(tmp_path: Path) -> None:
    out, report, ics = tmp_path / "s.csv", tmp_path / "s.html", tmp_path / "ics"
    result = runner.invoke(
        app,
        [
            "schedule",
            str(EXAMPLE),
            "--time-limit",
            "5",
            "--out",
            str(out),
            "--report",
            str(report),
            "--ics-dir",
            str(ics),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "violations 0" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {r["agent_id"] for r in rows} <= {"anouk", "bram", "chantal", "daan", "eva"}
    assert {r["activity"] for r in rows} >= {"work", "break"}
    page = report.read_text()
    assert "Coverage: voice" in page
    assert "None: every shift keeps the labour rules." in page  # an empty section says so
    cal = Calendar.from_ical((ics / "daan.ics").read_bytes())
    assert cal.walk("VEVENT")
    # The schedule written is legal when checked back.
    checked = runner.invoke(app, ["schedule", str(EXAMPLE), "--check", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "0 violation(s)" in checked.output


def test_check_lists_violations_of_a_hand_edited_schedule(tmp_path: Path) -> None:
    edited = tmp_path / "edited.csv"
    edited.write_text(
        "agent_id,shift_start,shift_end,shift_name,activity,activity_start,activity_end,skill_group,label\n"
        "bram,2020-03-16T14:00:00+01:00,2020-03-16T22:30:00+01:00,late,break,"
        "2020-03-16T18:00:00+01:00,2020-03-16T18:30:00+01:00,,\n"
        "bram,2020-03-17T06:00:00+01:00,2020-03-17T13:00:00+01:00,early,,,,,\n"
    )
    result = runner.invoke(app, ["schedule", str(EXAMPLE), "--check", str(edited)])
    assert result.exit_code == 1
    assert "daily_rest" in result.output  # 7.5 h between the shifts
    assert "break_too_short" in result.output  # 7 h of work without a break


def test_check_names_every_bad_row_of_an_edited_schedule_at_once(tmp_path: Path) -> None:
    shift = "bram,2020-03-16T14:00:00+01:00,2020-03-16T22:30:00+01:00,late"
    edited = tmp_path / "edited.csv"
    edited.write_text(
        "agent_id,shift_start,shift_end,shift_name,activity,activity_start,activity_end,skill_group,label\n"
        f"{shift},work,2020-03-16T14:00:00+01:00,2020-03-16T18:00:00+01:00,voice,\n"
        f"{shift},work,2020-03-16 25:00,2020-03-16T18:30:00+01:00,voice,\n"
        f"{shift},break,2020-03-16T23:00:00+01:00,2020-03-16T17:00:00+01:00,,\n"
        "zoe,2020-03-17T08:00:00+01:00,2020-03-17T16:30:00+01:00,early,,,,,\n"
        f"{shift},lunch,2020-03-16T18:00:00+01:00,2020-03-16T18:30:00+01:00,,\n",
        encoding="utf-8-sig",  # as a spreadsheet saves "CSV UTF-8": with a byte-order mark
    )
    result = runner.invoke(app, ["schedule", str(EXAMPLE), "--check", str(edited)])
    assert result.exit_code == 2, result.output
    assert f"{edited}: 4 bad row(s)" in result.output
    for line, column in [
        (3, "activity_start"),
        (4, "activity_end"),
        (5, "agent_id"),
        (6, "activity"),
    ]:
        assert f"line {line}, column '{column}'" in result.output
    assert "violation" not in result.output  # nothing checked against the rules: all or nothing


def test_an_unreadable_schedule_file_is_a_clear_error(tmp_path: Path) -> None:
    edited = tmp_path / "edited.csv"
    edited.write_bytes(b"agent_id,shift_start\n\xff\xfe\x00\n")
    result = runner.invoke(app, ["schedule", str(EXAMPLE), "--check", str(edited)])
    assert result.exit_code == 2
    assert "not UTF-8 text" in result.output


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("horizon: {days: 7}\n")
    result = runner.invoke(app, ["schedule", str(bad)])
    assert result.exit_code == 2
    assert "first_day" in result.output


def test_every_bad_field_of_a_problem_file_is_named_at_once(tmp_path: Path) -> None:
    text = (
        EXAMPLE.read_text()
        .replace(
            "max_hours: 40}\n    skills: [voice]\n    events:",
            "max_hours: forty}\n    skills: [voice]\n    events:",
        )
        .replace('start: "12:30"', 'start: "12:70"')
        .replace("agents: 3,", "agents: -1,")
    )
    bad = tmp_path / "problem.yaml"
    bad.write_text(text)
    edited = tmp_path / "edited.csv"
    edited.write_text("agent_id\n")
    for extra in ([], ["--check", str(edited)]):
        result = runner.invoke(app, ["schedule", str(bad), *extra])
        assert result.exit_code == 2, result.output
        output = " ".join(result.output.split())  # the console wraps long lines
        assert "problem.yaml: 3 bad field(s):" in output
        assert "skill_groups[0].demand[1].agents (skill group 'voice'): must be a whole" in output
        assert "shifts[1].start (shift 'late'): '12:70' is not a clock time" in output
        assert "agents[3].contract.max_hours (agent 'daan'): must be a number of hours" in output


def test_the_house_break_policy_places_one_lunch_mid_shift(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["schedule", str(EXAMPLE), "--time-limit", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    breaks = [r for r in rows if r["activity"] == "break"]
    assert breaks
    minute = 60
    for r in breaks:
        start, end = (
            datetime.fromisoformat(r["activity_start"]),
            datetime.fromisoformat(r["activity_end"]),
        )
        assert (end - start).total_seconds() == 30 * minute  # one lunch, not two quarters
        shift_start = datetime.fromisoformat(r["shift_start"])
        shift_end = datetime.fromisoformat(r["shift_end"])
        assert (start - shift_start).total_seconds() >= 150 * minute
        assert (shift_end - end).total_seconds() >= 150 * minute


def test_a_bad_break_policy_is_named(tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    for policy, reason in [
        ("breaks: {lunch_minutes: 30}", "unknown key(s) lunch_minutes"),
        ("breaks: {part_minutes: half}", "part_minutes must be a whole number"),
        ("breaks: {part_minutes: 10}", "shorter than the rule pack's shortest break part"),
        ("breaks: {earliest_after_start_minutes: -5}", "must be 0 or more"),
        ("breaks: [30]", "breaks must be a mapping"),
    ]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text.split("\nbreaks:")[0] + "\n" + policy + "\n")
        result = runner.invoke(app, ["schedule", str(bad)])
        assert result.exit_code == 2, (policy, result.output)
        assert reason in result.output, (policy, result.output)


def test_a_misspelt_key_is_named_with_the_key_it_most_likely_meant(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("\nweights:", "\nweight:", 1))
    result = runner.invoke(app, ["schedule", str(bad)])
    assert result.exit_code == 2, result.output
    assert "weight: unknown key; did you mean weights?" in result.output


def test_a_failure_while_writing_results_keeps_the_previous_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The calendar of the second agent fails: nothing of this run is written (every output is
    # made before the first is written), the earlier files stay whole, no temporary file stays.
    out, report, ics = tmp_path / "s.csv", tmp_path / "s.html", tmp_path / "ics"
    ics.mkdir()
    out.write_text("earlier schedule\n", encoding="utf-8")
    report.write_text("earlier report\n", encoding="utf-8")
    (ics / "anouk.ics").write_bytes(b"earlier calendar\r\n")
    calendars: list[str] = []

    def failing_ics(schedule: object, agent_id: str) -> bytes:
        calendars.append(agent_id)
        if len(calendars) == 2:
            raise InputError(f"cannot make the calendar of {agent_id}")
        return b"BEGIN:VCALENDAR\r\n"

    monkeypatch.setattr("bezetting.cli.schedule.schedule_ics", failing_ics)
    result = runner.invoke(
        app,
        ["schedule", str(EXAMPLE), "--time-limit", "2", "--out", str(out), "--report",
         str(report), "--ics-dir", str(ics)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "cannot make the calendar of" in result.output
    assert out.read_text(encoding="utf-8") == "earlier schedule\n"
    assert report.read_text(encoding="utf-8") == "earlier report\n"
    assert {p.name: p.read_bytes() for p in ics.iterdir()} == {"anouk.ics": b"earlier calendar\r\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ics", "s.csv", "s.html"]


def test_an_output_that_cannot_be_written_is_named_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "report.txt"  # a file where the output's folder would have to be
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(
        app, ["schedule", str(EXAMPLE), "--time-limit", "2", "--out", str(blocker / "s.csv")]
    )
    assert result.exit_code == 2, result.output
    assert "error:" in result.output
    assert "report.txt" in " ".join(result.output.split())
    assert isinstance(result.exception, SystemExit), "a message, not a traceback"
