"""What happened: contact records, agent state events, and the import batches that brought them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bezetting.store.enums import AgentState, Channel, ImportKind
from bezetting.store.models.base import BIG_ID, Base
from bezetting.store.types import enum_column_type

__all__ = ["AgentStateEvent", "ContactRecord", "ImportBatch"]


class ImportBatch(Base):
    """One imported file: its SHA-256 (so the same file is never imported twice) and counts."""

    __tablename__ = "import_batches"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", "file_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[ImportKind] = mapped_column(enum_column_type(ImportKind, name="import_kind"))
    file_name: Mapped[str] = mapped_column(String(400))
    file_sha256: Mapped[str] = mapped_column(String(64))
    rows_total: Mapped[int]
    accepted: Mapped[int]
    unchanged: Mapped[int]
    rejected: Mapped[int]
    mapping: Mapped[dict[str, Any]]
    imported_at: Mapped[datetime]


class ContactRecord(Base):
    """One call, chat, e-mail or callback.

    The customer is stored only as a keyed hash (``customer_pseudonym``): repeat contacts of the
    same customer can be found (first-time-right) without storing who called. ``agent_code`` is
    the handler as the source system named them; ``agent_id`` is set when that agent is known.
    """

    __tablename__ = "contact_records"
    __table_args__ = (
        UniqueConstraint("queue_id", "external_id"),
        Index("ix_contact_records_queue_id_arrived_at", "queue_id", "arrived_at"),
        CheckConstraint("csat IS NULL OR csat BETWEEN 1 AND 10", name="csat"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[Channel] = mapped_column(enum_column_type(Channel, name="channel"))
    customer_pseudonym: Mapped[str | None] = mapped_column(String(64), index=True)
    arrived_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    abandoned: Mapped[bool]
    agent_code: Mapped[str | None] = mapped_column(String(64))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(200))
    csat: Mapped[int | None] = mapped_column(SmallInteger)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class AgentStateEvent(Base):
    """An agent changed state at ``occurred_at``; ``event_id`` makes re-delivery harmless."""

    __tablename__ = "agent_state_events"
    __table_args__ = (
        Index("ix_agent_state_events_agent_id_occurred_at", "agent_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    state: Mapped[AgentState] = mapped_column(enum_column_type(AgentState, name="agent_state"))
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
    source: Mapped[str | None] = mapped_column(String(64))
