"""Scenario files: the documented example reads as intended; bad files name field and reason."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from bezetting.core.simulate import (
    Fixed,
    LogNormal,
    ReplayArrivals,
    RequirementStaffing,
    ScenarioError,
    scenario_from_yaml,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "scenarios"

MINIMAL = """
start: "2020-03-16T08:00:00+01:00"
interval_minutes: 15
intervals: 4
queues:
  - name: general
    arrivals: {per_interval: [10, 12, 14, 8]}
    handle_time: {distribution: exponential, mean_seconds: 300}
    patience: {distribution: exponential, mean_seconds: 120}
  - name: chat
    channel: chat
    arrivals: {per_hour: 20}
    handle_time: {distribution: exponential, mean_seconds: 600}
    patience: {distribution: exponential, mean_seconds: 240}
agent_groups:
  - name: desk
    skills: [general, chat]
    staffing: {agents: 5}
"""


def test_the_surge_example_reads_as_documented() -> None:
    scenario = scenario_from_yaml((EXAMPLES / "surge-march-2020.yaml").read_text())
    voice, chat = scenario.queues
    assert scenario.n_intervals == 7 * 48
    assert scenario.interval_seconds == 1800
    # Calls x2.2 from Monday 16 March (day 3 of the grid), chat untouched.
    rates = scenario.arrival_rates(voice)
    day = 48
    np.testing.assert_allclose(rates[3 * day : 4 * day], 2.2 * rates[:day])
    np.testing.assert_allclose(rates[2 * day : 3 * day], rates[:day])
    np.testing.assert_allclose(
        scenario.arrival_rates(chat)[3 * day :], np.tile(scenario.arrival_rates(chat)[:day], 4)
    )
    # Redial 30% after 5 minutes.
    assert voice.redial is not None
    assert voice.redial.probability == pytest.approx(0.3)
    assert voice.redial.delay == Fixed(300.0)
    assert voice.handle_time == LogNormal(420, 300)
    newcomers = scenario.agent_groups[1]
    assert newcomers.handle_time_factor == 1.4
    assert newcomers.chat_concurrency == 2


def test_the_schedule_example_cuts_breaks_out_of_shifts() -> None:
    scenario = scenario_from_yaml((EXAMPLES / "schedule-check.yaml").read_text())
    desk = scenario.agent_groups[0]
    anna = scenario.on_duty_segments(desk)[0]
    # 08:00-16:30 with breaks 10:00-10:15 and 12:00-12:30; seconds from 08:00.
    assert anna == [(0.0, 7200.0), (8100.0, 14400.0), (16200.0, 30600.0)]


def test_a_minimal_file_with_constant_rates_and_staffing() -> None:
    scenario = scenario_from_yaml(MINIMAL)
    assert scenario.arrival_rates(scenario.queues[1]).tolist() == [5.0] * 4
    staffing = scenario.agent_groups[0].staffing
    assert isinstance(staffing, RequirementStaffing)
    assert staffing.agents_per_interval.tolist() == [5]


def test_clock_times_are_not_read_as_sexagesimal_numbers() -> None:
    text = MINIMAL.replace(
        "    staffing: {agents: 5}",
        "    schedule:\n      - name: a\n        shifts: [{start: 8:30, end: 9:00}]",
    )
    scenario = scenario_from_yaml(text)
    assert scenario.on_duty_segments(scenario.agent_groups[0]) == [[(1800.0, 3600.0)]]


def test_replays_are_read_through_the_callers_reader() -> None:
    from datetime import datetime

    text = MINIMAL.replace("arrivals: {per_hour: 20}", "arrivals: {replay: calls.csv}")
    asked: list[str] = []

    def reader(name: str) -> list[datetime]:
        asked.append(name)
        return [datetime.fromisoformat("2020-03-16T08:01:40+01:00")]

    scenario = scenario_from_yaml(text, read_replay=reader)
    assert asked == ["calls.csv"]
    arrivals = scenario.queues[1].arrivals
    assert isinstance(arrivals, ReplayArrivals)
    assert arrivals.times_seconds.tolist() == [100.0]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "patience: {distribution: exponential, mean_seconds: 240}",
            "patience: {distribution: exponential, mean_seconds: -3}",
            "queues[1].patience.mean_seconds: must be a finite number > 0, got -3.0",
        ),
        (
            "patience: {distribution: exponential, mean_seconds: 240}",
            "patience: {distribution: gamma, mean_seconds: 240}",
            "queues[1].patience.distribution: must be one of exponential, lognormal, empirical",
        ),
        ("    channel: chat", "    channel: fax", "queues[1].channel: must be one of voice, chat"),
        ("    channel: chat", "    chanel: chat", "queues[1].chanel: unknown field"),
        (
            "skills: [general, chat]",
            "skills: [general, email]",
            "agent_groups[0].skills[1].queue: no queue is named 'email'",
        ),
        (
            "[10, 12, 14, 8]",
            "[10, 12, 14]",
            "queues[0].arrivals.per_interval: has 3 values, which must equal the 4 intervals",
        ),
        (
            "[10, 12, 14, 8]",
            "[10, -12, 14, 8]",
            "queues[0].arrivals.per_interval[1]: must be >= 0, got -12",
        ),
        (
            "staffing: {agents: 5}",
            "staffing: {agents: 2.5}",
            "agent_groups[0].staffing.agents: must be a whole number, got 2.5",
        ),
        (
            "interval_minutes: 15",
            "interval_minutes: 7",
            "interval_minutes: must divide a day (15, 30 or 60), got 7",
        ),
        (
            'start: "2020-03-16T08:00:00+01:00"',
            'start: "2020-03-16T08:00:00"',
            "start: needs a UTC offset",
        ),
        ("  - name: chat\n", "  - name: general\n", "queues[1]: the name 'general' is used twice"),
        (
            "    handle_time: {distribution: exponential, mean_seconds: 600}\n",
            "",
            "queues[1].handle_time: is required",
        ),
    ],
)
def test_bad_files_name_the_field_and_the_reason(old: str, new: str, message: str) -> None:
    assert old in MINIMAL
    with pytest.raises(ScenarioError) as caught:
        scenario_from_yaml(MINIMAL.replace(old, new, 1))
    assert message in str(caught.value)


def test_redial_shares_and_break_placement_are_checked() -> None:
    redial = MINIMAL.replace(
        "mean_seconds: 120}",
        "mean_seconds: 120}\n    redial: {probability: 130%, after_seconds: 60}",
    )
    with pytest.raises(ScenarioError, match=r"queues\[0\]\.redial\.probability: must be from 0"):
        scenario_from_yaml(redial)
    outside = MINIMAL.replace(
        "    staffing: {agents: 5}",
        "    schedule:\n      - name: a\n        shifts: [{start: '08:00', end: '09:00',"
        " breaks: [{start: '08:50', minutes: 15}]}]",
    )
    with pytest.raises(ScenarioError, match=r"agent_groups\[0\]\.schedule\[0\]\.shifts\[0\]"):
        scenario_from_yaml(outside)


def test_text_that_is_not_yaml_gives_the_line() -> None:
    with pytest.raises(ScenarioError, match="not valid YAML at line 3, column 1"):
        scenario_from_yaml("queues:\n  - [unclosed\n")


def test_the_example_folder_is_where_the_tests_expect_it() -> None:
    assert sorted(os.listdir(EXAMPLES)) == ["schedule-check.yaml", "surge-march-2020.yaml"]
