"""An agent's own availability and standing wishes: declared from home, read by the scheduler."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.availability import (
    MAX_STANDING_WISHES,
    add_standing_wish,
    declare_window,
    own_availability,
    remove_standing_wish,
    withdraw_window,
)
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.imports import import_availability
from bezetting.store import SessionFactory, transaction
from bezetting.store import planning_queries as plan_queries
from bezetting.store.enums import AvailabilityKind, PreferenceKind, Role
from tests.services.conftest import NOW
from tests.services.test_swaps import WEEK, at, build, person

UNAVAILABLE, PREFERRED = AvailabilityKind.UNAVAILABLE, AvailabilityKind.PREFERRED
BRAMS_MONDAY = {("1002", 0): at(0, 8)}  # a published week in which Anouk has no shift


def test_an_agent_declares_an_evening_off_and_the_scheduler_reads_it(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 0): at(0, 8)})
    anouk = person(world, Role.AGENT, agent="1001")
    window = declare_window(
        sessions,
        anouk,
        kind=UNAVAILABLE,
        starts_at=at(9, 18),
        ends_at=at(9, 23),
        now=NOW,
        note="choir",
    )
    assert (window.kind, window.note, window.declared_by_agent) == ("unavailable", "choir", True)
    with transaction(sessions) as session:
        read = plan_queries.availability_between(
            session, [world.agents["1001"]], starts=at(7, 0), ends=at(14, 0)
        )
        assert [(w.kind, w.starts_at, w.ends_at) for w in read] == [
            (UNAVAILABLE, at(9, 18), at(9, 23))
        ]
    assert [w.id for w in own_availability(sessions, anouk, now=NOW).windows] == [window.id]


def test_an_agent_cannot_make_themselves_unavailable_for_a_published_shift(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    anouk = person(world, Role.AGENT, agent="1001")
    with pytest.raises(ConflictError, match=r"published shift then .* ask for time off"):
        declare_window(
            sessions, anouk, kind=UNAVAILABLE, starts_at=at(1, 12), ends_at=at(1, 20), now=NOW
        )
    # Wishing to work then is no conflict with working then.
    declare_window(sessions, anouk, kind=PREFERRED, starts_at=at(1, 12), ends_at=at(1, 20), now=NOW)


@pytest.mark.parametrize(
    ("kind", "start", "end", "reason"),
    [
        (UNAVAILABLE, -2, 4, "cannot start in the past"),
        (UNAVAILABLE, 30, 20, "must end after it starts"),
        (UNAVAILABLE, 30, 30 + 15 * 24, "at most 14 days; for longer, ask for time off"),
        (AvailabilityKind.AVAILABLE, 30, 40, "not one an agent declares"),
    ],
)
def test_windows_an_agent_may_not_declare_are_refused_with_the_reason(
    sessions: SessionFactory, kind: AvailabilityKind, start: int, end: int, reason: str
) -> None:
    world = build(sessions, BRAMS_MONDAY)
    anouk = person(world, Role.AGENT, agent="1001")
    with pytest.raises(InputError, match=reason):
        declare_window(
            sessions,
            anouk,
            kind=kind,
            starts_at=NOW + timedelta(hours=start),
            ends_at=NOW + timedelta(hours=end),
            now=NOW,
        )
    assert own_availability(sessions, anouk, now=NOW).windows == []


def test_overlapping_windows_of_one_kind_are_refused_naming_the_other(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, BRAMS_MONDAY)
    anouk = person(world, Role.AGENT, agent="1001")
    first = declare_window(
        sessions, anouk, kind=UNAVAILABLE, starts_at=at(9, 18), ends_at=at(9, 23), now=NOW
    )
    with pytest.raises(ConflictError, match=f"overlaps your unavailable window {first.id}"):
        declare_window(
            sessions, anouk, kind=UNAVAILABLE, starts_at=at(9, 20), ends_at=at(10, 1), now=NOW
        )


def test_only_the_agents_own_windows_not_yet_begun_can_be_withdrawn(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, BRAMS_MONDAY)
    anouk = person(world, Role.AGENT, agent="1001")
    bram = person(world, Role.AGENT, agent="1002")
    window = declare_window(
        sessions, anouk, kind=UNAVAILABLE, starts_at=at(9, 18), ends_at=at(9, 23), now=NOW
    )
    with pytest.raises(NotFoundError):
        withdraw_window(sessions, bram, window.id, now=NOW)
    with pytest.raises(InputError, match="has begun"):
        withdraw_window(sessions, anouk, window.id, now=at(9, 19))
    withdraw_window(sessions, anouk, window.id, now=NOW)
    assert own_availability(sessions, anouk, now=NOW).windows == []


def test_a_window_the_planner_imported_is_shown_but_stays_the_planners(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, BRAMS_MONDAY)
    anouk = person(world, Role.AGENT, agent="1001")
    csv = f"agent,date,start,end,kind\n1001,{WEEK + timedelta(days=9)},09:00,17:00,unavailable\n"
    import_availability(sessions, csv.encode(), file_name="availability.csv", now=NOW)
    (imported,) = own_availability(sessions, anouk, now=NOW).windows
    assert not imported.declared_by_agent
    with pytest.raises(InputError, match="set by your planner"):
        withdraw_window(sessions, anouk, imported.id, now=NOW)


def test_standing_wishes_are_checked_kept_once_and_removed_by_their_owner_only(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, BRAMS_MONDAY)
    anouk = person(world, Role.AGENT, agent="1001")
    bram = person(world, Role.AGENT, agent="1002")
    today = NOW.date()
    wednesday = add_standing_wish(
        sessions, anouk, kind=PreferenceKind.DAY_OFF, weekday=2, weight=3, now=NOW
    )
    assert (wednesday.kind, wednesday.weekday, wednesday.weight) == ("day_off", 2, 3)
    with pytest.raises(ConflictError, match="already"):
        add_standing_wish(sessions, anouk, kind=PreferenceKind.DAY_OFF, weekday=2, now=NOW)
    with pytest.raises(InputError, match="needs a weekday or a date"):
        add_standing_wish(sessions, anouk, kind=PreferenceKind.DAY_OFF, now=NOW)
    with pytest.raises(InputError, match="holds every day"):
        add_standing_wish(sessions, anouk, kind=PreferenceKind.HOME, weekday=1, now=NOW)
    with pytest.raises(InputError, match="weight: 4"):
        add_standing_wish(sessions, anouk, kind=PreferenceKind.EARLY, weight=4, now=NOW)
    with pytest.raises(InputError, match="has passed"):
        add_standing_wish(
            sessions,
            anouk,
            kind=PreferenceKind.DAY_OFF,
            on_date=today - timedelta(days=1),
            now=NOW,
        )
    with pytest.raises(NotFoundError):
        remove_standing_wish(sessions, bram, wednesday.id)
    remove_standing_wish(sessions, anouk, wednesday.id)
    assert own_availability(sessions, anouk, now=NOW).wishes == []


def test_an_agent_keeps_at_most_ten_standing_wishes(sessions: SessionFactory) -> None:
    world = build(sessions, BRAMS_MONDAY)
    anouk = person(world, Role.AGENT, agent="1001")
    today = NOW.date()
    for day in range(MAX_STANDING_WISHES):
        add_standing_wish(
            sessions,
            anouk,
            kind=PreferenceKind.DAY_OFF,
            on_date=today + timedelta(days=day + 1),
            now=NOW,
        )
    with pytest.raises(ConflictError, match="remove one first"):
        add_standing_wish(sessions, anouk, kind=PreferenceKind.LATE, now=NOW)


def test_a_user_without_an_agent_declares_nothing(sessions: SessionFactory) -> None:
    world = build(sessions, BRAMS_MONDAY)
    planner = person(world, Role.PLANNER)
    with pytest.raises(PermissionDeniedError):
        own_availability(sessions, planner, now=NOW)
    with pytest.raises(PermissionDeniedError):
        declare_window(
            sessions, planner, kind=UNAVAILABLE, starts_at=at(9, 18), ends_at=at(9, 23), now=NOW
        )
