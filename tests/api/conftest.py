"""One small world for the API tests, built once and copied per test (a fresh SQLite file).

Organisation ``gemeente`` with two clients (``gemeente`` in-house and ``bank``), a queue for
each, agents 1001 (team Noord) and 1002 (team Zuid), a published schedule with shifts for
both agents and a draft of the week after, a pending time-off request of 1002, and one user
per role plus an integration token. Organisation ``ander`` has an agent and a queue that
nobody of ``gemeente`` may see. Every user gets an ``api`` token so tests need not log in
(login has tests of its own).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event, select

from bezetting.api.app import create_app
from bezetting.api.deps import LoginRateLimiter
from bezetting.config import load_settings
from bezetting.jobs import InProcessRunner
from bezetting.services.absence import request_time_off
from bezetting.services.availability import add_standing_wish, declare_window
from bezetting.services.imports import ImportOptions, import_agents
from bezetting.services.organisations import QueueSpec, create_organisation, create_queue
from bezetting.services.requests import decide_request
from bezetting.services.schedules import (
    ActivityPlan,
    ShiftPlan,
    create_schedule,
    publish_schedule,
    save_schedule_shifts,
)
from bezetting.services.surveys import open_survey
from bezetting.services.swaps import accept_swap, offer_swap
from bezetting.services.users import create_user, issue_token, principal_for_token
from bezetting.store import create_engine_for_url, make_session_factory, transaction, upgrade
from bezetting.store.engine import BEGIN_FOR_WRITING
from bezetting.store.enums import (
    ActivityKind,
    AvailabilityKind,
    PreferenceKind,
    Role,
    TokenScope,
)
from bezetting.store.models import Agent, Client, Organisation, Queue, Shift

NOW = datetime(2020, 3, 16, 7, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
ROLES = ("admin", "planner", "team_lead", "agent", "client_viewer")


@dataclass(frozen=True)
class World:
    """Ids and tokens of the world (tokens in plain text, as a client would hold them)."""

    path: Path
    organisation_id: int
    other_organisation_id: int
    tokens: dict[str, str]
    emails: dict[str, str]
    user_ids: dict[str, int]
    agent_ids: dict[str, int]
    queue_ids: dict[str, int]
    other_agent_id: int
    other_queue_id: int
    shift_start: datetime
    pending_request_id: int
    own_request_id: int  # Anouk's pending time off, for her to withdraw
    shift_ids: dict[str, int]
    schedule_version: int
    open_swap_id: int
    own_swap_id: int
    accepted_swap_id: int
    open_survey_id: int
    own_window_id: int
    own_wish_id: int
    draft_schedule_id: int
    draft_version: int


def _working(agent_id: int, starts_at: datetime) -> ShiftPlan:
    """Eight hours of contact work from ``starts_at``."""
    ends_at = starts_at + timedelta(hours=8)
    work = ActivityPlan(kind=ActivityKind.CONTACT_WORK, starts_at=starts_at, ends_at=ends_at)
    return ShiftPlan(agent_id=agent_id, starts_at=starts_at, ends_at=ends_at, activities=(work,))


def _build(path: Path) -> World:
    engine = create_engine_for_url(f"sqlite:///{path}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    create_organisation(sessions, "gemeente", name="Gemeente Voorbeeld", now=NOW)
    create_organisation(sessions, "ander", name="Andere Organisatie", now=NOW)
    with transaction(sessions) as session:
        org_id = session.scalars(
            select(Organisation.id).where(Organisation.code == "gemeente")
        ).one()
        session.add(Client(organisation_id=org_id, code="bank", name="De Bank"))
    create_queue(sessions, "gemeente", QueueSpec(code="general", name="General"))
    create_queue(sessions, "gemeente", QueueSpec(code="bank", name="Bank", client_code="bank"))
    create_queue(sessions, "ander", QueueSpec(code="other", name="Other"))
    import_agents(
        sessions,
        b"external_id,name,contract_hours,team\n1001,Anouk de Vries,32,Noord\n"
        b"1002,Bram Jansen,24,Zuid\n",
        file_name="agents.csv",
        now=NOW,
        options=ImportOptions(organisation="gemeente"),
    )
    import_agents(
        sessions,
        b"external_id,name,contract_hours\n9001,Elders,32\n",
        file_name="agents.csv",
        now=NOW,
        options=ImportOptions(organisation="ander"),
    )
    with transaction(sessions) as session:
        agents = {a.external_id: a.id for a in session.scalars(select(Agent))}
        queues = {q.code: q.id for q in session.scalars(select(Queue))}
    users = {
        "admin": create_user(sessions, email="admin@example.nl", password=PASSWORD,
                             role=Role.ADMIN, now=NOW, organisation="gemeente"),
        "planner": create_user(sessions, email="planner@example.nl", password=PASSWORD,
                               role=Role.PLANNER, now=NOW, organisation="gemeente"),
        "team_lead": create_user(sessions, email="lead@example.nl", password=PASSWORD,
                                 role=Role.TEAM_LEAD, now=NOW, organisation="gemeente",
                                 team_name="Noord"),
        "agent": create_user(sessions, email="anouk@example.nl", password=PASSWORD,
                             role=Role.AGENT, now=NOW, organisation="gemeente",
                             agent_external_id="1001"),
        "agent2": create_user(sessions, email="bram@example.nl", password=PASSWORD,
                              role=Role.AGENT, now=NOW, organisation="gemeente",
                              agent_external_id="1002"),
        "client_viewer": create_user(sessions, email="bank@example.nl", password=PASSWORD,
                                     role=Role.CLIENT_VIEWER, now=NOW, organisation="gemeente",
                                     client_code="bank"),
    }  # fmt: skip
    with transaction(sessions) as session:
        org_ids = {o.code: o.id for o in session.scalars(select(Organisation))}
    org_id = org_ids["gemeente"]
    tokens = {
        name: issue_token(
            sessions, user_id=u.id, organisation_id=org_id, scope=TokenScope.API,
            label=f"tests {name}", now=NOW,
        ).token
        for name, u in users.items()
    }  # fmt: skip
    tokens["integration"] = issue_token(
        sessions,
        user_id=users["admin"].id,
        organisation_id=org_id,
        scope=TokenScope.INTEGRATION,
        label="telephony",
        now=NOW,
    ).token
    start = NOW + timedelta(days=1, hours=1)
    ref = create_schedule(
        sessions,
        name="week 13",
        period_start=start.date(),
        period_end=start.date() + timedelta(days=6),
        now=NOW,
        organisation="gemeente",
    )
    # Both agents work the same day; later shifts: 1001 on day 4, 1002 on days 3 and 5.
    placed = {"1001": ("1001", 0), "1002": ("1002", 0), "1001+3": ("1001", 3),
              "1002+2": ("1002", 2), "1002+4": ("1002", 4)}  # fmt: skip
    shifts = [_working(agents[c], start + timedelta(days=d)) for c, d in placed.values()]
    ref = save_schedule_shifts(
        sessions, ref.id, expected_version=ref.version, shifts=shifts, now=NOW
    )
    published = publish_schedule(sessions, ref.id, expected_version=ref.version, now=NOW)
    with transaction(sessions) as session:
        by_start = {(s.agent_id, s.starts_at): s.id for s in session.scalars(select(Shift))}
    shift_ids = {
        name: by_start[(agents[code], start + timedelta(days=days))]
        for name, (code, days) in placed.items()
    }
    anouk = principal_for_token(sessions, tokens["agent"], now=NOW)
    bram = principal_for_token(sessions, tokens["agent2"], now=NOW)
    # An open offer of Bram's that Anouk may take; an open offer of Anouk's own; and an offer
    # of Bram's that Anouk took, waiting for approval.
    open_swap = offer_swap(sessions, bram, shift_id=shift_ids["1002+2"], now=NOW, note=None)
    own_swap = offer_swap(sessions, anouk, shift_id=shift_ids["1001+3"], now=NOW, note=None)
    accepted = offer_swap(sessions, bram, shift_id=shift_ids["1002+4"], now=NOW, note=None)
    accept_swap(sessions, anouk, accepted.id, shift_in_return_id=None, now=NOW)
    pending = request_time_off(
        sessions,
        agent_id=agents["1002"],
        starts_at=NOW + timedelta(days=20),
        ends_at=NOW + timedelta(days=21),
        now=NOW,
    )
    own_request = request_time_off(
        sessions,
        agent_id=agents["1001"],
        starts_at=NOW + timedelta(days=60),
        ends_at=NOW + timedelta(days=61),
        now=NOW,
    )
    admin = principal_for_token(sessions, tokens["admin"], now=NOW)
    survey = open_survey(
        sessions,
        admin,
        question="How well can you work from home this week?",
        opens_at=NOW - timedelta(days=1),
        closes_at=NOW + timedelta(days=6),
        now=NOW,
    )
    # Anouk cannot work one evening next month, and wants Wednesdays off.
    window = declare_window(
        sessions,
        anouk,
        kind=AvailabilityKind.UNAVAILABLE,
        starts_at=NOW + timedelta(days=30, hours=10),
        ends_at=NOW + timedelta(days=30, hours=15),
        now=NOW,
    )
    wish = add_standing_wish(sessions, anouk, kind=PreferenceKind.DAY_OFF, weekday=2, now=NOW)
    # The week after, a draft with one shift of Anouk's, ready to publish.
    later = start + timedelta(days=7)
    draft = create_schedule(
        sessions,
        name="next week, draft",
        period_start=later.date(),
        period_end=later.date() + timedelta(days=6),
        now=NOW,
        organisation="gemeente",
        shifts=[_working(agents["1001"], later)],
    )
    engine.dispose()
    return World(
        path=path,
        organisation_id=org_id,
        other_organisation_id=org_ids["ander"],
        tokens=tokens,
        emails={name: f"{u.email}" for name, u in users.items()},
        user_ids={name: u.id for name, u in users.items()},
        agent_ids={k: v for k, v in agents.items() if k != "9001"},
        queue_ids={k: v for k, v in queues.items() if k != "other"},
        other_agent_id=agents["9001"],
        other_queue_id=queues["other"],
        shift_start=start,
        pending_request_id=pending.id,
        own_request_id=own_request.id,
        shift_ids=shift_ids,
        schedule_version=published.version,
        open_swap_id=open_swap.id,
        own_swap_id=own_swap.id,
        accepted_swap_id=accepted.id,
        open_survey_id=survey.id,
        own_window_id=window.id,
        own_wish_id=wish.id,
        draft_schedule_id=draft.id,
        draft_version=draft.version,
    )


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The world, built once per test session into a template database file."""
    return _build(tmp_path_factory.mktemp("world") / "template.db")


@pytest.fixture(scope="session")
def runner() -> Iterator[InProcessRunner]:
    """One in-process job runner for every API test."""
    with InProcessRunner(max_workers=1) as job_runner:
        yield job_runner


@contextmanager
def app_on_copy(
    world: World, directory: Path, runner: InProcessRunner, *, limiter: LoginRateLimiter
) -> Iterator[FastAPI]:
    """An app on a private copy of the world's database, at a pinned clock."""
    copy = directory / "bezetting.db"
    shutil.copyfile(world.path, copy)
    engine = create_engine_for_url(f"sqlite:///{copy}")
    try:
        with writes_take_the_lock_first(engine):
            yield create_app(
                load_settings(env="test", data_dir=directory),
                sessions=make_session_factory(engine),
                runner=runner,
                clock=lambda: NOW,
                login_limiter=limiter,
            )
    finally:
        engine.dispose()


@contextmanager
def writes_take_the_lock_first(engine: Engine) -> Iterator[None]:
    """Fail when a use case writes on SQLite in a transaction begun without ``writes=True``.

    Such a transaction reads from a snapshot; when another writer commits first, its write is
    refused (409 "reload and apply again") instead of waiting its turn. The API and page tests
    run every use case under this watch, so a new writer that forgets the flag fails them.
    """
    unlocked: list[str] = []

    @event.listens_for(engine, "begin")
    def _note_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        connection.info[_LOCKED_AT_BEGIN] = bool(options.get(BEGIN_FOR_WRITING, False))

    @event.listens_for(engine, "before_cursor_execute")
    def _check(connection: Connection, _cursor: object, statement: str, *_: object) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if verb in _WRITES and not connection.info.get(_LOCKED_AT_BEGIN, False):
            unlocked.append(" ".join(statement.split())[:80])

    yield
    assert not unlocked, (
        "a use case wrote on SQLite in a transaction that did not take the write lock first "
        f"(open it with transaction(..., writes=True)): {unlocked}"
    )


_LOCKED_AT_BEGIN = "bezetting_test_locked_at_begin"
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})


@pytest.fixture
def app(world: World, tmp_path: Path, runner: InProcessRunner) -> Iterator[FastAPI]:
    with app_on_copy(world, tmp_path, runner, limiter=LoginRateLimiter(max_attempts=3)) as built:
        yield built


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def bearer(world: World, who: str) -> dict[str, str]:
    """The Authorization header of a role's token (``anonymous``: no header)."""
    return {} if who == "anonymous" else {"Authorization": f"Bearer {world.tokens[who]}"}


TUESDAY_APRIL_7 = datetime(2020, 4, 7, 7, 0, tzinfo=UTC)
"""09:00 in Amsterdam, in a week the world plans nothing."""


def draft_on_approved_leave(app: FastAPI, world: World, *agents: str) -> int:
    """A draft "week 16" with a shift on Tuesday 7 April 09:00-17:00 (Amsterdam) for each of
    ``agents`` (employee numbers); Anouk (1001) has that whole Tuesday off, approved."""
    sessions = app.state.bezetting.sessions
    leave = request_time_off(
        sessions,
        agent_id=world.agent_ids["1001"],
        starts_at=TUESDAY_APRIL_7 - timedelta(hours=9),
        ends_at=TUESDAY_APRIL_7 + timedelta(hours=15),
        now=NOW,
    )
    planner = principal_for_token(sessions, world.tokens["planner"], now=NOW)
    decide_request(sessions, planner, leave.id, approve=True, now=NOW)
    first_day = TUESDAY_APRIL_7.date() - timedelta(days=1)
    return create_schedule(
        sessions,
        name="week 16",
        period_start=first_day,
        period_end=first_day + timedelta(days=6),
        now=NOW,
        organisation="gemeente",
        shifts=[
            ShiftPlan(
                agent_id=world.agent_ids[agent],
                starts_at=TUESDAY_APRIL_7,
                ends_at=TUESDAY_APRIL_7 + timedelta(hours=8),
            )
            for agent in agents
        ],
    ).id
