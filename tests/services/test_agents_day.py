"""An agent's day: state events (idempotent by id), time off, reporting sick and better."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.absence import report_better, report_sick, request_time_off
from bezetting.services.agent_states import record_agent_state
from bezetting.services.organisations import OrganisationRef
from bezetting.store import SessionFactory
from bezetting.store.enums import AgentState, RequestStatus
from bezetting.store.models import Agent
from tests.services.conftest import NOW

AT = datetime(2020, 3, 16, 7, 3, 12, tzinfo=UTC)


def test_a_state_event_delivered_twice_is_stored_once(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    first = record_agent_state(
        sessions,
        event_id="evt-1",
        agent="1001",
        state=AgentState.AVAILABLE,
        occurred_at=AT,
        now=NOW,
    )
    again = record_agent_state(
        sessions,
        event_id="evt-1",
        agent="1001",
        state=AgentState.AVAILABLE,
        occurred_at=AT,
        now=NOW,
    )
    assert (first.duplicate, again.duplicate, again.id) == (False, True, first.id)


def test_an_event_id_reused_for_other_content_is_a_conflict(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    record_agent_state(
        sessions, event_id="evt-2", agent="1001", state=AgentState.BREAK, occurred_at=AT, now=NOW
    )
    with pytest.raises(ConflictError, match="recorded before with other content"):
        record_agent_state(
            sessions,
            event_id="evt-2",
            agent="1001",
            state=AgentState.LUNCH,
            occurred_at=AT,
            now=NOW,
        )


def test_state_events_need_a_known_agent_and_an_aware_time(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    with pytest.raises(InputError, match="unknown agent '42'"):
        record_agent_state(
            sessions, event_id="e", agent="42", state=AgentState.BREAK, occurred_at=AT, now=NOW
        )
    with pytest.raises(InputError, match="no time zone"):
        record_agent_state(
            sessions,
            event_id="e",
            agent="1001",
            state=AgentState.BREAK,
            occurred_at=datetime(2020, 3, 16, 8),
            now=NOW,
        )


def test_time_off_is_requested_and_overlaps_are_refused(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    start = NOW + timedelta(days=7)
    ref = request_time_off(
        sessions,
        agent_id=agent_ids["1001"],
        starts_at=start,
        ends_at=start + timedelta(days=2),
        now=NOW,
    )
    assert ref.status is RequestStatus.PENDING
    with pytest.raises(InputError, match="overlaps your pending time off"):
        request_time_off(
            sessions,
            agent_id=agent_ids["1001"],
            starts_at=start + timedelta(days=1),
            ends_at=start + timedelta(days=3),
            now=NOW,
        )
    with pytest.raises(InputError, match="cannot start before today"):
        request_time_off(
            sessions,
            agent_id=agent_ids["1002"],
            starts_at=NOW - timedelta(days=1),
            ends_at=NOW,
            now=NOW,
        )


def test_sick_then_better(sessions: SessionFactory, agent_ids: dict[str, int]) -> None:
    agent = agent_ids["1002"]
    sick = report_sick(sessions, agent_id=agent, now=NOW)
    assert (sick.starts_at, sick.ends_at) == (NOW, None)
    with pytest.raises(InputError, match="already reported sick"):
        report_sick(sessions, agent_id=agent, now=NOW + timedelta(hours=1))
    later = NOW + timedelta(days=2)
    better = report_better(sessions, agent_id=agent, now=later)
    assert (better.id, better.ends_at) == (sick.id, later)
    with pytest.raises(InputError, match="not reported absent"):
        report_better(sessions, agent_id=agent, now=later)
    assert report_sick(sessions, agent_id=agent, now=later + timedelta(days=5)).id != sick.id


def test_unknown_agents_cannot_report_sick(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    with pytest.raises(InputError, match="no agent with id 999"):
        report_sick(sessions, agent_id=999, now=NOW)


def test_nobody_is_reported_sick_after_their_last_working_day(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    with sessions() as session, session.begin():
        bram = session.get(Agent, agent_ids["1002"])
        assert bram is not None
        bram.end_date = date(2020, 3, 16)
    # 16 March 23:30 in Amsterdam is still his last day; 00:30 on the 17th is not.
    last_evening = datetime(2020, 3, 16, 22, 30, tzinfo=UTC)
    report_sick(sessions, agent_id=agent_ids["1002"], now=last_evening)
    report_better(sessions, agent_id=agent_ids["1002"], now=last_evening + timedelta(minutes=20))
    after = datetime(2020, 3, 16, 23, 30, tzinfo=UTC)
    with pytest.raises(InputError, match="left after their last working day, 2020-03-16"):
        report_sick(sessions, agent_id=agent_ids["1002"], now=after)
