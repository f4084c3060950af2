"""Pulse surveys: a planner opens a question, agents answer once, anonymously; the team lead
sees the mean only from five answers on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import OperationalError

from bezetting.core.errors import InputError
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.organisations import OrganisationRef, create_organisation
from bezetting.services.overview import MIN_ANSWERS_SHOWN, team_overview
from bezetting.services.surveys import (
    SurveyView,
    answer_survey,
    open_survey,
    pulse_questions,
    released_answers,
    surveys,
)
from bezetting.services.users import Principal
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import EmploymentType, Role
from bezetting.store.models import Agent, SurveyAnswer, SurveyParticipation, Team
from tests.services.conftest import NOW
from tests.services.conftest import principal as _who

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEXT_DAY = NOW + timedelta(days=1)
QUESTION = "How well can you do your work from home this week?"


def _make_team(
    sessions: SessionFactory, organisation: OrganisationRef, *, size: int
) -> tuple[int, list[int]]:
    """Team Noord with ``size`` agents: its id and the agents' ids."""
    with transaction(sessions, writes=True) as session:
        noord = Team(organisation_id=organisation.id, name="Noord")
        session.add(noord)
        session.flush()
        agents = [
            Agent(
                organisation_id=organisation.id,
                external_id=f"20{n:02d}",
                name=f"Agent {n}",
                team_id=noord.id,
                employment_type=EmploymentType.PERMANENT,
                contract_hours_min=24,
                contract_hours_target=32,
                contract_hours_max=36,
                active=True,
            )
            for n in range(size)
        ]
        session.add_all(agents)
        session.flush()
        return noord.id, [a.id for a in agents]


@pytest.fixture
def team(sessions: SessionFactory, organisation: OrganisationRef) -> tuple[int, list[int]]:
    """Team Noord with six agents: its id and the agents' ids."""
    return _make_team(sessions, organisation, size=6)


@pytest.fixture
def large_team(sessions: SessionFactory, organisation: OrganisationRef) -> tuple[int, list[int]]:
    """Team Noord with twelve agents: its id and the agents' ids."""
    return _make_team(sessions, organisation, size=12)


def _open(sessions: SessionFactory, organisation: OrganisationRef) -> SurveyView:
    return open_survey(
        sessions,
        _who(organisation, Role.PLANNER),
        question=f"  {QUESTION} ",
        opens_at=NOW - timedelta(days=1),
        closes_at=NOW + timedelta(days=6),
        now=NOW,
    )


def _agent(organisation: OrganisationRef, agent_id: int) -> Principal:
    return _who(organisation, Role.AGENT, agent_id=agent_id)


def test_a_planner_opens_a_question_on_a_scale_of_five_by_default(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    survey = _open(sessions, organisation)
    assert (survey.question, survey.scale_max) == (QUESTION, 5)
    for role in (Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD):
        assert surveys(sessions, _who(organisation, role)) == [survey]


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.AGENT, Role.CLIENT_VIEWER])
def test_only_a_planner_or_admin_opens_a_question(
    sessions: SessionFactory, organisation: OrganisationRef, role: Role
) -> None:
    with pytest.raises(PermissionDeniedError):
        open_survey(
            sessions,
            _who(organisation, role),
            question=QUESTION,
            opens_at=NOW,
            closes_at=NOW + timedelta(days=1),
            now=NOW,
        )


@pytest.mark.parametrize(
    ("question", "scale_max", "closes_after"),
    [
        ("  ", 5, timedelta(days=1)),
        ("x" * 401, 5, timedelta(days=1)),
        (QUESTION, 1, timedelta(days=1)),
        (QUESTION, 11, timedelta(days=1)),
        (QUESTION, 5, timedelta(0)),
    ],
    ids=["empty", "too long", "scale 1", "scale 11", "closes when it opens"],
)
def test_a_question_that_cannot_be_answered_well_is_refused(
    sessions: SessionFactory,
    organisation: OrganisationRef,
    question: str,
    scale_max: int,
    closes_after: timedelta,
) -> None:
    with pytest.raises(InputError):
        open_survey(
            sessions,
            _who(organisation, Role.ADMIN),
            question=question,
            opens_at=NOW,
            closes_at=NOW + closes_after,
            now=NOW,
            scale_max=scale_max,
        )


def test_a_question_that_closed_already_is_not_opened(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    planner = _who(organisation, Role.PLANNER)
    last_week = NOW - timedelta(days=7)
    with pytest.raises(InputError, match="has passed; nobody could answer it"):
        open_survey(
            sessions,
            planner,
            question=QUESTION,
            opens_at=last_week,
            closes_at=last_week + timedelta(days=6),
            now=NOW,
        )
    assert surveys(sessions, planner) == []


def test_an_agent_answers_once_and_the_answer_keeps_only_team_and_day(
    sessions: SessionFactory, organisation: OrganisationRef, team: tuple[int, list[int]]
) -> None:
    team_id, agents = team
    survey = _open(sessions, organisation)
    me = _agent(organisation, agents[0])
    assert [q.answered for q in pulse_questions(sessions, me, now=NOW)] == [False]
    answer_survey(sessions, me, survey.id, value=4, now=NOW)
    assert [q.answered for q in pulse_questions(sessions, me, now=NOW)] == [True]
    colleague = _agent(organisation, agents[1])
    assert [q.answered for q in pulse_questions(sessions, colleague, now=NOW)] == [False]
    with pytest.raises(InputError, match="already"):
        answer_survey(sessions, me, survey.id, value=2, now=NOW)
    with transaction(sessions) as session:
        stored = session.scalars(select(SurveyAnswer)).all()
        assert [(a.team_id, a.answered_on, a.value) for a in stored] == [
            (team_id, NOW.astimezone(AMSTERDAM).date(), 4)
        ]
        assert session.scalars(select(SurveyParticipation.agent_id)).all() == [agents[0]]


def test_neither_answer_nor_participation_names_the_other() -> None:
    # The anonymity rests on the schema: an answer has no person, a participation no value
    # and no running number that would line up with the answers' ids.
    answer_columns = {c.key for c in inspect(SurveyAnswer).columns}
    participation_columns = {c.key for c in inspect(SurveyParticipation).columns}
    assert answer_columns == {"id", "survey_id", "team_id", "answered_on", "value"}
    assert participation_columns == {"survey_id", "agent_id"}


def test_the_answers_keep_no_order_that_lines_up_with_who_answered(
    sessions: SessionFactory, organisation: OrganisationRef, team: tuple[int, list[int]]
) -> None:
    # A running number on the answers, or SQLite's hidden row number on both tables, would
    # pair the n-th answer with the n-th participation: the key is random instead.
    survey = _open(sessions, organisation)
    for agent_id in team[1]:
        answer_survey(sessions, _agent(organisation, agent_id), survey.id, value=3, now=NOW)
    with transaction(sessions) as session:
        keys = session.scalars(select(SurveyAnswer.id)).all()
        assert len(set(keys)) == len(team[1])
        assert all(len(key) == 32 and int(key, 16) >= 0 for key in keys)
        if session.get_bind().dialect.name == "sqlite":
            for table in ("survey_answers", "survey_participations"):
                with pytest.raises(OperationalError, match="rowid"):
                    session.execute(text(f"SELECT rowid FROM {table}"))


@pytest.mark.parametrize(
    ("value", "at"),
    [(0, NOW), (6, NOW), (3, NOW + timedelta(days=6)), (3, NOW - timedelta(days=2))],
    ids=["below the scale", "above the scale", "after it closed", "before it opened"],
)
def test_an_answer_off_the_scale_or_outside_the_period_is_refused_and_not_counted(
    sessions: SessionFactory,
    organisation: OrganisationRef,
    team: tuple[int, list[int]],
    value: int,
    at: datetime,
) -> None:
    survey = _open(sessions, organisation)
    me = _agent(organisation, team[1][0])
    with pytest.raises(InputError):
        answer_survey(sessions, me, survey.id, value=value, now=at)
    with transaction(sessions) as session:
        assert session.scalars(select(SurveyParticipation)).all() == []
        assert session.scalars(select(SurveyAnswer)).all() == []


def test_only_an_agent_answers_and_only_their_own_organisations_questions(
    sessions: SessionFactory, organisation: OrganisationRef, team: tuple[int, list[int]]
) -> None:
    survey = _open(sessions, organisation)
    with pytest.raises(PermissionDeniedError):
        answer_survey(sessions, _who(organisation, Role.TEAM_LEAD), survey.id, value=3, now=NOW)
    with pytest.raises(PermissionDeniedError):
        pulse_questions(sessions, _who(organisation, Role.PLANNER), now=NOW)
    other = create_organisation(sessions, "ander", name="Andere Organisatie", now=NOW)
    stranger = replace(_agent(organisation, team[1][0]), organisation_id=other.id)
    assert pulse_questions(sessions, stranger, now=NOW) == []
    with pytest.raises(NotFoundError):
        answer_survey(sessions, stranger, survey.id, value=3, now=NOW)
    with pytest.raises(PermissionDeniedError):
        surveys(sessions, _who(organisation, Role.AGENT, agent_id=team[1][0]))


def _answer_all(
    sessions: SessionFactory,
    organisation: OrganisationRef,
    survey: SurveyView,
    answers: dict[int, int],
    *,
    now: datetime = NOW,
) -> None:
    for agent_id, value in answers.items():
        answer_survey(sessions, _agent(organisation, agent_id), survey.id, value=value, now=now)


def test_a_question_counts_for_the_team_only_once_five_of_its_people_answered_it(
    sessions: SessionFactory, organisation: OrganisationRef, team: tuple[int, list[int]]
) -> None:
    team_id, agents = team
    lead = _who(organisation, Role.TEAM_LEAD, team_id=team_id)
    first, second = _open(sessions, organisation), _open(sessions, organisation)
    _answer_all(sessions, organisation, first, dict(zip(agents[:4], [5, 4, 4, 3], strict=True)))
    _answer_all(sessions, organisation, second, dict(zip(agents[:4], [1, 1, 1, 1], strict=True)))

    figures = team_overview(sessions, lead, now=NEXT_DAY, zone=AMSTERDAM).figures
    assert (figures.engagement_share, figures.engagement_answers) == (None, 0)  # 8 answers, 4+4

    _answer_all(sessions, organisation, first, {agents[4]: 2})
    figures = team_overview(sessions, lead, now=NEXT_DAY, zone=AMSTERDAM).figures
    # Only the first question has five people: the second's four answers of 1 do not count.
    assert figures.engagement_answers == MIN_ANSWERS_SHOWN
    assert figures.engagement_share == pytest.approx((4 + 3 + 3 + 2 + 1) / 4 / 5)


def test_an_organisation_wide_lead_counts_a_question_per_team(
    sessions: SessionFactory, organisation: OrganisationRef, team: tuple[int, list[int]]
) -> None:
    """Three answers in each of two teams are six answers, but no team has five people."""
    _, noord = team
    with transaction(sessions, writes=True) as session:
        zuid = Team(organisation_id=organisation.id, name="Zuid")
        session.add(zuid)
        session.flush()
        for agent_id in noord[3:]:
            moved = session.get(Agent, agent_id)
            assert moved is not None
            moved.team_id = zuid.id
        session.flush()
    survey = _open(sessions, organisation)
    _answer_all(sessions, organisation, survey, dict.fromkeys(noord, 4))
    organisation_lead = _who(organisation, Role.TEAM_LEAD)
    figures = team_overview(sessions, organisation_lead, now=NEXT_DAY, zone=AMSTERDAM).figures
    assert (figures.engagement_share, figures.engagement_answers) == (None, 0)


def _figure(sessions: SessionFactory, lead: Principal, at: datetime) -> tuple[float | None, int]:
    figures = team_overview(sessions, lead, now=at, zone=AMSTERDAM).figures
    return figures.engagement_share, figures.engagement_answers


def test_one_more_answer_never_moves_the_figure_so_it_cannot_be_worked_out_by_difference(
    sessions: SessionFactory, organisation: OrganisationRef, large_team: tuple[int, list[int]]
) -> None:
    """The attack: read the figure, let one agent answer, read again, and the difference would
    be that agent's answer. Answers count only in batches of five or more, from the day after."""
    team_id, agents = large_team
    lead = _who(organisation, Role.TEAM_LEAD, team_id=team_id)
    survey = _open(sessions, organisation)
    first_five = dict(zip(agents[:5], [5, 4, 4, 3, 2], strict=True))
    _answer_all(sessions, organisation, survey, first_five)
    assert _figure(sessions, lead, NOW) == (None, 0)  # not on the day they were given
    first = _figure(sessions, lead, NEXT_DAY)
    assert first == (pytest.approx((4 + 3 + 3 + 2 + 1) / 4 / 5), 5)

    _answer_all(sessions, organisation, survey, {agents[5]: 1}, now=NEXT_DAY)
    assert _figure(sessions, lead, NEXT_DAY) == first  # right after the answer
    assert _figure(sessions, lead, NEXT_DAY + timedelta(days=2)) == first  # and days later

    day_three = NOW + timedelta(days=3)
    _answer_all(sessions, organisation, survey, dict.fromkeys(agents[6:10], 1), now=day_three)
    assert _figure(sessions, lead, day_three) == first  # five new answers, but still today
    # From the next day the five new answers count together: the change is their mean.
    assert _figure(sessions, lead, day_three + timedelta(days=1)) == (
        pytest.approx((4 + 3 + 3 + 2 + 1 + 0 * 5) / 4 / 10),
        10,
    )


def test_a_question_leaves_the_figure_whole_not_one_day_of_answers_at_a_time(
    sessions: SessionFactory, organisation: OrganisationRef, team: tuple[int, list[int]]
) -> None:
    """Three answers on its first day and three on its last: when the first day's are 28 days
    old the question still counts all six, until it closed 28 days ago."""
    team_id, agents = team
    lead = _who(organisation, Role.TEAM_LEAD, team_id=team_id)
    survey = _open(sessions, organisation)  # open until NOW + 6 days
    _answer_all(sessions, organisation, survey, dict.fromkeys(agents[:3], 5))
    last_day = NOW + timedelta(days=5)
    _answer_all(sessions, organisation, survey, dict.fromkeys(agents[3:], 1), now=last_day)
    assert _figure(sessions, lead, NOW + timedelta(days=30)) == (pytest.approx(0.5), 6)
    assert _figure(sessions, lead, survey.closes_at + timedelta(days=28, hours=1)) == (None, 0)


@given(
    answer_days=st.lists(st.integers(min_value=0, max_value=20), max_size=40),
    readings=st.tuples(st.integers(0, 22), st.integers(0, 22)),
)
def test_between_any_two_readings_the_figure_takes_in_no_answer_or_five_at_once(
    answer_days: list[int], readings: tuple[int, int]
) -> None:
    """Whatever days the answers come in, two readings differ by no answer or by five or more,
    and a reading never loses an answer it counted (so no difference isolates one person)."""
    first_day = date(2020, 3, 16)
    earlier, later = sorted(readings)

    def counted_on(reading: int) -> list[float]:
        # The database on that day holds the answers given up to and including it.
        held = [
            (first_day + timedelta(days=day), float(n))
            for n, day in enumerate(sorted(answer_days))
            if day <= reading
        ]
        return released_answers(held, today=first_day + timedelta(days=reading))

    before, after = counted_on(earlier), counted_on(later)
    assert set(before) <= set(after)
    assert len(after) - len(before) == 0 or len(after) - len(before) >= MIN_ANSWERS_SHOWN
    assert len(before) == 0 or len(before) >= MIN_ANSWERS_SHOWN
