"""Pulse surveys: a planner or admin opens a question, each agent answers it once, anonymously.

An answer is stored without a person: only the survey, the agent's team and the local day
(:class:`~bezetting.store.models.SurveyAnswer`). That the agent answered is stored apart, with no
value (:class:`~bezetting.store.models.SurveyParticipation`), in the same transaction, so a
second answer is refused without linking the first to anyone. Nothing here returns single
answers: results are read only aggregated, on the team page, and a question counts there for a
team only once at least :data:`~bezetting.services.overview.MIN_ANSWERS_SHOWN` people of that
team answered it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bezetting.core.errors import InputError
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.users import Principal
from bezetting.store import Session, SessionFactory, transaction
from bezetting.store.enums import Role
from bezetting.store.models import Agent, Organisation, Survey, SurveyAnswer, SurveyParticipation

__all__ = [
    "DEFAULT_SCALE",
    "MAX_QUESTION_LENGTH",
    "PulseQuestion",
    "SurveyView",
    "answer_survey",
    "open_survey",
    "pulse_questions",
    "surveys",
]

DEFAULT_SCALE = 5
MAX_QUESTION_LENGTH = 400
_SCALES = range(2, 11)
_OPENERS = (Role.ADMIN, Role.PLANNER)
_READERS = (Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD)


@dataclass(frozen=True, kw_only=True)
class SurveyView:
    """A pulse question and when it is open (``opens_at`` inclusive, ``closes_at`` not)."""

    id: int
    question: str
    scale_max: int
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True, kw_only=True)
class PulseQuestion:
    """An open question as an agent sees it: whether they answered, never what."""

    survey: SurveyView
    answered: bool


def _view(survey: Survey) -> SurveyView:
    return SurveyView(
        id=survey.id,
        question=survey.question,
        scale_max=survey.scale_max,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
    )


def _aware(name: str, value: datetime) -> None:
    if value.utcoffset() is None:
        raise InputError(f"{name} {value.isoformat()} has no time zone")


def open_survey(
    sessions: SessionFactory,
    who: Principal,
    *,
    question: str,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
    scale_max: int = DEFAULT_SCALE,
) -> SurveyView:
    """Open a pulse question to every agent of the caller's organisation.

    Raises:
        PermissionDeniedError: the caller is not an admin or planner.
        InputError: an empty or too long question, a scale outside 2 to 10, naive times, a
            close that is not after the open, or a close that has passed (nobody could answer).
    """
    if who.role not in _OPENERS:
        raise PermissionDeniedError("only an admin or planner opens a pulse survey")
    text = question.strip()
    if not text or len(text) > MAX_QUESTION_LENGTH:
        raise InputError(f"the question must have 1 to {MAX_QUESTION_LENGTH} characters")
    if scale_max not in _SCALES:
        raise InputError(f"scale_max must be from {_SCALES.start} to {_SCALES.stop - 1}")
    _aware("opens_at", opens_at)
    _aware("closes_at", closes_at)
    if closes_at <= opens_at:
        raise InputError(
            f"the survey must close after it opens ({opens_at.isoformat()} .. "
            f"{closes_at.isoformat()})"
        )
    if closes_at <= now:
        raise InputError(
            f"the survey would close at {closes_at.isoformat()}, which has passed; nobody could "
            "answer it"
        )
    with transaction(sessions, writes=True) as session:
        survey = Survey(
            organisation_id=who.organisation_id,
            question=text,
            scale_max=scale_max,
            opens_at=opens_at,
            closes_at=closes_at,
        )
        session.add(survey)
        session.flush()
        return _view(survey)


def surveys(sessions: SessionFactory, who: Principal) -> list[SurveyView]:
    """The organisation's surveys, newest first: the questions, never the answers.

    Raises:
        PermissionDeniedError: the caller is not an admin, planner or team lead.
    """
    if who.role not in _READERS:
        raise PermissionDeniedError("the list of surveys is for admins, planners and team leads")
    with transaction(sessions) as session:
        rows = (
            session.query(Survey)
            .filter(Survey.organisation_id == who.organisation_id)
            .order_by(Survey.opens_at.desc(), Survey.id.desc())
            .all()
        )
        return [_view(s) for s in rows]


def _agent_id(who: Principal) -> int:
    if who.role is not Role.AGENT or who.agent_id is None:
        raise PermissionDeniedError("only an agent answers a pulse survey")
    return who.agent_id


def _open_now(session: Session, who: Principal, now: datetime) -> list[Survey]:
    return (
        session.query(Survey)
        .filter(
            Survey.organisation_id == who.organisation_id,
            Survey.opens_at <= now,
            Survey.closes_at > now,
        )
        .order_by(Survey.opens_at, Survey.id)
        .all()
    )


def pulse_questions(
    sessions: SessionFactory, who: Principal, *, now: datetime
) -> list[PulseQuestion]:
    """The questions open now for the calling agent, each with whether they answered it.

    Raises:
        PermissionDeniedError: the caller is not an agent.
    """
    agent_id = _agent_id(who)
    with transaction(sessions) as session:
        open_surveys = _open_now(session, who, now)
        answered = {
            survey_id
            for (survey_id,) in session.query(SurveyParticipation.survey_id).filter(
                SurveyParticipation.agent_id == agent_id,
                SurveyParticipation.survey_id.in_([s.id for s in open_surveys]),
            )
        }
        return [PulseQuestion(survey=_view(s), answered=s.id in answered) for s in open_surveys]


def answer_survey(
    sessions: SessionFactory, who: Principal, survey_id: int, *, value: int, now: datetime
) -> None:
    """Store the calling agent's answer without their name, and that they answered.

    The answer keeps the agent's team and the organisation's local day only.

    Raises:
        PermissionDeniedError: the caller is not an agent.
        NotFoundError: no such survey in the caller's organisation.
        InputError: the survey is not open now, the value is outside 1 to its scale, or the
            agent answered it already.
    """
    agent_id = _agent_id(who)
    with transaction(sessions, writes=True) as session:
        survey = session.get(Survey, survey_id)
        if survey is None or survey.organisation_id != who.organisation_id:
            raise NotFoundError(f"no survey with id {survey_id}")
        if not survey.opens_at <= now < survey.closes_at:
            raise InputError(f"survey {survey_id} is not open now")
        if not 1 <= value <= survey.scale_max:
            raise InputError(f"the answer must be from 1 to {survey.scale_max}, got {value}")
        if session.get(SurveyParticipation, (survey_id, agent_id)) is not None:
            raise InputError(f"you answered survey {survey_id} already")
        agent = session.get(Agent, agent_id)
        organisation = session.get(Organisation, who.organisation_id)
        if agent is None or organisation is None:
            raise NotFoundError(f"no agent with id {agent_id}")
        session.add(SurveyParticipation(survey_id=survey_id, agent_id=agent_id))
        session.add(
            SurveyAnswer(
                survey_id=survey_id,
                team_id=agent.team_id,
                answered_on=now.astimezone(ZoneInfo(organisation.timezone)).date(),
                value=value,
            )
        )
