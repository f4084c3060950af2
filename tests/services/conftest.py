"""Fixtures for the use cases: an organisation with two queues, on both database engines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bezetting.services.imports import import_agents
from bezetting.services.organisations import (
    OrganisationRef,
    QueueSpec,
    create_organisation,
    create_queue,
)
from bezetting.services.users import Principal
from bezetting.store import SessionFactory
from bezetting.store.enums import Channel, Role, TokenScope
from bezetting.store.models import Agent

NOW = datetime(2020, 3, 16, 7, 0, tzinfo=UTC)
KEY = b"Jefe"


@pytest.fixture
def organisation(sessions: SessionFactory) -> OrganisationRef:
    """Gemeente Voorbeeld, Europe/Amsterdam, with queues ``general`` (voice) and ``chat``."""
    ref = create_organisation(sessions, "gemeente", name="Gemeente Voorbeeld", now=NOW)
    create_queue(sessions, "gemeente", QueueSpec(code="general", name="General"))
    create_queue(
        sessions,
        "gemeente",
        QueueSpec(code="chat", name="Chat", channel=Channel.CHAT, chat_concurrency=3),
    )
    return ref


def principal(
    organisation: OrganisationRef, role: Role, *, user_id: int = 1, **links: int | None
) -> Principal:
    """A caller of ``organisation`` in ``role``, linked to an agent, team or client by ``links``."""
    return Principal(
        user_id=user_id,
        organisation_id=organisation.id,
        organisation_code=organisation.code,
        email="x@example.nl",
        role=role,
        scope=TokenScope.SESSION,
        token_id=1,
        **links,  # type: ignore[arg-type]
    )


AGENTS_CSV = (
    "external_id,name,contract_hours,skills\n"
    "1001,Anouk de Vries,32,general\n"
    "1002,Bram Jansen,24,general;chat\n"
)


@pytest.fixture
def agent_ids(sessions: SessionFactory, organisation: OrganisationRef) -> dict[str, int]:
    """Two agents, 1001 and 1002, by employee number -> id."""
    import_agents(sessions, AGENTS_CSV.encode(), file_name="agents.csv", now=NOW)
    with sessions() as session:
        return {a.external_id: a.id for a in session.scalars(select(Agent))}
