"""Setting up: organisations, clients and queues (the admin's use cases, first cut)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bezetting.core.errors import InputError
from bezetting.store import Session, SessionFactory, queries, transaction
from bezetting.store.enums import Channel
from bezetting.store.models import Client, Organisation, Queue

__all__ = [
    "DEFAULT_ORGANISATION_CODE",
    "OrganisationRef",
    "QueueSpec",
    "add_queue",
    "create_organisation",
    "create_queue",
    "ensure_default_organisation",
    "list_organisations",
    "resolve_organisation",
]

DEFAULT_ORGANISATION_CODE = "default"


@dataclass(frozen=True)
class OrganisationRef:
    """An organisation's id, code and time zone."""

    id: int
    code: str
    timezone: str


@dataclass(frozen=True, kw_only=True)
class QueueSpec:
    """A queue to create (seconds and shares as in the ``queues`` table)."""

    code: str
    name: str
    channel: Channel = Channel.VOICE
    client_code: str | None = None
    timezone: str | None = None
    interval_minutes: int = 30
    service_target_share: float = 0.8
    service_target_seconds: float = 20.0
    max_abandon_share: float | None = None
    patience_seconds: float | None = None
    chat_concurrency: int = 1
    email_deadline_seconds: float | None = None


def _ref(organisation: Organisation) -> OrganisationRef:
    return OrganisationRef(organisation.id, organisation.code, organisation.timezone)


def create_organisation(
    sessions: SessionFactory,
    code: str,
    *,
    name: str,
    now: datetime,
    timezone: str = "Europe/Amsterdam",
) -> OrganisationRef:
    """Create an organisation with one client of the same code (its in-house client)."""
    with transaction(sessions, writes=True) as session:
        if queries.organisation_by_code(session, code) is not None:
            raise InputError(f"an organisation with code {code!r} exists already")
        organisation = Organisation(code=code, name=name, timezone=timezone, created_at=now)
        session.add(organisation)
        session.flush()
        session.add(Client(organisation_id=organisation.id, code=code, name=name))
        return _ref(organisation)


def ensure_default_organisation(sessions: SessionFactory, *, now: datetime) -> OrganisationRef:
    """The only organisation, creating ``default`` when there is none (one-machine installs)."""
    with transaction(sessions) as session:
        existing = queries.organisations(session)
        if existing:
            return _ref(existing[0])
    return create_organisation(
        sessions, DEFAULT_ORGANISATION_CODE, name="Default organisation", now=now
    )


def list_organisations(sessions: SessionFactory) -> list[OrganisationRef]:
    """Every organisation on this server."""
    with transaction(sessions) as session:
        return [_ref(o) for o in queries.organisations(session)]


def resolve_organisation(session: Session, code: str | None) -> Organisation:
    """The organisation named by ``code``, or the only one when ``code`` is None.

    Raises:
        InputError: no such organisation, none at all, or several and no code given.
    """
    if code is not None:
        found = queries.organisation_by_code(session, code)
        if found is None:
            known = ", ".join(o.code for o in queries.organisations(session)) or "none"
            raise InputError(f"no organisation {code!r}; known: {known}")
        return found
    every = queries.organisations(session)
    if not every:
        raise InputError("there is no organisation yet; create one first")
    if len(every) > 1:
        raise InputError(
            "several organisations exist; name one (" + ", ".join(o.code for o in every) + ")"
        )
    return every[0]


def add_queue(session: Session, organisation: Organisation, spec: QueueSpec) -> Queue:
    """Add a queue inside the caller's transaction (used by imports creating missing queues)."""
    clients = queries.clients_by_code(session, organisation.id)
    client_code = spec.client_code or organisation.code
    client = clients.get(client_code)
    if client is None:
        if spec.client_code is not None:
            raise InputError(
                f"no client {spec.client_code!r} in {organisation.code!r}; known: "
                + (", ".join(clients) or "none")
            )
        client = Client(organisation_id=organisation.id, code=client_code, name=organisation.name)
        session.add(client)
        session.flush()
    if spec.interval_minutes not in (15, 30, 60):
        raise InputError(f"interval_minutes must be 15, 30 or 60, got {spec.interval_minutes}")
    queue = Queue(
        organisation_id=organisation.id,
        client_id=client.id,
        code=spec.code,
        name=spec.name,
        channel=spec.channel,
        timezone=spec.timezone or organisation.timezone,
        interval_minutes=spec.interval_minutes,
        service_target_share=spec.service_target_share,
        service_target_seconds=spec.service_target_seconds,
        max_abandon_share=spec.max_abandon_share,
        patience_seconds=spec.patience_seconds,
        chat_concurrency=spec.chat_concurrency,
        email_deadline_seconds=spec.email_deadline_seconds,
    )
    session.add(queue)
    session.flush()
    return queue


def create_queue(sessions: SessionFactory, organisation_code: str | None, spec: QueueSpec) -> int:
    """Create a queue; returns its id.

    Raises:
        InputError: the organisation or client is unknown, or the code is taken.
    """
    with transaction(sessions, writes=True) as session:
        organisation = resolve_organisation(session, organisation_code)
        if spec.code in queries.queues_by_code(session, organisation.id):
            raise InputError(f"queue {spec.code!r} exists already in {organisation.code!r}")
        return add_queue(session, organisation, spec).id
