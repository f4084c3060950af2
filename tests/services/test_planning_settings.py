"""An organisation's planning settings: a collective agreement's values, stored and used.

What is stored is what planning on the database and the swap check go by; a value given with
the call still wins; bad settings are refused whole, naming the key and the reason. Stored
settings that no longer parse are an error naming the key and the reason, never the defaults:
planning and the swap check refuse until new settings are stored.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bezetting.core.errors import InputError
from bezetting.core.schedule import BreakPolicy, Rule, Weights
from bezetting.core.schedule.rules import DUTCH_RULES
from bezetting.services import schedule_problem
from bezetting.services.errors import PermissionDeniedError
from bezetting.services.organisations import create_organisation
from bezetting.services.planning import (
    build_schedule,
    compute_requirements,
    planning_problem,
    run_forecast,
    validate_schedule,
)
from bezetting.services.planning_settings import (
    PLANNING_BREAKS,
    SettingChange,
    UnreadableSettingsError,
    parse_planning_settings,
    planning_settings,
    set_planning_settings,
)
from bezetting.services.schedules import ActivityPlan, ShiftPlan, create_schedule
from bezetting.services.swaps import SwapRefusedError, SwapStage, accept_swap, offer_swap
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import ActivityKind, Role
from bezetting.store.models import Agent, Organisation, Shift
from tests.services.planning_world import (
    AMSTERDAM,
    FIRST_DAY,
    NOW,
    RENAMED_RULE,
    build_world,
    store_settings_unchecked,
)
from tests.services.test_swaps import at, build, person

TWELVE_HOURS_REST = {"min_daily_rest_minutes": 720, "min_shortened_daily_rest_minutes": 720}
"""A collective agreement that asks 12 h of rest between shifts, never shortened."""


def _organisation_id(sessions: SessionFactory, code: str) -> int:
    with transaction(sessions) as session:
        return next(o.id for o in session.query(Organisation).all() if o.code == code)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


@pytest.fixture
def organisation_id(sessions: SessionFactory) -> int:
    return create_organisation(sessions, "cao", name="CAO Centrum", now=NOW).id


@pytest.fixture
def world(sessions: SessionFactory) -> tuple[int, int]:
    """The planning organisation (four agents, one queue) with a week of requirements."""
    org_id, queue_id = build_world(sessions)
    forecast = run_forecast(sessions, queue_id=queue_id, first_day=FIRST_DAY, days=7, now=NOW)
    compute_requirements(sessions, forecast_id=forecast.id, now=NOW)
    return org_id, queue_id


# --- storing ---------------------------------------------------------------------------------


def test_nothing_stored_means_the_law_the_planning_lunch_and_the_default_weights(
    sessions: SessionFactory, organisation_id: int
) -> None:
    settings = planning_settings(sessions, organisation_id=organisation_id)
    assert settings.is_default
    assert settings.rule_pack == DUTCH_RULES
    assert settings.break_policy == BreakPolicy(**PLANNING_BREAKS)
    assert settings.objective_weights == Weights()
    assert settings.changes() == ()
    assert (settings.updated_at, settings.updated_by) == (None, None)
    # The planning problem's default is the same policy (one name, one place).
    assert schedule_problem.PLANNING_BREAKS is PLANNING_BREAKS


def test_stored_settings_read_back_with_every_value_that_differs_from_the_default(
    sessions: SessionFactory, organisation_id: int
) -> None:
    stored = set_planning_settings(
        sessions,
        organisation_id=organisation_id,
        settings={
            "rules": {"name": "CAO Contactcentra 2026", **TWELVE_HOURS_REST},
            "breaks": {"part_minutes": 45, "earliest_after_start_minutes": 120},
            "weights": {"wish_not_met": 60},
        },
        now=NOW,
    )
    again = planning_settings(sessions, organisation_id=organisation_id)
    assert again == stored
    assert again.rule_pack.name == "CAO Contactcentra 2026"
    assert again.rule_pack.min_daily_rest_minutes == 720
    # A break policy reads as in a problem file: absent keys keep the core's defaults.
    assert again.break_policy == BreakPolicy(part_minutes=45, earliest_after_start_minutes=120)
    assert again.objective_weights == Weights(wish_not_met=60.0)
    assert again.updated_at == NOW
    assert again.updated_by is None  # from the command line
    assert [(c.section, c.name, c.value, c.default) for c in again.changes()] == [
        ("rules", "min_daily_rest_minutes", 720, 660),
        ("rules", "min_shortened_daily_rest_minutes", 720, 480),
        ("breaks", "part_minutes", 45, 30),
        ("breaks", "earliest_after_start_minutes", 120, 150),
        ("breaks", "latest_before_end_minutes", 60, 150),
        ("weights", "wish_not_met", 60.0, 30.0),
    ]
    assert again.changes()[0].source.startswith("ATW art. 5:3")
    assert isinstance(again.changes()[0], SettingChange)
    # Empty settings go back to every default.
    cleared = set_planning_settings(sessions, organisation_id=organisation_id, settings={}, now=NOW)
    assert cleared.is_default
    assert cleared.rule_pack == DUTCH_RULES


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"rules": {"min_daily_rest_hours": 12}}, "rules: unknown rule.*min_daily_rest_hours"),
        ({"rules": {"min_daily_rest_minutes": "12h"}}, "min_daily_rest_minutes must be a non-neg"),
        ({"rules": {"min_daily_rest_minutes": -1}}, "min_daily_rest_minutes must be a non-neg"),
        ({"rules": {"min_daily_rest_minutes": 400}}, "min_shortened_daily_rest_minutes exceeds"),
        ({"rules": {"min_weekly_rest_minutes": 10**6}}, "min_weekly_rest_minutes must be at most"),
        ({"rules": {"name": ""}}, "rules: name must be a text"),
        ({"rules": [720]}, "rules must be a mapping"),
        ({"breaks": {"lunch": 45}}, "breaks: unknown key.*lunch"),
        ({"breaks": {"part_minutes": 10}}, "shorter than the rule pack's shortest break part"),
        ({"breaks": {"part_minutes": 7.5}}, "breaks: part_minutes must be a whole number"),
        (
            {"breaks": {"earliest_after_start_minutes": 10**6}},
            "earliest_after_start_minutes must be at most",
        ),
        ({"weights": {"under_coverage": 5}}, "weights: unknown key.*under_coverage"),
        ({"weights": {"wish_not_met": -1}}, "weights: wish_not_met must be a number from 0"),
        ({"weights": {"wish_not_met": True}}, "weights: wish_not_met must be a number from 0"),
        ({"shifts": []}, "unknown key.*shifts.*not stored"),
        ([1, 2], "planning settings must be a mapping"),
    ],
)
def test_bad_settings_are_refused_naming_key_and_reason_and_the_old_ones_stay(
    sessions: SessionFactory, organisation_id: int, settings: Any, message: str
) -> None:
    before = set_planning_settings(
        sessions, organisation_id=organisation_id, settings={"rules": TWELVE_HOURS_REST}, now=NOW
    )
    with pytest.raises(InputError, match=message):
        set_planning_settings(
            sessions,
            organisation_id=organisation_id,
            settings={"weights": {"wish_not_met": 1}, **settings}
            if isinstance(settings, dict)
            else settings,
            now=NOW + timedelta(hours=1),
        )
    assert planning_settings(sessions, organisation_id=organisation_id) == before


_KEYS = st.sampled_from(
    [
        "name",
        "min_daily_rest_minutes",
        "break_minutes",
        "min_break_part_minutes",
        "week_starts_on_weekday",
        "part_minutes",
        "earliest_after_start_minutes",
        "wish_not_met",
        "unfair_share",
        "lunch",
    ]
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**7), 10**7) | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["rules", "breaks", "weights", "shifts"]),
        st.dictionaries(_KEYS, _JSON, max_size=4) | _JSON,
        max_size=3,
    )
)
def test_any_settings_either_parse_or_are_refused_as_bad_input(data: dict[str, Any]) -> None:
    try:
        parsed = parse_planning_settings(data)
    except InputError:
        return
    # What parses holds only known weights, as numbers the objective can use.
    assert set(parsed.weights) <= {f.name for f in dataclasses.fields(Weights)}
    assert all(isinstance(v, float) for v in parsed.weights.values())


def test_only_a_planner_or_an_admin_of_the_organisation_changes_the_settings(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    org_id = _organisation_id(sessions, "gemeente")
    for role in (Role.TEAM_LEAD, Role.AGENT, Role.CLIENT_VIEWER):
        caller = person(world, role, agent="1001" if role is Role.AGENT else None)
        with pytest.raises(PermissionDeniedError, match="only a planner or an admin"):
            set_planning_settings(sessions, organisation_id=org_id, settings={}, now=NOW, by=caller)
    planner, admin = person(world, Role.PLANNER), person(world, Role.ADMIN)
    other = create_organisation(sessions, "ander", name="Ander", now=NOW)
    with pytest.raises(PermissionDeniedError):
        set_planning_settings(sessions, organisation_id=other.id, settings={}, now=NOW, by=planner)
    for who in (planner, admin):
        done = set_planning_settings(
            sessions, organisation_id=org_id, settings={"rules": TWELVE_HOURS_REST}, now=NOW, by=who
        )
        assert done.updated_by == who.email
    assert planning_settings(sessions, organisation_id=other.id).is_default


# --- the swap check --------------------------------------------------------------------------


def test_a_stored_12_hour_rest_refuses_a_swap_leaving_11_and_a_half_hours_which_the_law_allows(
    sessions: SessionFactory,
) -> None:
    # Bram works Monday 14:30-23:00; Anouk's Tuesday shift starts 10:30: 11.5 h of rest.
    world = build(sessions, {("1002", 0): at(0, 14, 30), ("1001", 1): at(1, 10, 30)})
    org_id = _organisation_id(sessions, "gemeente")
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)

    set_planning_settings(
        sessions, organisation_id=org_id, settings={"rules": TWELVE_HOURS_REST}, now=NOW
    )
    with pytest.raises(SwapRefusedError) as refused:
        accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    [violation] = refused.value.violations
    assert (violation.agent_id, violation.rule) == (world.agents["1002"], "daily_rest")
    assert (violation.measured, violation.limit) == (690, 720)

    set_planning_settings(sessions, organisation_id=org_id, settings={}, now=NOW)
    taken = accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    assert taken.stage is SwapStage.ACCEPTED


# --- planning ----------------------------------------------------------------------------------


def test_the_planning_problem_takes_the_stored_values_and_a_value_of_the_call_wins(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, _ = world
    set_planning_settings(
        sessions,
        organisation_id=org_id,
        settings={
            "rules": {"max_work_minutes_per_shift": 480, **TWELVE_HOURS_REST},
            "breaks": {"part_minutes": 45},
            "weights": {"wish_not_met": 60, "unfair_share": 1},
        },
        now=NOW,
    )
    stored = planning_problem(sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7)
    assert stored.problem.rules.max_work_minutes_per_shift == 480
    assert stored.problem.rules.min_daily_rest_minutes == 720
    assert stored.problem.breaks == BreakPolicy(part_minutes=45)
    assert stored.problem.weights == Weights(wish_not_met=60.0, unfair_share=1.0)
    # A what-if (`plan schedule --settings`): a rule or weight of the call over the stored
    # one, the others stay; a break policy of the call instead of the stored one.
    what_if = planning_problem(
        sessions,
        organisation_id=org_id,
        first_day=FIRST_DAY,
        days=7,
        rules={"max_work_minutes_per_shift": 600},
        weights={"wish_not_met": 5},
        breaks={"part_minutes": 15},
    ).problem
    assert what_if.rules.max_work_minutes_per_shift == 600
    assert what_if.rules.min_daily_rest_minutes == 720
    assert what_if.weights == Weights(wish_not_met=5.0, unfair_share=1.0)
    assert what_if.breaks == BreakPolicy(part_minutes=15)


def test_checking_a_stored_schedule_goes_by_the_stored_rules(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, _ = world
    with transaction(sessions) as session:
        anouk = next(a.id for a in session.query(Agent).all() if a.external_id == "A1")
    monday = FIRST_DAY
    draft = create_schedule(  # 8.5 h of work with a 30-minute lunch: legal under the law
        sessions,
        name="by hand",
        period_start=FIRST_DAY,
        period_end=FIRST_DAY + timedelta(days=6),
        now=NOW,
        organisation="planbureau",
        shifts=[
            ShiftPlan(
                agent_id=anouk,
                starts_at=_local(monday, 9),
                ends_at=_local(monday, 18),
                activities=(
                    ActivityPlan(
                        kind=ActivityKind.BREAK,
                        starts_at=_local(monday, 13),
                        ends_at=_local(monday, 13, 30),
                    ),
                ),
            )
        ],
    )
    assert Rule.SHIFT_MAX_WORK not in {
        v.rule for v in validate_schedule(sessions, schedule_id=draft.id)
    }
    set_planning_settings(
        sessions,
        organisation_id=org_id,
        settings={"rules": {"max_work_minutes_per_shift": 480}},
        now=NOW,
    )
    [too_long] = [
        v
        for v in validate_schedule(sessions, schedule_id=draft.id)
        if v.rule is Rule.SHIFT_MAX_WORK
    ]
    assert (too_long.measured, too_long.limit) == (510, 480)


def test_a_stored_45_minute_lunch_is_what_the_scheduler_plans(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, _ = world
    set_planning_settings(
        sessions,
        organisation_id=org_id,
        settings={
            "rules": {"name": "CAO: 45 minutes lunch", "break_minutes": 45},
            "breaks": {
                "part_minutes": 45,
                "earliest_after_start_minutes": 150,
                "latest_before_end_minutes": 150,
            },
        },
        now=NOW,
    )
    built = build_schedule(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, weeks=1, time_limit_seconds=10,
        now=NOW,
    )  # fmt: skip
    assert built.shifts > 0
    assert built.violations == 0
    with transaction(sessions) as session:
        shifts = session.query(Shift).filter(Shift.schedule_id == built.schedule_id).all()
        lunches = [
            (a.ends_at - a.starts_at, a.starts_at - s.starts_at, s.ends_at - a.ends_at)
            for s in shifts
            for a in s.activities
            if a.kind is ActivityKind.BREAK
        ]
    assert lunches, "shifts above 5.5 h of work have a lunch"
    for length, after_start, before_end in lunches:
        assert length == timedelta(minutes=45)
        assert after_start >= timedelta(minutes=150)
        assert before_end >= timedelta(minutes=150)
    assert validate_schedule(sessions, schedule_id=built.schedule_id) == ()


# --- stored settings that no longer parse ------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "reason"),
    [
        (RENAMED_RULE, r"rules: unknown rule\(s\) \['daily_rest_minutes'\]"),
        ({"rules": {"min_weekly_rest_minutes": 10**6}}, "min_weekly_rest_minutes must be at most"),
        ({"weights": {"under_coverage": 5}}, "weights: unknown key.*under_coverage"),
        ({"weights": {"wish_not_met": "30"}}, "weights: wish_not_met must be a number from 0"),
        ({"breaks": {"part_minutes": 10}}, "shorter than the rule pack's shortest break part"),
        ({"rules": [720]}, "rules must be a mapping"),
    ],
)
def test_stored_settings_that_no_longer_parse_read_as_an_error_naming_key_and_reason(
    sessions: SessionFactory, organisation_id: int, stored: dict[str, Any], reason: str
) -> None:
    store_settings_unchecked(sessions, organisation_id, stored)
    with pytest.raises(UnreadableSettingsError, match=reason) as unreadable:
        planning_settings(sessions, organisation_id=organisation_id)
    error = unreadable.value
    assert error.code == "unreadable_planning_settings"
    assert str(error).startswith(f"the stored planning settings no longer parse: {error.reason}")
    assert dict(error.stored) == stored  # what to correct, as stored; empty sections left out
    assert (error.updated_at, error.updated_by) == (NOW, None)


def test_storing_new_settings_or_clearing_them_repairs_unreadable_ones(
    sessions: SessionFactory, organisation_id: int
) -> None:
    store_settings_unchecked(sessions, organisation_id, RENAMED_RULE)
    corrected = {"rules": {"name": "CAO Klantcontact", **TWELVE_HOURS_REST}}
    set_planning_settings(sessions, organisation_id=organisation_id, settings=corrected, now=NOW)
    assert planning_settings(sessions, organisation_id=organisation_id).rule_pack.name == (
        "CAO Klantcontact"
    )
    store_settings_unchecked(sessions, organisation_id, RENAMED_RULE)
    set_planning_settings(sessions, organisation_id=organisation_id, settings={}, now=NOW)
    assert planning_settings(sessions, organisation_id=organisation_id).is_default


def test_planning_and_checking_refuse_unreadable_settings_rather_than_go_by_the_defaults(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, _ = world
    draft = build_schedule(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, weeks=1, time_limit_seconds=5,
        now=NOW,
    )  # fmt: skip
    store_settings_unchecked(sessions, org_id, RENAMED_RULE)
    refusals = {
        "build": lambda: build_schedule(
            sessions,
            organisation_id=org_id,
            first_day=FIRST_DAY,
            weeks=1,
            time_limit_seconds=5,
            now=NOW,
        ),
        "problem": lambda: planning_problem(
            sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7
        ),
        "check": lambda: validate_schedule(sessions, schedule_id=draft.schedule_id),
    }
    for action, attempt in refusals.items():
        with pytest.raises(UnreadableSettingsError, match="daily_rest_minutes") as refused:
            attempt()
        assert "store corrected settings or clear them" in str(refused.value), action


def test_the_swap_check_refuses_unreadable_settings_and_the_offer_stays_open(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    org_id = _organisation_id(sessions, "gemeente")
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    store_settings_unchecked(sessions, org_id, RENAMED_RULE)
    with pytest.raises(UnreadableSettingsError, match="daily_rest_minutes"):
        accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    set_planning_settings(sessions, organisation_id=org_id, settings={}, now=NOW)
    assert accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW).stage is (
        SwapStage.ACCEPTED
    )
