"""Sick reports taken back as mistakes, on SQLite and PostgreSQL: they leave no absence, so no
figure, coverage or list counts them; later reports are absences and cannot be undone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bezetting.core.errors import InputError
from bezetting.services.absence import report_better, report_sick, undo_sick_report
from bezetting.services.organisations import OrganisationRef
from bezetting.services.overview import own_absences, team_overview
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import Role
from bezetting.store.models import Absence
from tests.services.conftest import NOW
from tests.services.conftest import principal as _who

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")
SECOND = timedelta(seconds=1)


def _stored(sessions: SessionFactory) -> list[Absence]:
    with transaction(sessions) as session:
        return list(session.scalars(select(Absence)))


def test_sick_and_better_within_a_second_is_taken_back_and_leaves_nothing(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    # The review: "Report sick" at 09:32:36, "Report better" at 09:32:37, twice.
    anouk = agent_ids["1001"]
    clicked = datetime(2020, 3, 16, 8, 32, 36, tzinfo=UTC)
    for attempt in range(2):
        at = clicked + attempt * timedelta(minutes=1)
        report_sick(sessions, agent_id=anouk, now=at)
        better = report_better(sessions, agent_id=anouk, now=at + SECOND)
        assert better.withdrawn
    assert _stored(sessions) == []
    agent = _who(organisation, Role.AGENT, agent_id=anouk)
    assert own_absences(sessions, agent, now=clicked + timedelta(minutes=5)) == []
    lead = _who(organisation, Role.TEAM_LEAD)
    overview = team_overview(sessions, lead, now=clicked + timedelta(minutes=5), zone=AMSTERDAM)
    assert (overview.absent_now_count, overview.absent_today) == (0, ())
    next_day = team_overview(sessions, lead, now=clicked + timedelta(days=1), zone=AMSTERDAM)
    assert next_day.figures.absence_percentage == 0.0
    assert next_day.figures.absence_frequency == 0.0


def test_better_after_ten_minutes_closes_a_real_absence(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    sick = report_sick(sessions, agent_id=agent_ids["1001"], now=NOW)
    better = report_better(sessions, agent_id=agent_ids["1001"], now=NOW + timedelta(minutes=10))
    assert not better.withdrawn
    [stored] = _stored(sessions)
    assert (stored.id, stored.ends_at) == (sick.id, NOW + timedelta(minutes=10))


def test_a_report_entered_afterwards_for_a_morning_gone_stays_an_absence(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    # Entered at 08:00 for a night since 02:00, better a minute later: a real absence.
    report_sick(sessions, agent_id=agent_ids["1001"], since=NOW - timedelta(hours=6), now=NOW)
    better = report_better(sessions, agent_id=agent_ids["1001"], now=NOW + timedelta(minutes=1))
    assert not better.withdrawn
    assert len(_stored(sessions)) == 1


def test_undo_within_ten_minutes_removes_the_report_and_later_is_refused(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    anouk, bram = agent_ids["1001"], agent_ids["1002"]
    # The wrong agent, entered as sick since the night: undone right away, whatever its start.
    report_sick(sessions, agent_id=anouk, since=NOW - timedelta(hours=6), now=NOW)
    undone = undo_sick_report(sessions, agent_id=anouk, now=NOW + timedelta(minutes=9))
    assert undone.withdrawn
    assert _stored(sessions) == []
    report_sick(sessions, agent_id=bram, now=NOW)
    bram_sees = own_absences(
        sessions, _who(organisation, Role.AGENT, agent_id=bram), now=NOW + timedelta(minutes=3)
    )
    assert [a.undo_until for a in bram_sees] == [NOW + timedelta(minutes=10)]
    with pytest.raises(InputError, match="can no longer be undone"):
        undo_sick_report(sessions, agent_id=bram, now=NOW + timedelta(minutes=10))
    assert [a.ends_at for a in _stored(sessions)] == [None], "still absent, as reported"
    with pytest.raises(InputError, match="not reported absent"):
        undo_sick_report(sessions, agent_id=anouk, now=NOW)
