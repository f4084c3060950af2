"""Pulse surveys: a planner or admin opens a question, each agent answers it once, anonymously.

An answer is stored without a person: only the survey, the agent's team and the local day
(:class:`~bezetting.store.models.SurveyAnswer`). That the agent answered is stored apart, with no
value (:class:`~bezetting.store.models.SurveyParticipation`), in the same transaction, so a
second answer is refused without linking the first to anyone. Nothing here returns single
answers: results are read only aggregated (:func:`engagement`, on the team page), and only so
that no reading, nor the difference of two readings, rests on fewer than
:data:`MIN_ANSWERS_SHOWN` people: a question counts per team, its answers from the day after
they were given and in batches of at least five (:func:`released_answers`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
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
    "MIN_ANSWERS_SHOWN",
    "Engagement",
    "PulseQuestion",
    "SurveyView",
    "answer_survey",
    "engagement",
    "open_survey",
    "pulse_questions",
    "released_answers",
    "surveys",
]

MIN_ANSWERS_SHOWN = 5
"""Pulse answers are shown only aggregated over at least this many people (anonymity)."""

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
class Engagement:
    """The mean pulse answer as a share of its scale (None when no answer counts yet), and how
    many answers it is over."""

    share: float | None
    answers: int


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


def released_answers(answers: Iterable[tuple[date, float]], *, today: date) -> list[float]:
    """The answers of one question and team that a figure may count on ``today``.

    ``answers`` are (local day answered, value). Only days before today count, in batches: a
    batch closes at the end of the first day that brings it to :data:`MIN_ANSWERS_SHOWN`
    answers, and a batch still open counts for nothing. A day that has passed gets no more
    answers, so a closed batch never changes: between any two readings the figure takes in no
    answer or a whole batch of five or more, and a difference of two readings is never one
    person's answer. (Within a day the answers keep no order on purpose, so a batch can only
    end where a day does.)

    >>> from datetime import date
    >>> monday, tuesday, wednesday = date(2020, 3, 16), date(2020, 3, 17), date(2020, 3, 18)
    >>> released_answers([(monday, 1.0)] * 4 + [(tuesday, 0.0)], today=tuesday)
    []
    >>> released_answers([(monday, 1.0)] * 4 + [(tuesday, 0.0)], today=wednesday)
    [1.0, 1.0, 1.0, 1.0, 0.0]
    """
    by_day: dict[date, list[float]] = {}
    for day, value in answers:
        if day < today:
            by_day.setdefault(day, []).append(value)
    released: list[float] = []
    batch: list[float] = []
    for day in sorted(by_day):
        batch.extend(by_day[day])
        if len(batch) >= MIN_ANSWERS_SHOWN:
            released.extend(batch)
            batch = []
    return released


def engagement(
    session: Session,
    *,
    organisation_id: int,
    team_id: int | None,
    now: datetime,
    since: datetime,
) -> Engagement:
    """Engagement over the questions open at some time from ``since`` to ``now``.

    Each question counts per team, with only its :func:`released_answers` (whole batches of
    five or more, from the day after), so neither one more answer nor the window moving on
    shifts the figure by one person: a question leaves the window whole, once it closed before
    ``since``, rather than one day of answers at a time. ``team_id`` None is the whole
    organisation, each team still counted on its own (so no team's small group shows by
    difference). The caller has checked who may see it.
    """
    organisation = session.get(Organisation, organisation_id)
    zone = ZoneInfo(organisation.timezone) if organisation is not None else UTC
    today = now.astimezone(zone).date()
    query = (
        session.query(
            SurveyAnswer.survey_id,
            SurveyAnswer.team_id,
            SurveyAnswer.answered_on,
            SurveyAnswer.value,
            Survey.scale_max,
        )
        .join(Survey, SurveyAnswer.survey_id == Survey.id)
        .filter(Survey.organisation_id == organisation_id, Survey.closes_at > since)
    )
    if team_id is not None:
        query = query.filter(SurveyAnswer.team_id == team_id)
    per_question_and_team: dict[tuple[int, int | None], list[tuple[date, float]]] = {}
    for survey_id, answer_team_id, answered_on, value, scale_max in query:
        share = (value - 1) / (scale_max - 1)
        per_question_and_team.setdefault((survey_id, answer_team_id), []).append(
            (answered_on, share)
        )
    shares = [
        share
        for answers in per_question_and_team.values()
        for share in released_answers(answers, today=today)
    ]
    if not shares:
        return Engagement(share=None, answers=0)
    return Engagement(share=sum(shares) / len(shares), answers=len(shares))
