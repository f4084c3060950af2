"""The closed vocabularies of the domain, stored by value (``"voice"``, ``"team_lead"``).

Plain :class:`~enum.StrEnum` classes with no database import, so services and the API can use
them without touching SQLAlchemy.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AbsenceKind",
    "ActivityKind",
    "AgentState",
    "AvailabilityKind",
    "Channel",
    "EmploymentType",
    "ImportKind",
    "JobState",
    "Location",
    "PreferenceKind",
    "RequestKind",
    "RequestStatus",
    "Role",
    "ScheduleStatus",
    "TokenScope",
]


class Channel(StrEnum):
    """How customers reach a queue."""

    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"
    CALLBACK = "callback"


class EmploymentType(StrEnum):
    """An agent's contract: permanent, temporary (agency) or on call (oproepkracht)."""

    PERMANENT = "permanent"
    TEMP = "temp"
    ON_CALL = "on_call"


class Location(StrEnum):
    """Where an activity is worked."""

    HOME = "home"
    OFFICE = "office"


class AvailabilityKind(StrEnum):
    """A window an agent can work, cannot work, or would like to work."""

    AVAILABLE = "available"
    UNAVAILABLE = "unavailable"
    PREFERRED = "preferred"


class PreferenceKind(StrEnum):
    """A standing wish of an agent, weighed by the scheduler."""

    DAY_OFF = "day_off"
    EARLY = "early"
    LATE = "late"
    HOME = "home"
    OFFICE = "office"


class AgentState(StrEnum):
    """What an agent is doing now, as reported by the telephony or chat platform."""

    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    ON_CONTACT = "on_contact"
    AFTER_CONTACT_WORK = "after_contact_work"
    BREAK = "break"
    LUNCH = "lunch"
    TRAINING = "training"
    MEETING = "meeting"
    COACHING = "coaching"
    OTHER = "other"


class ScheduleStatus(StrEnum):
    """A schedule is drafted, then published to agents."""

    DRAFT = "draft"
    PUBLISHED = "published"


class ActivityKind(StrEnum):
    """What a block of a shift is for."""

    CONTACT_WORK = "contact_work"
    BREAK = "break"
    LUNCH = "lunch"
    TRAINING = "training"
    MEETING = "meeting"
    COACHING = "coaching"


class RequestKind(StrEnum):
    """What an agent asks for."""

    TIME_OFF = "time_off"
    SWAP = "swap"
    AVAILABILITY_CHANGE = "availability_change"


class RequestStatus(StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class AbsenceKind(StrEnum):
    """Why an agent is away without a planned request."""

    SICK = "sick"
    CARE_LEAVE = "care_leave"
    OTHER = "other"


class Role(StrEnum):
    """What a user may do."""

    ADMIN = "admin"
    PLANNER = "planner"
    TEAM_LEAD = "team_lead"
    AGENT = "agent"
    CLIENT_VIEWER = "client_viewer"


class TokenScope(StrEnum):
    """What an API token is for: a browser session, the API as its user, or posting live events."""

    SESSION = "session"
    API = "api"
    INTEGRATION = "integration"


class ImportKind(StrEnum):
    """What an import batch brought in."""

    CONTACTS = "contacts"
    AGENTS = "agents"
    AVAILABILITY = "availability"


class JobState(StrEnum):
    """Where a job is in its life: queued, running, then succeeded, failed or cancelled."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
