"""The report's coverage chart has axes a reader can use: agents and local time, labelled."""

from __future__ import annotations

import re
from datetime import date

import numpy as np

from bezetting.core.schedule import Coverage, Horizon
from bezetting.core.schedule._chart import coverage_svg
from bezetting.core.schedule._time import from_epoch


def coverage(days: int, required: int, staffed: int) -> Coverage:
    grid = Horizon(date(2020, 3, 28), days).grid()  # Saturday 28 March: summer time on Sunday
    n = grid.n_slots
    starts = tuple(from_epoch(int(t), grid.tz) for t in grid.slot_start)
    req = np.full((1, n), required, dtype=np.int64)
    have = np.full((1, n), staffed, dtype=np.int64)
    have[0, : n // 2] = required  # the first half is covered, the second half is short
    return Coverage(starts, ("voice",), req, have)


def test_the_agent_axis_has_round_ticks_from_zero_past_the_highest_value() -> None:
    svg = coverage_svg(coverage(2, 13, 4), 0, timezone="Europe/Amsterdam")
    ticks = re.findall(r"text-anchor='end'>(\d+)</text>", svg)
    assert ticks == ["0", "5", "10", "15"]
    assert ">agents</text>" in svg


def test_the_time_axis_labels_every_local_day_and_hours_on_short_horizons() -> None:
    svg = coverage_svg(coverage(2, 3, 1), 0, timezone="Europe/Amsterdam")
    assert "Sat 28 Mar" in svg
    assert "Sun 29 Mar" in svg
    assert "local time (Europe/Amsterdam), 15 minutes per slot" in svg
    hours = re.findall(r">(\d\d:\d\d)</text>", svg)
    # Sunday loses 02:00-03:00 to summer time: 03:00 still appears, every 3 hours from 03:00.
    assert hours == ["03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00"] * 2


def test_long_horizons_keep_the_day_labels_readable() -> None:
    svg = coverage_svg(coverage(28, 3, 1), 0, timezone="Europe/Amsterdam")
    labels = re.findall(r">(\w{3} \d\d \w{3})</text>", svg)
    assert 7 <= len(labels) <= 14
    assert not re.findall(r">(\d\d:\d\d)</text>", svg)


def test_every_short_slot_is_drawn_in_red_and_the_requirement_as_a_line() -> None:
    cov = coverage(1, 3, 1)
    svg = coverage_svg(cov, 0, timezone="Europe/Amsterdam")
    assert svg.count("fill='#d33' shape-rendering") == int((cov.shortage[0] > 0).sum())
    [line] = re.findall(r"<polyline points='([^']*)'", svg)
    assert len(line.split()) == 2 * cov.required.shape[1]
