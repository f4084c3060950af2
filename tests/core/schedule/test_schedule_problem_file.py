"""The problem file read into a problem: every bad field named at once, by its path."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bezetting.core.errors import BadFieldsError, InputError
from bezetting.core.schedule import ShiftTemplate
from bezetting.core.schedule.files import problem_from_mapping

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "schedule" / "problem.yaml"


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def bad_fields(data: Any) -> list[tuple[str, str, str]]:
    with pytest.raises(BadFieldsError) as caught:
        problem_from_mapping(data, source="problem.yaml")
    return [(f.path, f.label, f.reason) for f in caught.value.fields]


def test_the_example_reads_as_written() -> None:
    problem = problem_from_mapping(example())
    assert [a.id for a in problem.agents] == ["anouk", "bram", "chantal", "daan", "eva"]
    assert problem.agents[3].contract.max_minutes_per_week == 40 * 60
    assert problem.shifts[1] == ShiftTemplate("late", problem.shifts[1].start, 510)
    assert problem.breaks.part_minutes == 30


def test_three_independent_mistakes_are_all_named_with_their_places() -> None:
    data = example()
    data["agents"][3]["contract"]["max_hours"] = "forty"
    data["shifts"][1]["start"] = "12:70"
    data["skill_groups"][0]["demand"][1]["agents"] = -1
    found = bad_fields(data)
    assert [(path, label) for path, label, _ in found] == [
        ("skill_groups[0].demand[1].agents", "skill group 'voice'"),
        ("shifts[1].start", "shift 'late'"),
        ("agents[3].contract.max_hours", "agent 'daan'"),
    ]
    assert "number of hours >= 0, got 'forty'" in found[2][2]
    assert "'12:70' is not a clock time" in found[1][2]


def test_the_message_lists_every_field_with_its_agent() -> None:
    data = example()
    data["agents"][0]["skills"].append("email")
    data["agents"][1]["wishes"][0] = {"id": "bram-x", "weight": 1}
    data["weights"]["wish_not_met"] = "veel"
    with pytest.raises(InputError) as caught:  # what callers catch
        problem_from_mapping(data, source="problem.yaml")
    message = str(caught.value)
    assert message.startswith("problem.yaml: 3 bad field(s):")
    assert "agents[0].skills (agent 'anouk'): unknown skill group(s) ['email']" in message
    assert "agents[1].wishes[0] (agent 'bram'): needs exactly one of day_off" in message
    assert "weights.wish_not_met: must be a number" in message


@pytest.mark.parametrize(
    ("change", "path", "reason"),
    [
        (lambda d: d["horizon"].pop("first_day"), "horizon.first_day", "is required"),
        (lambda d: d["horizon"].update(days=50), "horizon.days", "1 to 42 days"),
        (lambda d: d["agents"][4].update(id="anouk"), "agents[4].id", "id of an earlier agent"),
        (
            lambda d: d["agents"][2]["contract"].update(employment="zzp"),
            "agents[2].contract.employment",
            "'zzp' is not one of permanent",
        ),
        (
            lambda d: d["agents"][0]["contract"].update(min_hours=40),
            "agents[0].contract",
            "min <= target",
        ),
        (
            lambda d: d["agents"][4]["unavailable"].append(["2020-03-19", "morgen"]),
            "agents[4].unavailable[1]",
            "'morgen' is not an ISO 8601 date-time",
        ),
        (
            lambda d: d["agents"][0].update(templates=["night"]),
            "agents[0].templates",
            "unknown shift shape(s) ['night']",
        ),
        (
            lambda d: d["skill_groups"].append({"name": "voice"}),
            "skill_groups[2].name",
            "name of an earlier group",
        ),
        (
            lambda d: d["skill_groups"][1]["opening"].update(maandag=["09:00", "17:00"]),
            "skill_groups[1].opening.maandag",
            "unknown key 'maandag'",
        ),
        (lambda d: d.update(rules={"daily_rest": 600}), "rules", "unknown rule(s)"),
        (lambda d: d.update(breaks={"part_minutes": 10}), "breaks", "shorter than the rule pack"),
        (lambda d: d.update(breaks={"lunch_minutes": 30}), "breaks", "unknown key(s) lunch"),
        (lambda d: d["shifts"][2].update(weekdays=[5, 7]), "shifts[2].weekdays", "0 (Monday) to 6"),
        (lambda d: d.update(agents={"id": "x"}), "agents", "must be a list"),
    ],
)
def test_one_mistake_is_named_alone_by_its_path(change: Any, path: str, reason: str) -> None:
    data = example()
    change(data)
    found = bad_fields(data)
    assert len(found) == 1, found
    assert found[0][0] == path
    assert reason in found[0][2]


def test_a_bad_horizon_is_named_alone_as_everything_is_read_against_it() -> None:
    data = example()
    data["horizon"]["timezone"] = "Europe/Amsterdamm"
    data["agents"][3]["contract"]["max_hours"] = "forty"
    assert bad_fields(data) == [("horizon.timezone", "", "unknown time zone 'Europe/Amsterdamm'")]


def test_a_file_that_is_not_a_mapping_is_named() -> None:
    assert bad_fields(["horizon"]) == [
        ("", "", "must be a mapping (horizon, skill_groups, agents, ...)")
    ]


def test_an_agents_employment_dates_are_read_and_a_bad_one_is_named() -> None:
    data = example()
    data["agents"][1]["employed_until"] = "2020-03-18"
    data["agents"][2]["employed_from"] = date(2020, 3, 19)
    problem = problem_from_mapping(data)
    assert (problem.agents[1].employed_from, problem.agents[1].employed_until) == (
        None,
        date(2020, 3, 18),
    )
    assert problem.agents[2].employed_from == date(2020, 3, 19)
    data["agents"][1]["employed_until"] = "18-03-2020"
    assert bad_fields(data) == [
        (
            "agents[1].employed_until",
            "agent 'bram'",
            "'18-03-2020' is not a date YYYY-MM-DD",
        )
    ]


def test_paid_leave_hours_per_week_are_read_and_a_bad_one_is_named() -> None:
    data = example()
    data["agents"][1]["paid_leave_hours"] = [19.2]
    problem = problem_from_mapping(data)
    assert problem.agents[1].paid_leave_minutes == (1152,)
    assert problem.agents[0].paid_leave_minutes == ()
    data["agents"][1]["paid_leave_hours"] = [-8]
    assert bad_fields(data) == [
        ("agents[1].paid_leave_hours[0]", "agent 'bram'", "must be a number of hours >= 0, got -8")
    ]
    data["agents"][1]["paid_leave_hours"] = [8, 0]  # the example plans one week
    [(path, _, reason)] = bad_fields(data)
    assert path == "agents[1].paid_leave_hours"
    assert "hours per planning week (at most 1)" in reason


def test_unknown_keys_are_named_all_at_once_with_the_key_they_most_likely_meant() -> None:
    data = example()
    data["agents"][3]["contract"]["max_hour"] = 30  # max_hours would stay at its default
    data["agents"][0]["skils"] = ["voice"]
    data["horizon"]["timzone"] = "Europe/London"
    data["shifts"][0]["lenght_minutes"] = 480
    data["wieghts"] = {"wish_not_met": 5}
    data["skill_groups"][0]["demand"][0]["agent"] = 3
    data["agents"][1]["wishes"] = [{"day_off": "2020-03-17", "wieght": 2}]
    data["agents"][2]["prior_work"] = [
        {"start": "2020-03-15T08:00", "end": "2020-03-15T12:00", "brake_minutes": 10}
    ]
    data["agents"][4]["unavailable"] = [{"start": "2020-03-19T08:00", "end": "2020-03-19T12:00"}]
    data["agents"][4]["unavailable"][0]["note"] = "dentist"
    found = {path: (label, reason) for path, label, reason in bad_fields(data)}
    assert found == {
        "wieghts": ("", "unknown key; did you mean weights?"),
        "horizon.timzone": ("", "unknown key; did you mean timezone?"),
        "skill_groups[0].demand[0].agent": (
            "skill group 'voice'",
            "unknown key; did you mean agents?",
        ),
        "shifts[0].lenght_minutes": ("shift 'early'", "unknown key; did you mean length_minutes?"),
        "agents[0].skils": ("agent 'anouk'", "unknown key; did you mean skills?"),
        "agents[1].wishes[0].wieght": ("agent 'bram'", "unknown key; did you mean weight?"),
        "agents[2].prior_work[0].brake_minutes": (
            "agent 'chantal'",
            "unknown key; did you mean break_minutes?",
        ),
        "agents[3].contract.max_hour": ("agent 'daan'", "unknown key; did you mean max_hours?"),
        "agents[4].unavailable[0].note": ("agent 'eva'", "unknown key; the keys are start, end"),
    }


def test_the_example_and_every_documented_key_read_without_an_unknown_key() -> None:
    data = example()
    data["agents"][0].update(
        name="Anouk",
        team="Noord",
        location="office",
        events=[],
        prior_work=[],
        templates=[],
        paid_leave_hours=[0],
    )
    data["horizon"].update(slot_minutes=15, timezone="Europe/Amsterdam")
    problem_from_mapping(data, source="problem.yaml")
