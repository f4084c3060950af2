"""The read-only views behind the pages, on SQLite and PostgreSQL: reach, coverage, figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bezetting.core.errors import ConflictError
from bezetting.services.absence import report_better, report_sick, request_time_off
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.imports import import_agents
from bezetting.services.organisations import OrganisationRef, create_organisation
from bezetting.services.overview import (
    decide_team_request,
    feed_shifts,
    queue_coverage,
    schedule_summaries,
    team_overview,
)
from bezetting.services.schedules import (
    ActivityPlan,
    ShiftPlan,
    create_schedule,
    publish_schedule,
    save_schedule_shifts,
)
from bezetting.services.users import create_user
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import ActivityKind, Channel, Role
from bezetting.store.models import ContactRecord, Queue, QueueSkill, Skill, User
from tests.services.conftest import NOW
from tests.services.conftest import principal as _who

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")


@pytest.fixture
def queues(sessions: SessionFactory, agent_ids: dict[str, int]) -> dict[str, int]:
    """Queue ids by code, each linked to the skill of the same code (the agents bring them)."""
    with transaction(sessions) as session:
        skills = {s.code: s.id for s in session.scalars(select(Skill))}
        found = {q.code: q.id for q in session.scalars(select(Queue))}
        for code, queue_id in found.items():
            session.add(QueueSkill(queue_id=queue_id, skill_id=skills[code]))
    return found


def _publish(sessions: SessionFactory, shifts: list[ShiftPlan], *, publish: bool = True) -> int:
    ref = create_schedule(
        sessions, name="w", period_start=date(2020, 3, 16), period_end=date(2020, 3, 22), now=NOW
    )
    ref = save_schedule_shifts(
        sessions, ref.id, expected_version=ref.version, shifts=shifts, now=NOW
    )
    if publish:
        publish_schedule(sessions, ref.id, expected_version=ref.version, now=NOW)
    return ref.id


def _work(agent_id: int, start: datetime, minutes: int, skill_id: int | None = None) -> ShiftPlan:
    end = start + timedelta(minutes=minutes)
    return ShiftPlan(
        agent_id=agent_id,
        starts_at=start,
        ends_at=end,
        activities=(
            ActivityPlan(
                kind=ActivityKind.CONTACT_WORK, starts_at=start, ends_at=end, skill_id=skill_id
            ),
        ),
    )


def test_coverage_counts_published_contact_work_for_the_queues_skills(
    sessions: SessionFactory,
    organisation: OrganisationRef,
    agent_ids: dict[str, int],
    queues: dict[str, int],
) -> None:
    with transaction(sessions) as session:
        chat_skill = session.scalars(select(Skill.id).where(Skill.code == "chat")).one()
    start = datetime(2020, 3, 17, 9, 0, tzinfo=UTC)
    _publish(
        sessions,
        [
            _work(agent_ids["1001"], start, 75),  # no skill named; Anouk has "general"
            _work(agent_ids["1002"], start, 60, skill_id=chat_skill),
        ],
    )
    _publish(sessions, [_work(agent_ids["1002"], start + timedelta(days=1), 60)], publish=False)
    planner = _who(organisation, Role.PLANNER)
    general = queue_coverage(
        sessions, planner, queues["general"], day=date(2020, 3, 17), zone=AMSTERDAM
    )
    chat = queue_coverage(sessions, planner, queues["chat"], day=date(2020, 3, 17), zone=AMSTERDAM)
    by_start = {i.starts_at: i.scheduled_agents for i in general.intervals}
    assert by_start[start] == 1.0
    assert by_start[start + timedelta(minutes=30)] == 1.0
    assert by_start[start + timedelta(minutes=60)] == 0.5  # 10:00-10:15 of a half hour
    assert sum(by_start.values()) == 2.5
    assert sum(i.scheduled_agents for i in chat.intervals) == 2.0  # Bram's hour of chat
    assert general.forecast_version is None
    assert general.intervals[0].starts_at == datetime(2020, 3, 16, 23, 0, tzinfo=UTC)
    draft_day = queue_coverage(
        sessions, planner, queues["general"], day=date(2020, 3, 18), zone=AMSTERDAM
    )
    assert sum(i.scheduled_agents for i in draft_day.intervals) == 0  # drafts do not count


def test_coverage_leaves_out_work_after_its_agent_is_reported_sick(
    sessions: SessionFactory,
    organisation: OrganisationRef,
    agent_ids: dict[str, int],
    queues: dict[str, int],
) -> None:
    start = datetime(2020, 3, 17, 9, 0, tzinfo=UTC)
    _publish(sessions, [_work(agent_ids["1001"], start, 120), _work(agent_ids["1002"], start, 120)])
    planner = _who(organisation, Role.PLANNER)

    def scheduled() -> list[float]:
        day = queue_coverage(
            sessions, planner, queues["general"], day=date(2020, 3, 17), zone=AMSTERDAM
        )
        by_start = {i.starts_at: i.scheduled_agents for i in day.intervals}
        return [by_start[start + timedelta(minutes=30 * k)] for k in range(4)]

    assert scheduled() == [2.0, 2.0, 2.0, 2.0]
    report_sick(
        sessions,
        agent_id=agent_ids["1001"],
        since=start + timedelta(minutes=45),
        now=start + timedelta(minutes=50),
    )
    assert scheduled() == [2.0, 1.5, 1.0, 1.0], "Anouk's work from 09:45 is gone"


def test_coverage_loses_nothing_to_a_sick_report_taken_back(
    sessions: SessionFactory,
    organisation: OrganisationRef,
    agent_ids: dict[str, int],
    queues: dict[str, int],
) -> None:
    start = datetime(2020, 3, 17, 9, 0, tzinfo=UTC)
    _publish(sessions, [_work(agent_ids["1001"], start, 120)])
    clicked = start + timedelta(minutes=32, seconds=36)
    report_sick(sessions, agent_id=agent_ids["1001"], now=clicked)
    report_better(sessions, agent_id=agent_ids["1001"], now=clicked + timedelta(seconds=1))
    planner = _who(organisation, Role.PLANNER)
    day = queue_coverage(
        sessions, planner, queues["general"], day=date(2020, 3, 17), zone=AMSTERDAM
    )
    assert sum(i.scheduled_agents for i in day.intervals) == 4.0, "two hours, no second lost"


def test_coverage_counts_the_contacts_offered_up_to_the_last_one_recorded(
    sessions: SessionFactory, organisation: OrganisationRef, queues: dict[str, int]
) -> None:
    # Three calls 09:05-09:20 UTC (10:05-10:20 in Amsterdam), one at 11:59 UTC, one the day
    # after: a half-hour grid counts 2, 1, 0, 0, 0, 1 and nothing after 12:00 UTC.
    start = datetime(2020, 3, 17, 9, 0, tzinfo=UTC)
    minutes = [5, 20, 35, 179, 24 * 60]
    with transaction(sessions, writes=True) as session:
        session.add_all(
            ContactRecord(
                queue_id=queues["general"],
                external_id=f"c{m}",
                channel=Channel.VOICE,
                arrived_at=start + timedelta(minutes=m),
                answered_at=None,
                ended_at=None,
                abandoned=True,
            )
            for m in minutes
        )
    planner = _who(organisation, Role.PLANNER)
    day = queue_coverage(
        sessions, planner, queues["general"], day=date(2020, 3, 17), zone=AMSTERDAM
    )
    offered = {i.starts_at: i.offered_contacts for i in day.intervals}
    half = timedelta(minutes=30)
    assert [offered[start + k * half] for k in range(6)] == [2, 1, 0, 0, 0, 1]
    assert offered[start - half] == 0, "earlier in the day nothing came in"
    assert offered[start + 6 * half] is None, "after the last contact nothing is known yet"
    assert sum(n or 0 for n in offered.values()) == 4
    quiet = queue_coverage(sessions, planner, queues["chat"], day=date(2020, 3, 17), zone=AMSTERDAM)
    assert all(i.offered_contacts is None for i in quiet.intervals)


@pytest.mark.parametrize(("day", "intervals"), [(date(2020, 3, 29), 46), (date(2020, 10, 25), 50)])
def test_a_day_with_a_clock_change_has_23_or_25_hours(
    sessions: SessionFactory,
    organisation: OrganisationRef,
    queues: dict[str, int],
    day: date,
    intervals: int,
) -> None:
    planner = _who(organisation, Role.PLANNER)
    coverage = queue_coverage(sessions, planner, queues["general"], day=day, zone=AMSTERDAM)
    assert len(coverage.intervals) == intervals


def test_coverage_is_not_for_agents_nor_other_clients_queues(
    sessions: SessionFactory, organisation: OrganisationRef, queues: dict[str, int]
) -> None:
    day = date(2020, 3, 17)
    with pytest.raises(PermissionDeniedError):
        queue_coverage(
            sessions, _who(organisation, Role.AGENT), queues["general"], day=day, zone=AMSTERDAM
        )
    viewer = _who(organisation, Role.CLIENT_VIEWER, client_id=-5)
    with pytest.raises(NotFoundError):
        queue_coverage(sessions, viewer, queues["general"], day=day, zone=AMSTERDAM)


def test_a_team_lead_without_a_team_sees_every_agent_and_decides(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    pending = request_time_off(
        sessions,
        agent_id=agent_ids["1002"],
        starts_at=NOW + timedelta(days=3),
        ends_at=NOW + timedelta(days=4),
        now=NOW,
    )
    report_sick(sessions, agent_id=agent_ids["1001"], now=NOW - timedelta(hours=1))
    user = create_user(
        sessions, email="lead@example.nl", password="x" * 12, role=Role.TEAM_LEAD, now=NOW
    )
    lead = _who(organisation, Role.TEAM_LEAD, user_id=user.id)
    overview = team_overview(sessions, lead, now=NOW, zone=AMSTERDAM)
    assert [a.name for a in overview.agents] == ["Anouk de Vries", "Bram Jansen"]
    assert [a.absent_now for a in overview.agents] == [True, False]
    assert [p.request.id for p in overview.pending] == [pending.id]
    assert overview.figures.absence_percentage == 0.0  # today is not in the 28 days before
    assert overview.figures.engagement_share is None
    decided = decide_team_request(sessions, lead, pending.id, approve=False, now=NOW)
    assert decided.request.status == "rejected"
    assert decided.agent_name == "Bram Jansen"
    with pytest.raises(ConflictError):
        decide_team_request(sessions, lead, pending.id, approve=True, now=NOW)


def test_absent_today_names_each_agent_once_and_counts_only_who_is_absent_now(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    # The review: sick and better twice (for an hour each, real absences), and the other agent
    # too; at 11:00 everyone is back at work.
    anouk, bram = agent_ids["1001"], agent_ids["1002"]
    eight = datetime(2020, 3, 17, 7, 0, tzinfo=UTC)  # 08:00 in Amsterdam
    for start in (eight, eight + timedelta(hours=2)):
        report_sick(sessions, agent_id=anouk, now=start)
        report_better(sessions, agent_id=anouk, now=start + timedelta(hours=1))
    report_sick(sessions, agent_id=bram, now=eight)
    report_better(sessions, agent_id=bram, now=eight + timedelta(hours=1))
    lead = _who(organisation, Role.TEAM_LEAD)
    eleven = eight + timedelta(hours=3)
    overview = team_overview(sessions, lead, now=eleven, zone=AMSTERDAM)
    assert overview.absent_now_count == 0
    assert [(r.agent_name, r.absent_now) for r in overview.absent_today] == [
        ("Anouk de Vries", False),
        ("Bram Jansen", False),
    ]
    assert [len(r.absences) for r in overview.absent_today] == [2, 1]
    assert [a.absent_now for a in overview.agents] == [False, False]
    # Bram falls ill again at 11:00: he alone is absent now, listed first, and his report can
    # be undone until 11:10.
    report_sick(sessions, agent_id=bram, now=eleven)
    later = team_overview(sessions, lead, now=eleven + timedelta(minutes=2), zone=AMSTERDAM)
    assert later.absent_now_count == 1
    assert [(r.agent_name, r.absent_now) for r in later.absent_today] == [
        ("Bram Jansen", True),
        ("Anouk de Vries", False),
    ]
    assert [a.absent_now for a in later.agents] == [False, True]
    assert [a.undo_until for a in later.agents] == [None, eleven + timedelta(minutes=10)]


def test_an_agent_counts_in_the_absence_figures_from_their_start_date(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    # Anouk was sick on 10 and 11 March (local): 2 of the 2 x 28 agent-days before 17 March.
    report_sick(
        sessions,
        agent_id=agent_ids["1001"],
        since=datetime(2020, 3, 10, 7, 0, tzinfo=UTC),
        now=datetime(2020, 3, 10, 7, 0, tzinfo=UTC),
    )
    report_better(
        sessions, agent_id=agent_ids["1001"], now=datetime(2020, 3, 11, 17, 0, tzinfo=UTC)
    )
    lead = _who(organisation, Role.TEAM_LEAD)
    today = datetime(2020, 3, 17, 8, 30, tzinfo=UTC)
    before = team_overview(sessions, lead, now=today, zone=AMSTERDAM).figures
    assert before.absence_percentage == 2 / 56
    assert before.absence_frequency == 1 / 2
    # A newcomer who started yesterday adds one agent-day, not 28.
    import_agents(
        sessions,
        b"external_id,name,contract_hours,start_date\n1003,Cas Nieuw,32,2020-03-16\n",
        file_name="agents.csv",
        now=today,
    )
    after = team_overview(sessions, lead, now=today, zone=AMSTERDAM).figures
    assert after.absence_percentage == 2 / 57
    assert after.absence_frequency == 1 / (57 / 28)


def test_a_leaver_is_on_the_team_until_their_last_day_and_in_the_figures_up_to_it(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    # Bram, sick from 11 March (never reported better), leaves on 12 March.
    bram = agent_ids["1002"]
    sick_at = datetime(2020, 3, 11, 7, 0, tzinfo=UTC)
    report_sick(sessions, agent_id=bram, since=sick_at, now=sick_at)
    import_agents(
        sessions,
        b"external_id,name,contract_hours,end_date\n1002,Bram Jansen,24,2020-03-12\n",
        file_name="leaver.csv",
        now=NOW,
    )
    lead = _who(organisation, Role.TEAM_LEAD)
    last_day = team_overview(
        sessions, lead, now=datetime(2020, 3, 12, 9, 0, tzinfo=UTC), zone=AMSTERDAM
    )
    assert [(a.name, a.end_date) for a in last_day.agents] == [
        ("Anouk de Vries", None),
        ("Bram Jansen", date(2020, 3, 12)),
    ]
    assert [r.agent_name for r in last_day.absent_today] == ["Bram Jansen"]
    later = team_overview(
        sessions, lead, now=datetime(2020, 3, 17, 8, 30, tzinfo=UTC), zone=AMSTERDAM
    )
    assert [a.name for a in later.agents] == ["Anouk de Vries"]
    assert later.absent_today == (), "his open absence ended with his employment"
    # Anouk's 28 days and Bram's 18 Feb .. 12 March (24), of which he was absent on 2.
    assert later.figures.absence_percentage == 2 / 52
    assert later.figures.absence_frequency == 1 / (52 / 28)


def test_a_team_lead_of_another_team_cannot_decide(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    pending = request_time_off(
        sessions,
        agent_id=agent_ids["1002"],
        starts_at=NOW + timedelta(days=3),
        ends_at=NOW + timedelta(days=4),
        now=NOW,
    )
    other_team_lead = _who(organisation, Role.TEAM_LEAD, team_id=-7)
    with pytest.raises(NotFoundError):
        decide_team_request(sessions, other_team_lead, pending.id, approve=True, now=NOW)
    with pytest.raises(PermissionDeniedError):
        decide_team_request(
            sessions, _who(organisation, Role.AGENT), pending.id, approve=True, now=NOW
        )
    assert team_overview(sessions, other_team_lead, now=NOW, zone=AMSTERDAM).agents == ()


def test_schedule_summaries_count_shifts_for_planners_only(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    start = datetime(2020, 3, 17, 9, 0, tzinfo=UTC)
    schedule_id = _publish(
        sessions, [_work(agent_ids["1001"], start, 60), _work(agent_ids["1002"], start, 60)]
    )
    [summary] = schedule_summaries(sessions, _who(organisation, Role.PLANNER))
    assert (summary.id, summary.shift_count, summary.status) == (schedule_id, 2, "published")
    with pytest.raises(PermissionDeniedError):
        schedule_summaries(sessions, _who(organisation, Role.TEAM_LEAD))


def test_the_feed_is_only_for_active_agent_users(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    start = datetime(2020, 3, 17, 9, 0, tzinfo=UTC)
    _publish(sessions, [_work(agent_ids["1001"], start, 60), _work(agent_ids["1002"], start, 60)])
    anouk = create_user(
        sessions, email="anouk@example.nl", password="x" * 12, role=Role.AGENT, now=NOW,
        agent_external_id="1001",
    )  # fmt: skip
    planner = create_user(
        sessions, email="p@example.nl", password="x" * 12, role=Role.PLANNER, now=NOW
    )
    window = {"starts_from": NOW, "ends_before": NOW + timedelta(days=7)}
    shifts = feed_shifts(sessions, anouk.id, **window)
    assert [s.starts_at for s in shifts] == [start]
    with pytest.raises(NotFoundError):
        feed_shifts(sessions, planner.id, **window)
    with transaction(sessions) as session:
        user = session.get(User, anouk.id)
        assert user is not None
        user.active = False
    with pytest.raises(NotFoundError):
        feed_shifts(sessions, anouk.id, **window)


def test_coverage_of_one_schedule_counts_its_contact_work_draft_or_published(
    sessions: SessionFactory,
    organisation: OrganisationRef,
    agent_ids: dict[str, int],
    queues: dict[str, int],
) -> None:
    # Published: Anouk 09:00-10:00 UTC. A draft of the same day: Bram 09:00-11:00 UTC, who is
    # reported sick from 10:00 (a draft is judged by the same rules as the published plan).
    start = datetime(2020, 3, 17, 9, 0, tzinfo=UTC)
    published = _publish(sessions, [_work(agent_ids["1001"], start, 60)])
    draft = _publish(sessions, [_work(agent_ids["1002"], start, 120)], publish=False)
    sick_at = start + timedelta(hours=1)
    report_sick(sessions, agent_id=agent_ids["1002"], since=sick_at, now=sick_at)
    planner = _who(organisation, Role.PLANNER)
    day = date(2020, 3, 17)

    def scheduled(schedule_id: int | None) -> list[float]:
        coverage = queue_coverage(
            sessions, planner, queues["general"], day=day, zone=AMSTERDAM, schedule_id=schedule_id
        )
        assert coverage.schedule_id == schedule_id
        by_start = {i.starts_at: i.scheduled_agents for i in coverage.intervals}
        return [by_start[start + timedelta(minutes=30 * k)] for k in range(4)]

    assert scheduled(None) == [1.0, 1.0, 0.0, 0.0], "every published schedule: Anouk"
    assert scheduled(draft) == [1.0, 1.0, 0.0, 0.0], "the draft: Bram, until he is sick"
    assert scheduled(published) == [1.0, 1.0, 0.0, 0.0]
    admin = _who(organisation, Role.ADMIN)
    also = queue_coverage(
        sessions, admin, queues["chat"], day=day, zone=AMSTERDAM, schedule_id=draft
    )
    assert sum(i.scheduled_agents for i in also.intervals) == 2.0, "Bram has chat too"
    anouk_only = queue_coverage(
        sessions, planner, queues["chat"], day=day, zone=AMSTERDAM, schedule_id=published
    )
    assert sum(i.scheduled_agents for i in anouk_only.intervals) == 0.0


def test_a_schedules_coverage_is_for_planners_of_its_own_organisation(
    sessions: SessionFactory,
    organisation: OrganisationRef,
    agent_ids: dict[str, int],
    queues: dict[str, int],
) -> None:
    start = datetime(2020, 3, 17, 9, 0, tzinfo=UTC)
    draft = _publish(sessions, [_work(agent_ids["1002"], start, 60)], publish=False)
    create_organisation(sessions, "buren", name="Gemeente Buren", now=NOW)
    foreign = create_schedule(
        sessions,
        name="theirs",
        period_start=date(2020, 3, 16),
        period_end=date(2020, 3, 22),
        now=NOW,
        organisation="buren",
    ).id
    day = date(2020, 3, 17)
    general = queues["general"]
    for role in (Role.TEAM_LEAD, Role.CLIENT_VIEWER):
        with pytest.raises(PermissionDeniedError):
            queue_coverage(
                sessions, _who(organisation, role), general, day=day, zone=AMSTERDAM,
                schedule_id=draft,
            )  # fmt: skip
    planner = _who(organisation, Role.PLANNER)
    for unknown in (foreign, foreign + 1000):
        with pytest.raises(NotFoundError, match=f"no schedule with id {unknown}"):
            queue_coverage(sessions, planner, general, day=day, zone=AMSTERDAM, schedule_id=unknown)
