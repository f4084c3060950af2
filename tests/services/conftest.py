"""Fixtures for the use cases: an organisation with two queues, on both database engines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bezetting.services.organisations import (
    OrganisationRef,
    QueueSpec,
    create_organisation,
    create_queue,
)
from bezetting.store import SessionFactory
from bezetting.store.enums import Channel

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
