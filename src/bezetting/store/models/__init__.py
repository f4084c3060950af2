"""Every table of bezetting, as SQLAlchemy 2 declarative models (see docs/data-model.md)."""

from __future__ import annotations

from bezetting.store.models.agents import Agent, AgentPreference, AgentSkill, Availability, Trainee
from bezetting.store.models.base import Base
from bezetting.store.models.contacts import AgentStateEvent, ContactRecord, ImportBatch
from bezetting.store.models.organisation import (
    Client,
    OpeningException,
    OpeningHours,
    Organisation,
    Queue,
    QueueSkill,
    Skill,
    Team,
)
from bezetting.store.models.people import (
    ApiToken,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    User,
)
from bezetting.store.models.planning import (
    Activity,
    Forecast,
    ForecastInterval,
    PlanningSettings,
    Requirement,
    RequirementInterval,
    Schedule,
    Shift,
)
from bezetting.store.models.requests import Absence, Request
from bezetting.store.models.system import Job

__all__ = [
    "Absence",
    "Activity",
    "Agent",
    "AgentPreference",
    "AgentSkill",
    "AgentStateEvent",
    "ApiToken",
    "Availability",
    "Base",
    "Client",
    "ContactRecord",
    "Forecast",
    "ForecastInterval",
    "ImportBatch",
    "Job",
    "OpeningException",
    "OpeningHours",
    "Organisation",
    "PlanningSettings",
    "Queue",
    "QueueSkill",
    "Request",
    "Requirement",
    "RequirementInterval",
    "Schedule",
    "Shift",
    "Skill",
    "Survey",
    "SurveyAnswer",
    "SurveyParticipation",
    "Team",
    "Trainee",
    "User",
]
