"""The schedule CSV read back after hand edits: every bad row named at once, or a schedule."""

from __future__ import annotations

import pytest
from _schedule_factory import agent, at, problem, shift

from bezetting.core.errors import BadRowsError, RowError
from bezetting.core.schedule import Activity, ActivityKind, Schedule, Shift
from bezetting.core.schedule.files import SCHEDULE_COLUMNS, schedule_from_csv, schedule_to_csv

HEADER = ",".join(SCHEDULE_COLUMNS) + "\n"
SHIFT = "ann,2020-03-16T08:00:00+01:00,2020-03-16T16:30:00+01:00,day"


def where(error: BadRowsError) -> list[tuple[int, str]]:
    return [(row.line, row.column) for row in error.rows]


def test_a_written_schedule_reads_back_as_the_same_schedule() -> None:
    lunch = shift("ann", 0, "08:00", "16:30", ("12:00", "12:30"))
    work = Activity(ActivityKind.WORK, at(0, "08:00"), at(0, "12:00"), "voice", "queue")
    planned = Schedule(
        (
            Shift("ann", lunch.start, lunch.end, (work, *lunch.activities), "day"),
            shift("bob", 1, "14:00", "22:30"),  # a shift without activities: one empty row
        )
    )
    assert set(schedule_from_csv(schedule_to_csv(planned)).shifts) == set(planned.shifts)


def test_every_bad_row_is_named_at_once_with_its_line_column_and_reason() -> None:
    text = HEADER + (
        f"{SHIFT},work,2020-03-16T08:00:00+01:00,2020-03-16T12:00:00+01:00,voice,\n"
        f"{SHIFT},work,2020-03-16 25:00,2020-03-16T13:30:00+01:00,voice,\n"
        f"{SHIFT},break,2020-03-16T23:00:00+01:00,2020-03-16T12:30:00+01:00,,\n"
        "zoe,2020-03-16T08:00:00+01:00,2020-03-16T16:30:00+01:00,day,,,,,\n"
        f"{SHIFT},lunch,2020-03-16T12:00:00+01:00,2020-03-16T12:30:00+01:00,,\n"
    )
    with pytest.raises(BadRowsError) as caught:
        schedule_from_csv(text, problem=problem(agent("ann")))
    assert where(caught.value) == [
        (3, "activity_start"),
        (4, "activity_end"),
        (5, "agent_id"),
        (6, "activity"),
    ]
    reasons = [row.reason for row in caught.value.rows]
    assert "'2020-03-16 25:00' is not an ISO 8601 date-time" in reasons[0]
    assert "2020-03-16T12:30:00+01:00 is not after the activity's start" in reasons[1]
    assert "unknown agent 'zoe'; the problem's agents are ann" in reasons[2]
    assert "'lunch' is not an activity; use work, break or event" in reasons[3]
    # The message a user sees names every row, each on its own line.
    assert str(caught.value).count("\n  line ") == 4


def test_a_time_without_utc_offset_is_named_and_what_to_write_instead() -> None:
    text = HEADER + "ann,2020-03-16T08:00:00,2020-03-16T16:30:00+01:00,day,,,,,\n"
    with pytest.raises(BadRowsError) as caught:
        schedule_from_csv(text)
    [row] = caught.value.rows
    assert (row.line, row.column) == (2, "shift_start")
    assert "has no UTC offset" in row.reason
    assert "+01:00" in row.reason


def test_a_shift_that_ends_before_it_starts_is_named_on_each_of_its_rows() -> None:
    backwards = "ann,2020-03-16T16:30:00+01:00,2020-03-16T08:00:00+01:00,day"
    text = HEADER + (
        f"{backwards},work,2020-03-16T08:00:00+01:00,2020-03-16T12:00:00+01:00,voice,\n"
        f"{backwards},break,2020-03-16T12:00:00+01:00,2020-03-16T12:30:00+01:00,,\n"
    )
    with pytest.raises(BadRowsError) as caught:
        schedule_from_csv(text)
    assert where(caught.value) == [(2, "shift_end"), (3, "shift_end")]


def test_a_skill_group_the_problem_does_not_know_is_a_bad_row() -> None:
    text = HEADER + f"{SHIFT},work,2020-03-16T08:00:00+01:00,2020-03-16T12:00:00+01:00,voce,\n"
    with pytest.raises(BadRowsError) as caught:
        schedule_from_csv(text, problem=problem(agent("ann")))
    [row] = caught.value.rows
    assert (row.line, row.column) == (2, "skill_group")
    assert "unknown skill group 'voce'; the problem's groups are voice" in row.reason
    # Without a problem to compare with, the reader has no list of names to check against.
    assert schedule_from_csv(text).shifts[0].activities[0].skill_group == "voce"


def test_line_numbers_count_blank_lines_and_short_rows_are_named_not_crashed_on() -> None:
    text = HEADER + (
        "\n"
        f"{SHIFT},work,2020-03-16T08:00:00+01:00,2020-03-16T12:00:00+01:00,voice,\n"
        "ann,2020-03-16T08:00:00+01:00\n"
    )
    with pytest.raises(BadRowsError) as caught:
        schedule_from_csv(text)
    [row] = caught.value.rows
    assert isinstance(row, RowError)
    assert (row.line, row.column) == (4, "shift_end")
    assert "empty" in row.reason


def test_missing_columns_are_named_from_the_header() -> None:
    with pytest.raises(BadRowsError) as caught:
        schedule_from_csv("agent_id,shift_start,shift_end\nann,x,y\n", source="edited.csv")
    assert caught.value.source == "edited.csv"
    assert where(caught.value) == [
        (1, "shift_name"),
        (1, "activity"),
        (1, "activity_start"),
        (1, "activity_end"),
    ]


def test_a_row_with_a_label_over_two_lines_is_named_by_its_first_line_and_extra_cells_too() -> None:
    text = HEADER + (
        f'{SHIFT},work,2020-03-16T08:00:00+01:00,2020-03-16T12:00:00+01:00,voice,"call\n'
        'back"\n'  # a quoted label over two lines: lines 2 and 3
        f"{SHIFT},work,2020-03-16T12:00:00+01:00,2020-03-16T11:00:00+01:00,voice,\n"  # line 4
        f"{SHIFT},work,2020-03-16T12:00:00+01:00,2020-03-16T16:30:00+01:00,voice,a,b\n"  # line 5
    )
    with pytest.raises(BadRowsError) as caught:
        schedule_from_csv(text)
    assert where(caught.value) == [(4, "activity_end"), (5, "label")]
    assert "quote a value that holds a comma" in caught.value.rows[1].reason
