"""The demo organisation: seeded once, realistic in shape, private, and ready to log in to."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from bezetting.core.errors import InputError
from bezetting.core.forecast import detect_level_shift
from bezetting.demo import (
    PLAN_FIRST_DAY,
    SURGE_FIRST_DAY,
    demo_agents,
    demo_history,
    demo_queues,
    public_data_figures,
)
from bezetting.demo.voices import PULSE_QUESTION
from bezetting.services.access import visible_queues
from bezetting.services.demo_organisation import (
    DEMO_PASSWORD,
    DemoOrganisation,
    find_demo_organisation,
    seed_demo_organisation,
)
from bezetting.services.overview import MIN_ANSWERS_SHOWN, team_overview
from bezetting.services.pseudonym import pseudonymise
from bezetting.services.surveys import pulse_questions
from bezetting.services.users import Principal, authenticate, principal_for_token
from bezetting.store import SessionFactory
from bezetting.store.enums import Role
from bezetting.store.models import (
    Absence,
    Agent,
    AgentPreference,
    AgentSkill,
    Availability,
    ContactRecord,
    OpeningException,
    OpeningHours,
    Queue,
    SurveyAnswer,
    SurveyParticipation,
    Team,
    Trainee,
    User,
)
from tests.services.conftest import KEY, NOW

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Seeded = tuple[SessionFactory, DemoOrganisation]


@pytest.fixture(scope="module")
def seeded(engine: Engine) -> Iterator[Seeded]:
    """The full demo (80 agents, 8 weeks), seeded once per engine and rolled back afterwards."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield factory, seed_demo_organisation(factory, now=NOW, pseudonym_key=KEY)
    finally:
        outer.rollback()
        connection.close()


def _table_counts(sessions: SessionFactory) -> dict[str, int]:
    models = (Agent, AgentSkill, AgentPreference, Availability, ContactRecord, Queue, User)
    with sessions() as session:
        return {
            m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
            for m in models
        }


class Contact(NamedTuple):
    queue_id: int
    external_id: str
    customer_pseudonym: str | None
    arrived_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None


@pytest.fixture(scope="module")
def contacts(seeded: Seeded) -> list[Contact]:
    """Every stored contact (the columns these tests read), loaded once per engine."""
    sessions, _ = seeded
    columns = [getattr(ContactRecord, name) for name in Contact._fields]
    with sessions() as session:
        return [Contact(*row) for row in session.execute(select(*columns))]


def test_the_demo_has_80_agents_five_queues_and_eight_weeks_of_contacts(seeded: Seeded) -> None:
    sessions, demo = seeded
    assert demo.created
    assert demo.agents == 80
    assert demo.queues == ("bijstand", "ww-uitkering", "algemeen", "chat", "email")
    assert len(set(demo.queue_ids)) == 5
    assert 40_000 <= demo.contacts <= 70_000
    assert demo.history_first_day == date(2020, 1, 20)
    assert demo.history_last_day == date(2020, 3, 15)  # the day before the plan period
    assert demo.plan_first_day == PLAN_FIRST_DAY
    counts = _table_counts(sessions)
    assert counts["agents"] == 80
    assert counts["contact_records"] == demo.contacts
    with sessions() as session:
        queues = {q.code: q for q in session.scalars(select(Queue))}
        assert tuple(queues[code].id for code in demo.queues) == demo.queue_ids
        assert queues["bijstand"].service_target_share == 0.8
        assert queues["bijstand"].service_target_seconds == 30.0
        assert queues["bijstand"].patience_seconds == pytest.approx(354.4)  # the derived file
        assert queues["chat"].chat_concurrency == 2
        assert queues["email"].service_target_share == 0.95
        assert queues["email"].email_deadline_seconds == 86_400.0
        monday = session.scalar(
            select(OpeningHours).where(
                OpeningHours.queue_id == queues["algemeen"].id, OpeningHours.weekday == 0
            )
        )
        assert monday is not None
        assert (monday.opens, monday.closes) == (time(8), time(20))
        easter_monday = session.scalar(
            select(OpeningException).where(
                OpeningException.queue_id == queues["algemeen"].id,
                OpeningException.on_date == date(2020, 4, 13),
            )
        )
        assert easter_monday is not None
        assert easter_monday.opens is None  # closed on the public holiday


def test_seeding_again_finds_the_organisation_and_adds_nothing(seeded: Seeded) -> None:
    sessions, demo = seeded
    before = _table_counts(sessions)
    again = seed_demo_organisation(sessions, now=NOW, pseudonym_key=KEY)
    assert not again.created
    assert again.organisation_id == demo.organisation_id
    assert again.contacts == demo.contacts
    assert _table_counts(sessions) == before
    found = find_demo_organisation(sessions)
    assert found is not None
    assert found.logins == demo.logins


def test_contacts_roughly_double_from_9_march(contacts: list[Contact]) -> None:
    weeks = Counter(
        (c.arrived_at.astimezone(AMSTERDAM).date() - date(2020, 1, 20)).days // 7 for c in contacts
    )
    january = (weeks[0] + weeks[1]) / 2
    surge_week = weeks[(SURGE_FIRST_DAY - date(2020, 1, 20)).days // 7]
    assert 1.6 <= surge_week / january <= 2.4
    # The weeks before the surge are level (no drift the forecaster would mistake for it).
    assert all(0.9 <= weeks[w] / january <= 1.1 for w in range(7))


def test_the_forecasters_level_shift_detector_finds_the_surge_on_9_march(
    seeded: Seeded, contacts: list[Contact]
) -> None:
    sessions, _ = seeded
    with sessions() as session:
        bijstand = session.scalar(select(Queue.id).where(Queue.code == "bijstand"))
    first = date(2020, 1, 20)
    daily = np.bincount(
        [
            (c.arrived_at.astimezone(AMSTERDAM).date() - first).days
            for c in contacts
            if c.queue_id == bijstand
        ],
        minlength=56,
    ).astype(float)
    shift = detect_level_shift(daily)
    assert shift is not None
    # The centre is closed on Sundays, so a shift from Sunday 8 March is the same shift.
    assert first + timedelta(days=shift.day_index) in {date(2020, 3, 8), SURGE_FIRST_DAY}
    assert shift.ratio == pytest.approx(2.2, rel=0.15)


def test_weekday_and_intraday_shapes_follow_the_public_data(
    seeded: Seeded, contacts: list[Contact]
) -> None:
    sessions, _ = seeded
    figures = public_data_figures()
    with sessions() as session:
        voice = set(session.scalars(select(Queue.id).where(Queue.channel == "voice")))
    local = [
        c.arrived_at.astimezone(AMSTERDAM)
        for c in contacts
        if c.queue_id in voice and c.arrived_at.astimezone(AMSTERDAM).date() < SURGE_FIRST_DAY
    ]
    per_weekday = np.bincount([t.weekday() for t in local], minlength=7)[:6]
    assert np.corrcoef(per_weekday, figures.weekday_share[:6])[0, 1] > 0.95
    weekdays = [t for t in local if t.weekday() < 5]
    per_half_hour = np.bincount([t.hour * 2 + t.minute // 30 for t in weekdays], minlength=48)
    open_slots = slice(16, 40)  # 08:00-20:00
    assert per_half_hour[:16].sum() == per_half_hour[40:].sum() == 0  # closed
    assert np.corrcoef(per_half_hour[open_slots], figures.half_hour_share[open_slots])[0, 1] > 0.9


def test_handle_times_are_skewed_like_the_public_data(
    seeded: Seeded, contacts: list[Contact]
) -> None:
    sessions, _ = seeded
    with sessions() as session:
        algemeen = session.scalar(select(Queue.id).where(Queue.code == "algemeen"))
    seconds = np.array(
        [
            (c.ended_at - c.answered_at).total_seconds()
            for c in contacts
            if c.queue_id == algemeen and c.answered_at is not None and c.ended_at is not None
        ]
    )
    # The bank's handle times: median about 0.6 of the mean, a long right tail.
    quantiles = public_data_figures().handle_time_quantiles
    expected = quantiles[50] / (np.trapezoid(quantiles) / 100)
    assert np.median(seconds) / seconds.mean() == pytest.approx(expected, abs=0.1)
    assert np.quantile(seconds, 0.99) > 4 * np.median(seconds)


def test_no_raw_customer_id_is_stored_only_its_keyed_hash(contacts: list[Contact]) -> None:
    assert all(re.fullmatch(r"[0-9a-f]{64}", c.customer_pseudonym or "") for c in contacts)
    # The same seed draws the same raw ids; the stored value is their HMAC under the key.
    rng = np.random.default_rng(2020)
    agents = demo_agents(rng, count=80)
    raw = demo_history(  # the first queue's first day: the first draws after the agents
        demo_queues()[:1],
        agents,
        first_day=date(2020, 1, 20),
        days=1,
        figures=public_data_figures(),
        rng=rng,
    )
    stored = {c.external_id: c.customer_pseudonym for c in contacts}
    for contact in raw:
        assert stored[contact.external_id] == pseudonymise(contact.customer, key=KEY)
        assert stored[contact.external_id] != contact.customer
    # Repeat contacts share a pseudonym, so first-time-right can be measured.
    assert len({c.customer_pseudonym for c in contacts}) < 0.9 * len(contacts)


def test_agents_have_varied_contracts_skills_places_and_circumstances(seeded: Seeded) -> None:
    sessions, _ = seeded
    with sessions() as session:
        agents = list(session.scalars(select(Agent)))
        hours = Counter(a.contract_hours_target for a in agents)
        assert {36.0, 32.0, 16.0} <= set(hours)
        assert any(a.agency_hours_elsewhere > 0 for a in agents)
        home = sum(a.can_work_home for a in agents) / len(agents)
        assert 0.75 <= home <= 0.95
        assert len(set(session.scalars(select(Team.name)))) == 6
        trainees = list(session.scalars(select(Trainee)))
        assert trainees
        for trainee in trainees:
            skills = list(
                session.scalars(select(AgentSkill).where(AgentSkill.agent_id == trainee.agent_id))
            )
            assert len(skills) == 1  # retrained on one skill
            assert skills[0].proficiency >= 1.3  # and still slower
        notes = Counter(session.scalars(select(Availability.note)))
        assert set(notes) == {
            "werkt voor een andere opdrachtgever",
            "colleges (student)",
            "brengt de kinderen naar school",
        }
        first = session.scalar(select(func.min(Availability.starts_at)))
        assert first is not None
        assert first.astimezone(AMSTERDAM).date() >= PLAN_FIRST_DAY
        assert session.scalar(select(func.count()).select_from(AgentPreference))


def test_every_demo_user_logs_in_and_the_client_sees_only_its_queue(seeded: Seeded) -> None:
    sessions, demo = seeded
    assert {login.role for login in demo.logins} == set(Role)
    assert all(login.email.endswith("@demo.bezetting.invalid") for login in demo.logins)
    for login in demo.logins:
        user, token = authenticate(
            sessions, email=login.email, password=DEMO_PASSWORD, now=NOW + timedelta(hours=1)
        )
        assert user.role is login.role
        if login.role is Role.AGENT:
            assert user.agent_id is not None
        if login.role is Role.CLIENT_VIEWER:
            who = principal_for_token(sessions, token.token, now=NOW + timedelta(hours=1))
            assert [q.code for q in visible_queues(sessions, who)] == ["ww-uitkering"]


def test_a_demo_needs_ten_agents_and_one_to_52_weeks(sessions: SessionFactory) -> None:
    with pytest.raises(InputError, match="at least 10 agents"):
        seed_demo_organisation(sessions, now=NOW, pseudonym_key=KEY, agents=5)
    with pytest.raises(InputError, match="weeks_of_history"):
        seed_demo_organisation(sessions, now=NOW, pseudonym_key=KEY, weeks_of_history=0)
    assert find_demo_organisation(sessions) is None


DEMO_CLOCK = datetime(2020, 3, 17, 9, 30, tzinfo=AMSTERDAM)  # ``make run``'s clock start


def _logged_in(sessions: SessionFactory, email: str) -> Principal:
    _, token = authenticate(sessions, email=email, password=DEMO_PASSWORD, now=NOW)
    return principal_for_token(sessions, token.token, now=NOW)


def _team_lead(sessions: SessionFactory, team_id: int | None = None) -> Principal:
    lead = _logged_in(sessions, "teamlead@demo.bezetting.invalid")
    return lead if team_id is None else replace(lead, team_id=team_id)


def test_every_team_lead_sees_absence_and_engagement_figures(seeded: Seeded) -> None:
    sessions, _ = seeded
    with sessions() as session:
        team_ids = list(session.scalars(select(Team.id)))
    rates = []
    for team_id in team_ids:
        figures = team_overview(
            sessions, _team_lead(sessions, team_id), now=DEMO_CLOCK, zone=AMSTERDAM
        ).figures
        assert figures.engagement_answers >= MIN_ANSWERS_SHOWN
        assert figures.engagement_share is not None
        assert 0.25 < figures.engagement_share < 0.75
        assert figures.absence_percentage is not None
        rates.append(figures.absence_percentage)
    # Per team (about 13 agents) the rate scatters; the centre as a whole is at 5-8%.
    everyone = replace(_team_lead(sessions), team_id=None)
    organisation_wide = team_overview(sessions, everyone, now=DEMO_CLOCK, zone=AMSTERDAM).figures
    assert organisation_wide.absence_percentage is not None
    assert 0.05 <= organisation_wide.absence_percentage <= 0.08
    assert max(rates) > 0


def test_one_or_two_agents_are_still_sick_on_the_demos_day(seeded: Seeded) -> None:
    sessions, _ = seeded
    with sessions() as session:
        absences = list(session.scalars(select(Absence)))
    still_open = [a for a in absences if a.ends_at is None]
    assert 1 <= len(still_open) <= 2
    assert len(absences) > 20
    assert all(a.starts_at < DEMO_CLOCK for a in absences)
    assert all(a.ends_at < DEMO_CLOCK for a in absences if a.ends_at is not None)


def test_the_demo_agents_may_still_answer_the_pulse_the_others_answered_once(
    seeded: Seeded,
) -> None:
    sessions, demo = seeded
    with sessions() as session:
        answers = session.scalar(select(func.count()).select_from(SurveyAnswer))
        participants = session.scalar(select(func.count()).select_from(SurveyParticipation))
    assert answers == participants
    assert answers is not None
    assert answers > 0.75 * demo.agents
    agent_login = next(x for x in demo.logins if x.role is Role.AGENT)
    agent = _logged_in(sessions, agent_login.email)
    [question] = pulse_questions(sessions, agent, now=DEMO_CLOCK)
    assert question.survey.question == PULSE_QUESTION
    assert not question.answered
