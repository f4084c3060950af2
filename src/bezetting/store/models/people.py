"""Accounts and voices: users with roles, API tokens, anonymous pulse surveys."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from bezetting.store.enums import Role, TokenScope
from bezetting.store.models.base import Base
from bezetting.store.types import enum_column_type

__all__ = ["ApiToken", "Survey", "SurveyAnswer", "SurveyParticipation", "User"]


class User(Base):
    """Someone who logs in. An agent user points at their agent; a client viewer at a client."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column_type(Role, name="role"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    calendar_feed_round: Mapped[int] = mapped_column(default=0, server_default="0")
    """How often the calendar feed address was renewed; part of its key (migration 0008)."""


class ApiToken(Base):
    """A bearer token for the API, or a login session; only its SHA-256 is stored.

    ``scope`` says what the token may be used for; ``name`` is a label for people ("login",
    "genesys events").
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scope: Mapped[TokenScope] = mapped_column(enum_column_type(TokenScope, name="token_scope"))
    name: Mapped[str] = mapped_column(String(200))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Survey(Base):
    """A pulse question, open for a period, answered on a scale from 1 to ``scale_max``."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    question: Mapped[str] = mapped_column(String(400))
    scale_max: Mapped[int] = mapped_column(SmallInteger, default=5)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]


def random_row_key() -> str:
    """A key that says nothing about when its row was written (128 random bits, hex)."""
    return secrets.token_hex(16)


class SurveyAnswer(Base):
    """An anonymous answer: deliberately no user or agent column, and only the day, not the time.

    Its key is random and, on SQLite, the table has no hidden row number (``WITHOUT ROWID``):
    a running number would line up the answers with the order of the participations, and so
    with the agents who gave them. Results are shown aggregated over five or more answers per
    team and period.
    """

    __tablename__ = "survey_answers"
    __table_args__ = (
        CheckConstraint("value >= 1", name="value"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_row_key)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    answered_on: Mapped[date]
    value: Mapped[int] = mapped_column(SmallInteger)


class SurveyParticipation(Base):
    """That an agent answered a survey (so they answer once), never what they answered.

    Written in the same transaction as the :class:`SurveyAnswer`, but with no link to it, and
    keyed by (survey, agent) rather than a running number that would line up with the answers';
    on SQLite without a hidden row number either, so rows are kept in key order, not in the
    order agents answered.
    """

    __tablename__ = "survey_participations"
    __table_args__ = ({"sqlite_with_rowid": False},)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True, index=True)
