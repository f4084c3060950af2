"""``/surveys``: pulse questions. A planner or admin opens one; an agent answers it once.

No route returns single answers, nor any figure over them: results are shown only aggregated,
on the team page, by :func:`bezetting.services.surveys.engagement` (whole batches of five or
more, so no reading nor difference of two readings gives one person's answer away).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bezetting.api.deps import Context, require_roles
from bezetting.api.routers.users import ID
from bezetting.services.surveys import (
    DEFAULT_SCALE,
    MAX_QUESTION_LENGTH,
    SurveyView,
    answer_survey,
    open_survey,
    pulse_questions,
    surveys,
)
from bezetting.services.users import Principal
from bezetting.store.enums import Role

__all__ = ["AnswerIn", "PulseOut", "SurveyIn", "SurveyOut", "router"]

router = APIRouter(prefix="/surveys", tags=["surveys"])
Opener = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLANNER))]
Reader = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD))]
AgentCaller = Annotated[Principal, Depends(require_roles(Role.AGENT))]


class SurveyIn(BaseModel):
    """A question, open from ``opens_at`` until ``closes_at``, answered 1 to ``scale_max``."""

    model_config = ConfigDict(extra="forbid")

    question: Annotated[str, Field(min_length=1, max_length=MAX_QUESTION_LENGTH)]
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    scale_max: Annotated[int, Field(ge=2, le=10)] = DEFAULT_SCALE


class SurveyOut(BaseModel):
    """A pulse question (never its answers)."""

    id: int
    question: str
    scale_max: int
    opens_at: datetime
    closes_at: datetime

    @classmethod
    def of(cls, s: SurveyView) -> SurveyOut:
        return cls(
            id=s.id,
            question=s.question,
            scale_max=s.scale_max,
            opens_at=s.opens_at,
            closes_at=s.closes_at,
        )


class PulseOut(BaseModel):
    """An open question for the calling agent, and whether they answered it (never what)."""

    survey: SurveyOut
    answered: bool


class AnswerIn(BaseModel):
    """The answer, from 1 to the survey's scale."""

    model_config = ConfigDict(extra="forbid")

    value: Annotated[int, Field(ge=1, le=10)]


@router.post("", response_model=SurveyOut, status_code=201, summary="Open a pulse question")
def create(body: SurveyIn, who: Opener, context: Context) -> SurveyOut:
    view = open_survey(
        context.sessions,
        who,
        question=body.question,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
        now=context.clock(),
        scale_max=body.scale_max,
    )
    return SurveyOut.of(view)


@router.get("", response_model=list[SurveyOut], summary="The organisation's pulse questions")
def list_surveys(who: Reader, context: Context) -> list[SurveyOut]:
    return [SurveyOut.of(s) for s in surveys(context.sessions, who)]


@router.get("/open", response_model=list[PulseOut], summary="The questions open for me")
def open_for_me(who: AgentCaller, context: Context) -> list[PulseOut]:
    return [
        PulseOut(survey=SurveyOut.of(q.survey), answered=q.answered)
        for q in pulse_questions(context.sessions, who, now=context.clock())
    ]


@router.post(
    "/{survey_id}/answer",
    status_code=204,
    response_class=Response,
    summary="Answer a pulse question once, anonymously",
)
def answer(survey_id: ID, body: AnswerIn, who: AgentCaller, context: Context) -> Response:
    answer_survey(context.sessions, who, survey_id, value=body.value, now=context.clock())
    return Response(status_code=204)
