"""Pulse surveys: a planner opens a question, agents answer once, anonymously; the team lead
sees the mean only from five answers on."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
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
    surveys,
)
from bezetting.services.users import Principal
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import EmploymentType, Role
from bezetting.store.models import Agent, SurveyAnswer, SurveyParticipation, Team
from tests.services.conftest import NOW
from tests.services.conftest import principal as _who

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
QUESTION = "How well can you do your work from home this week?"


@pytest.fixture
def team(sessions: SessionFactory, organisation: OrganisationRef) -> tuple[int, list[int]]:
    """Team Noord with six agents: its id and the agents' ids."""
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
            for n in range(6)
        ]
        session.add_all(agents)
        session.flush()
        return noord.id, [a.id for a in agents]


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
) -> None:
    for agent_id, value in answers.items():
        answer_survey(sessions, _agent(organisation, agent_id), survey.id, value=value, now=NOW)


def test_a_question_counts_for_the_team_only_once_five_of_its_people_answered_it(
    sessions: SessionFactory, organisation: OrganisationRef, team: tuple[int, list[int]]
) -> None:
    team_id, agents = team
    lead = _who(organisation, Role.TEAM_LEAD, team_id=team_id)
    first, second = _open(sessions, organisation), _open(sessions, organisation)
    _answer_all(sessions, organisation, first, dict(zip(agents[:4], [5, 4, 4, 3], strict=True)))
    _answer_all(sessions, organisation, second, dict(zip(agents[:4], [1, 1, 1, 1], strict=True)))

    figures = team_overview(sessions, lead, now=NOW, zone=AMSTERDAM).figures
    assert (figures.engagement_share, figures.engagement_answers) == (None, 0)  # 8 answers, 4+4

    _answer_all(sessions, organisation, first, {agents[4]: 2})
    figures = team_overview(sessions, lead, now=NOW, zone=AMSTERDAM).figures
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
    figures = team_overview(sessions, organisation_lead, now=NOW, zone=AMSTERDAM).figures
    assert (figures.engagement_share, figures.engagement_answers) == (None, 0)
