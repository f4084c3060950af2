"""``bezetting plan``: forecast, requirements, schedule and check on a fresh install's database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bezetting.cli import app
from bezetting.services.schedules import ShiftPlan, create_schedule, publish_schedule
from bezetting.store import configured_sessions, transaction
from bezetting.store.models import Agent
from tests.services.planning_world import AMSTERDAM, FIRST_DAY, draft_by_hand

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("planning_world_on_disk")


def test_a_planner_forecasts_staffs_schedules_and_checks_from_the_command_line() -> None:
    result = runner.invoke(
        app, ["plan", "forecast", "--queue", "general", "--from", "2020-03-16", "--days", "7"]
    )
    assert result.exit_code == 0, result.output
    assert "backtest WAPE" in result.output
    assert "erlang-c" in result.output
    result = runner.invoke(app, ["plan", "requirements", "--forecast", "1", "--shrinkage", "30%"])
    assert result.exit_code == 0, result.output
    assert "peak gross agents" in result.output
    result = runner.invoke(
        app, ["plan", "schedule", "--from", "2020-03-16", "--weeks", "1", "--time-limit", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "saved as a draft at version 1" in result.output
    assert "violations 0" in result.output
    found = re.search(r"schedule (\d+) saved", result.output)
    assert found is not None
    result = runner.invoke(app, ["plan", "check", "--schedule", found.group(1)])
    assert result.exit_code == 0, result.output
    assert "0 violation(s)" in result.output
    assert "other planning settings" not in result.output


def test_checking_says_when_the_schedule_was_built_by_other_settings(tmp_path: Path) -> None:
    for command in (
        ["plan", "forecast", "--queue", "general", "--from", "2020-03-16", "--days", "7"],
        ["plan", "requirements", "--forecast", "1"],
        ["plan", "schedule", "--from", "2020-03-16", "--weeks", "1", "--time-limit", "5"],
    ):
        assert runner.invoke(app, command).exit_code == 0
    cao = tmp_path / "cao.yaml"
    cao.write_text("rules:\n  name: CAO Klantcontact\n  min_daily_rest_minutes: 720\n")
    result = runner.invoke(app, ["plan", "settings", "set", "--file", str(cao)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["plan", "check", "--schedule", "1"])
    assert "Schedule 1 was built by other planning settings than those stored now" in result.output


def test_checking_names_each_agent_by_employee_number_and_name() -> None:
    for command in (
        ["plan", "forecast", "--queue", "general", "--from", "2020-03-16", "--days", "7"],
        ["plan", "requirements", "--forecast", "1"],
    ):
        assert runner.invoke(app, command).exit_code == 0
    tuesday = datetime.combine(FIRST_DAY + timedelta(days=1), time(0), AMSTERDAM)
    with configured_sessions() as sessions:
        with transaction(sessions) as session:
            bram = session.scalar(select(Agent.id).where(Agent.external_id == "B2"))
        assert bram is not None
        draft = draft_by_hand(  # 13 hours: longer than a shift may be
            sessions,
            ShiftPlan(
                agent_id=bram,
                starts_at=tuesday + timedelta(hours=7),
                ends_at=tuesday + timedelta(hours=20),
            ),
        )
    result = runner.invoke(app, ["plan", "check", "--schedule", str(draft)])
    assert result.exit_code == 1, result.output
    bram_too_long = r"^B2 \(Bram\)\s+shift_max_work\s+2020-03-17T07:00:00\+01:00\s"
    assert re.search(bram_too_long, result.output, re.MULTILINE), result.output


def test_the_first_day_is_typed_as_the_imports_read_it_and_a_month_first_date_refused() -> None:
    dutch = runner.invoke(app, ["plan", "forecast", "--queue", "nope", "--from", "16-03-2020"])
    assert dutch.exit_code == 2
    assert "no queue 'nope'" in dutch.output  # the day was read; the queue is what is wrong
    american = runner.invoke(
        app, ["plan", "forecast", "--queue", "general", "--from", "03/16/2020"]
    )
    assert american.exit_code == 2
    assert "dates are read day first" in " ".join(american.output.replace("│", " ").split())


def test_unknown_queue_and_forecast_are_clear_errors() -> None:
    result = runner.invoke(app, ["plan", "forecast", "--queue", "nope", "--from", "2020-03-16"])
    assert result.exit_code == 2
    assert "no queue 'nope' in 'planbureau'; known: general" in result.output
    result = runner.invoke(app, ["plan", "requirements", "--forecast", "42"])
    assert result.exit_code == 2
    assert "no forecast with id 42" in result.output
    result = runner.invoke(app, ["plan", "schedule", "--from", "2020-03-16", "--weeks", "1"])
    assert result.exit_code == 2
    assert "compute requirements first" in result.output


def test_a_published_schedule_is_checked_with_the_other_published_shifts_and_says_so() -> None:
    for command in (
        ["plan", "forecast", "--queue", "general", "--from", "2020-03-16", "--days", "7"],
        ["plan", "requirements", "--forecast", "1"],
    ):
        assert runner.invoke(app, command).exit_code == 0
    monday = datetime.combine(FIRST_DAY, time(0), AMSTERDAM)
    with configured_sessions() as sessions:
        with transaction(sessions) as session:
            bram = session.scalar(select(Agent.id).where(Agent.external_id == "B2"))
        assert bram is not None
        for day in (0, 2):  # Monday in one published schedule, Wednesday in another
            start = monday + timedelta(days=day, hours=8)
            draft = create_schedule(
                sessions,
                name=f"day {day}",
                period_start=FIRST_DAY,
                period_end=FIRST_DAY + timedelta(days=6),
                now=datetime.now(UTC),
                organisation="planbureau",
                shifts=[
                    ShiftPlan(agent_id=bram, starts_at=start, ends_at=start + timedelta(hours=5))
                ],
            )
            publish_schedule(
                sessions, draft.id, expected_version=draft.version, now=datetime.now(UTC)
            )
    result = runner.invoke(app, ["plan", "check", "--schedule", "1"])
    said = " ".join(result.output.split())
    assert "is checked with the agents' 1 shift(s) of published schedule(s) 2" in said
    assert not re.search(r"^B2 \(Bram\)\s+contract_min_per_week", result.output, re.MULTILINE)
