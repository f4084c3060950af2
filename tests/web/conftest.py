"""The API tests' world, plus what the pages show: a forecast and requirement, a shift with a
break, absences, a pending request in the team lead's team, pulse answers and a job.

Agent 1001 (Anouk, team Noord) is ``agent``; agent 1002 (Bram, team Zuid) is ``agent2``; the
team lead leads Noord. For the swap forms agent 1003 (Cas, team Noord, ``cas``) has three
published shifts: one on Wednesday offered and taken by Anouk (waiting for the team lead), one
on Thursday free to offer, and a late one on Monday 23 March that ends 7 hours before Anouk's
shift of the 24th (taking it breaks the daily rest). Every test gets a private copy of the
database at a pinned clock.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from bezetting.api.deps import LoginRateLimiter
from bezetting.config import load_settings
from bezetting.jobs import InProcessRunner
from bezetting.services.absence import report_better, report_sick, request_time_off
from bezetting.services.imports import ImportOptions, import_agents
from bezetting.services.schedules import (
    ActivityPlan,
    ShiftPlan,
    create_schedule,
    publish_schedule,
    save_schedule_shifts,
)
from bezetting.services.swaps import accept_swap, offer_swap
from bezetting.services.users import create_user, issue_token, principal_for_token
from bezetting.store import (
    SessionFactory,
    create_engine_for_url,
    make_session_factory,
    transaction,
)
from bezetting.store.enums import ActivityKind, Location, Role, TokenScope
from bezetting.store.models import (
    Agent,
    Forecast,
    ForecastInterval,
    Requirement,
    RequirementInterval,
    Shift,
    Survey,
    SurveyAnswer,
    Team,
)
from bezetting.web import create_site
from tests.api.conftest import NOW, PASSWORD, World, _build, writes_take_the_lock_first

__all__ = [
    "NOW",
    "PASSWORD",
    "CasShifts",
    "Clock",
    "WebWorld",
    "draft_with_work",
    "log_in",
    "version_shown",
]

SHIFT_DAY = date(2020, 3, 17)


@dataclass(frozen=True)
class CasShifts:
    """Cas's published shifts (see the module docstring) and the swap waiting for a decision."""

    agent_id: int
    email: str
    taken_shift_id: int
    free_shift_id: int
    late_shift_id: int
    team_swap_id: int


@dataclass(frozen=True)
class WebWorld:
    """The API world and the ids the page tests need."""

    base: World
    team_request_id: int
    draft_schedule_id: int
    second_shift_start: datetime
    cas: CasShifts

    def email(self, who: str) -> str:
        """The login of ``who``: a role of the API world, or ``cas``."""
        return self.cas.email if who == "cas" else self.base.emails[who]


def _add_cas(sessions: SessionFactory, world: World) -> CasShifts:
    """Agent 1003 in team Noord with three published shifts, one taken by Anouk."""
    import_agents(
        sessions,
        b"external_id,name,contract_hours,team\n1003,Cas Bakker,32,Noord\n",
        file_name="agents.csv",
        now=NOW,
        options=ImportOptions(organisation="gemeente"),
    )
    with transaction(sessions) as session:
        cas = session.scalars(select(Agent.id).where(Agent.external_id == "1003")).one()
    user = create_user(
        sessions,
        email="cas@example.nl",
        password=PASSWORD,
        role=Role.AGENT,
        now=NOW,
        organisation="gemeente",
        agent_external_id="1003",
    )
    taken = world.shift_start + timedelta(days=1)  # Wednesday 18 March, 08:00-16:00 UTC
    free = world.shift_start + timedelta(days=2)
    late = datetime(2020, 3, 23, 20, 0, tzinfo=UTC)  # 21:00-01:00 in Amsterdam
    ref = create_schedule(
        sessions,
        name="week 13 Cas",
        period_start=world.shift_start.date(),
        period_end=world.shift_start.date() + timedelta(days=7),
        now=NOW,
        organisation="gemeente",
    )

    def plan(start: datetime, hours: int) -> ShiftPlan:
        end = start + timedelta(hours=hours)
        work = ActivityPlan(kind=ActivityKind.CONTACT_WORK, starts_at=start, ends_at=end)
        return ShiftPlan(agent_id=cas, starts_at=start, ends_at=end, activities=(work,))

    ref = save_schedule_shifts(
        sessions,
        ref.id,
        expected_version=ref.version,
        shifts=[plan(taken, 8), plan(free, 8), plan(late, 4)],
        now=NOW,
    )
    publish_schedule(sessions, ref.id, expected_version=ref.version, now=NOW)
    with transaction(sessions) as session:
        ids = {
            s.starts_at: s.id for s in session.scalars(select(Shift).where(Shift.agent_id == cas))
        }
    anouk = principal_for_token(sessions, world.tokens["agent"], now=NOW)
    cas_token = issue_token(
        sessions,
        user_id=user.id,
        organisation_id=world.organisation_id,
        scope=TokenScope.API,
        label="tests cas",
        now=NOW,
    ).token
    cas_user = principal_for_token(sessions, cas_token, now=NOW)
    offered = offer_swap(sessions, cas_user, shift_id=ids[taken], now=NOW, note="tandarts")
    accept_swap(sessions, anouk, offered.id, shift_in_return_id=None, now=NOW)
    return CasShifts(
        agent_id=cas,
        email="cas@example.nl",
        taken_shift_id=ids[taken],
        free_shift_id=ids[free],
        late_shift_id=ids[late],
        team_swap_id=offered.id,
    )


def _extend(world: World) -> WebWorld:
    engine = create_engine_for_url(f"sqlite:///{world.path}")
    sessions = make_session_factory(engine)
    anouk, bram = world.agent_ids["1001"], world.agent_ids["1002"]
    # Next week: a published shift for Anouk with a break and a lunch, at the office.
    start = datetime(2020, 3, 24, 7, 0, tzinfo=UTC)
    ref = create_schedule(
        sessions,
        name="week 14",
        period_start=start.date(),
        period_end=start.date() + timedelta(days=6),
        now=NOW,
        organisation="gemeente",
    )

    def block(kind: ActivityKind, hours: float, length: float) -> ActivityPlan:
        return ActivityPlan(
            kind=kind,
            starts_at=start + timedelta(hours=hours),
            ends_at=start + timedelta(hours=hours + length),
            location=Location.OFFICE,
        )

    ref = save_schedule_shifts(
        sessions,
        ref.id,
        expected_version=ref.version,
        shifts=[
            ShiftPlan(
                agent_id=anouk,
                starts_at=start,
                ends_at=start + timedelta(hours=8),
                activities=(
                    block(ActivityKind.CONTACT_WORK, 0, 2),
                    block(ActivityKind.BREAK, 2, 0.25),
                    block(ActivityKind.CONTACT_WORK, 2.25, 1.75),
                    block(ActivityKind.LUNCH, 4, 0.5),
                    block(ActivityKind.CONTACT_WORK, 4.5, 3.5),
                ),
            )
        ],
        now=NOW,
    )
    publish_schedule(sessions, ref.id, expected_version=ref.version, now=NOW)
    # A draft for the planner to publish.
    draft = create_schedule(
        sessions,
        name="week 15",
        period_start=date(2020, 3, 30),
        period_end=date(2020, 4, 5),
        now=NOW,
        organisation="gemeente",
    )
    draft_start = datetime(2020, 3, 30, 7, 0, tzinfo=UTC)
    save_schedule_shifts(
        sessions,
        draft.id,
        expected_version=draft.version,
        shifts=[
            ShiftPlan(
                agent_id=bram, starts_at=draft_start, ends_at=draft_start + timedelta(hours=6)
            )
        ],
        now=NOW,
    )
    # Requests and absences.
    team_request = request_time_off(
        sessions,
        agent_id=anouk,
        starts_at=datetime(2020, 4, 9, 22, 0, tzinfo=UTC),
        ends_at=datetime(2020, 4, 10, 22, 0, tzinfo=UTC),
        now=NOW,
        reason="tandarts",
    )
    report_sick(sessions, agent_id=anouk, now=NOW - timedelta(days=10))
    report_better(sessions, agent_id=anouk, now=NOW - timedelta(days=8))
    report_sick(sessions, agent_id=bram, now=NOW - timedelta(hours=2))
    # Forecast and requirement for the shift day of queue "general" (30-minute intervals).
    queue_id = world.queue_ids["general"]
    day_start = datetime(2020, 3, 17, 7, 0, tzinfo=UTC)  # 08:00 in Amsterdam
    with transaction(sessions) as session:
        forecast = Forecast(
            queue_id=queue_id,
            version=1,
            model="test",
            interval_minutes=30,
            starts_at=day_start,
            ends_at=day_start + timedelta(hours=10),
            backtest=None,
            created_at=NOW,
        )
        session.add(forecast)
        session.flush()
        requirement = Requirement(
            queue_id=queue_id,
            forecast_id=forecast.id,
            method="erlang_c",
            inputs={},
            created_at=NOW,
        )
        session.add(requirement)
        session.flush()
        for i in range(20):
            at = day_start + timedelta(minutes=30 * i)
            session.add(
                ForecastInterval(
                    forecast_id=forecast.id,
                    interval_start=at,
                    volume=40.0 + 5 * i,
                    aht_seconds=240.0,
                    volume_lo=None,
                    volume_hi=None,
                )
            )
            session.add(
                RequirementInterval(
                    requirement_id=requirement.id,
                    interval_start=at,
                    agents=2 + i % 3,
                    agents_fractional=1.5 + i % 3,
                    gross_agents_fractional=None,
                    service_level=None,
                    asa_seconds=None,
                    abandon_rate=None,
                    occupancy=None,
                )
            )
        noord = session.scalars(select(Team.id).where(Team.name == "Noord")).one()
        survey = Survey(
            organisation_id=forecast.queue_id
            and session.scalars(select(Team.organisation_id).where(Team.id == noord)).one(),
            question="Hoe gaat het?",
            scale_max=5,
            opens_at=NOW - timedelta(days=7),
            closes_at=NOW,
        )
        session.add(survey)
        session.flush()
        for value in (4, 5, 3, 4, 4):
            session.add(
                SurveyAnswer(
                    survey_id=survey.id, team_id=noord, answered_on=date(2020, 3, 12), value=value
                )
            )
    cas = _add_cas(sessions, world)
    engine.dispose()
    return WebWorld(
        base=world,
        team_request_id=team_request.id,
        draft_schedule_id=draft.id,
        second_shift_start=start,
        cas=cas,
    )


@pytest.fixture(scope="session")
def web_world(tmp_path_factory: pytest.TempPathFactory) -> WebWorld:
    """The world, built once per test session into a template database file."""
    return _extend(_build(tmp_path_factory.mktemp("web-world") / "template.db"))


@pytest.fixture(scope="session")
def web_runner() -> Iterator[InProcessRunner]:
    with InProcessRunner(max_workers=1) as job_runner:
        yield job_runner


class Clock:
    """The site's clock: pinned at NOW until a test moves it on (e.g. to report better)."""

    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def site(
    web_world: WebWorld,
    tmp_path: Path,
    web_runner: InProcessRunner,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[FastAPI]:
    """The API and the pages on a private copy of the world, at a pinned clock; the jobs a
    test starts work on the same copy."""
    copy = tmp_path / "bezetting.db"
    shutil.copyfile(web_world.base.path, copy)
    monkeypatch.setenv("BEZETTING_DATABASE_URL", f"sqlite:///{copy}")
    monkeypatch.setenv("BEZETTING_ENV", "test")
    engine = create_engine_for_url(f"sqlite:///{copy}")
    try:
        with writes_take_the_lock_first(engine):
            yield create_site(
                load_settings(env="test", data_dir=tmp_path),
                sessions=make_session_factory(engine),
                runner=web_runner,
                clock=clock.now,
                login_limiter=LoginRateLimiter(max_attempts=50),
            )
    finally:
        _finish_jobs(web_runner)
        engine.dispose()


def _finish_jobs(runner: InProcessRunner) -> None:
    """Wait for the jobs a test started, so that none runs on after it on another database."""
    for job in runner.store.recent(limit=200):
        if not job.done:
            runner.wait(job.id, timeout_seconds=120)


@pytest.fixture
def browser_client(site: FastAPI) -> TestClient:
    """A client that does not follow redirects (tests look at where they point)."""
    return TestClient(site, follow_redirects=False)


def log_in(client: TestClient, web_world: WebWorld, who: str) -> str:
    """Log ``who`` in through the login form; returns the CSRF token of the session."""
    page = client.get("/login")
    assert page.status_code == 200
    token = client.cookies.get("bezetting_login_csrf")
    assert token
    response = client.post(
        "/login",
        data={"email": web_world.email(who), "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303, response.text
    csrf = client.cookies.get("bezetting_csrf")
    assert csrf
    return csrf


def draft_with_work(
    sessions: SessionFactory,
    agent_id: int,
    *,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    period: tuple[date, date],
) -> int:
    """A draft of gemeente over ``period`` with one shift of contact work; its id."""
    work = ActivityPlan(kind=ActivityKind.CONTACT_WORK, starts_at=starts_at, ends_at=ends_at)
    shift = ShiftPlan(agent_id=agent_id, starts_at=starts_at, ends_at=ends_at, activities=(work,))
    return create_schedule(
        sessions,
        name=name,
        period_start=period[0],
        period_end=period[1],
        now=starts_at,
        organisation="gemeente",
        shifts=[shift],
    ).id


def version_shown(client: TestClient, path: str, swap_id: int) -> str:
    """The schedule version the page at ``path`` shows on swap ``swap_id`` (what to approve)."""
    page = client.get(path, headers={"Accept-Language": "en"}).text
    item = re.search(rf'id="team-swap-{swap_id}".*?</li>', page, re.S)
    assert item, f"swap {swap_id} is not on {path}"
    version = re.search(r'name="schedule_version" value="(\d+)"', item.group(0))
    assert version
    return version.group(1)
