"""Seed the demo organisation: Gemeente Stadsbrug's customer-service centre, spring 2020.

One use case, one transaction: the organisation, its two clients, five queues with skills,
opening hours and Dutch public holidays, six teams of agents with contracts, skills,
availability and preferences, eight weeks of contact history (customers pseudonymised as on
import), four weeks of sick reports, a pulse question with most agents' anonymous answers and
six users, one per role. The content comes from :mod:`bezetting.demo` and is
deterministic for a seed. Seeding is idempotent: when the organisation's code exists, nothing is
written and the stored organisation is described instead.

The demo users share one published password (:data:`DEMO_PASSWORD`): entry points must seed only
in development mode (``BEZETTING_ENV=dev``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as public_holidays
import numpy as np

from bezetting.core.errors import InputError
from bezetting.demo import (
    DEMO_ORGANISATION_CODE,
    DEMO_ORGANISATION_NAME,
    PARTNER_CLIENT_CODE,
    PLAN_FIRST_DAY,
    PLAN_WEEKS,
    PLANNED_AT,
    DemoAgent,
    DemoQueueSpec,
    demo_agents,
    demo_history,
    demo_queues,
    public_data_figures,
)
from bezetting.demo.history import open_span
from bezetting.demo.organisation import PARTNER_CLIENT_NAME, SATURDAY_HOURS, WEEKDAY_HOURS
from bezetting.demo.voices import demo_absences, demo_pulse
from bezetting.services.organisations import QueueSpec, add_queue
from bezetting.services.pseudonym import pseudonymise
from bezetting.services.users import hash_password
from bezetting.store import Session, SessionFactory, queries, transaction
from bezetting.store.enums import (
    AbsenceKind,
    AvailabilityKind,
    Channel,
    EmploymentType,
    PreferenceKind,
    Role,
)
from bezetting.store.models import (
    Absence,
    Agent,
    AgentPreference,
    AgentSkill,
    Client,
    ContactRecord,
    OpeningException,
    OpeningHours,
    Organisation,
    Queue,
    QueueSkill,
    Skill,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    Team,
    Trainee,
    User,
)
from bezetting.store.queries import AvailabilityValues, ContactRecordValues

__all__ = [
    "DEMO_EMAIL_DOMAIN",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoOrganisation",
    "find_demo_organisation",
    "seed_demo_organisation",
]

DEMO_PASSWORD = "stadsbrug-demo-2020"
"""Every demo user's password, published on purpose: seed the demo only in development."""
DEMO_EMAIL_DOMAIN = "demo.bezetting.invalid"
_AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_MAX_HISTORY_WEEKS = 52


@dataclass(frozen=True)
class DemoLogin:
    """A demo user: their role, e-mail and, for agents and team leads, who they are."""

    role: Role
    email: str
    who: str


@dataclass(frozen=True, kw_only=True)
class DemoOrganisation:
    """The demo organisation as stored.

    Attributes:
        created: True when this call seeded it, False when it existed already.
        queues, queue_ids: the queues' codes and ids, in the order they were created.
        history_first_day, history_last_day: local dates of the first and last contact.
        plan_first_day: the Monday the plan period starts (16 March 2020).
        planned_at: the demo's plan time (:data:`bezetting.demo.PLANNED_AT`): entry points
            that plan the demo stamp its forecasts, requirements, schedule and publication
            with it instead of the real time.
    """

    organisation_id: int
    code: str
    name: str
    created: bool
    agents: int
    queues: tuple[str, ...]
    queue_ids: tuple[int, ...]
    contacts: int
    history_first_day: date | None
    history_last_day: date | None
    plan_first_day: date
    planned_at: datetime
    logins: tuple[DemoLogin, ...]
    password: str


def seed_demo_organisation(
    sessions: SessionFactory,
    *,
    now: datetime,
    pseudonym_key: bytes,
    seed: int = 2020,
    agents: int = 80,
    weeks_of_history: int = 8,
) -> DemoOrganisation:
    """Store the demo organisation, or describe it when it exists already (nothing is added).

    Args:
        sessions: where to write.
        now: when the records are created.
        pseudonym_key: keys the hash that replaces customer ids (``Settings.pseudonym_key``).
        seed: every drawn value follows from it.
        agents: how many agents (at least 10).
        weeks_of_history: weeks of contacts, ending on Sunday 15 March 2020.

    Raises:
        InputError: fewer than 10 agents, or weeks of history outside 1 to 52.
    """
    if not 1 <= weeks_of_history <= _MAX_HISTORY_WEEKS:
        raise InputError(
            f"weeks_of_history must be from 1 to {_MAX_HISTORY_WEEKS}, got {weeks_of_history}"
        )
    rng = np.random.default_rng(seed)
    people = demo_agents(rng, count=agents)
    with transaction(sessions, writes=True) as session:
        existing = queries.organisation_by_code(session, DEMO_ORGANISATION_CODE)
        if existing is not None:
            return _describe(session, existing, created=False)
        organisation = Organisation(
            code=DEMO_ORGANISATION_CODE,
            name=DEMO_ORGANISATION_NAME,
            timezone="Europe/Amsterdam",
            created_at=now,
        )
        session.add(organisation)
        session.flush()
        session.add_all(
            [
                Client(
                    organisation_id=organisation.id,
                    code=DEMO_ORGANISATION_CODE,
                    name=DEMO_ORGANISATION_NAME,
                ),
                Client(
                    organisation_id=organisation.id,
                    code=PARTNER_CLIENT_CODE,
                    name=PARTNER_CLIENT_NAME,
                ),
            ]
        )
        session.flush()
        first_day = PLAN_FIRST_DAY - timedelta(weeks=weeks_of_history)
        plan_last_day = PLAN_FIRST_DAY + timedelta(weeks=PLAN_WEEKS, days=-1)
        calendar = public_holidays.country_holidays("NL", years=range(first_day.year, 2022))
        holidays = {day: str(name) for day, name in sorted(calendar.items())}
        specs = demo_queues()
        skill_ids = _add_queues(session, organisation, specs, holidays)
        agent_ids = _add_agents(session, organisation, people, skill_ids)
        _add_availability(session, people, agent_ids, PLAN_FIRST_DAY, plan_last_day, holidays)
        contacts = demo_history(
            specs,
            people,
            first_day=first_day,
            days=7 * weeks_of_history,
            figures=public_data_figures(),
            rng=rng,
            closed_days=frozenset(holidays),
        )
        stored_queues = queries.queues_by_code(session, organisation.id)
        queue_ids = {code: queue.id for code, queue in stored_queues.items()}
        queries.insert_contact_records(
            session,
            [
                ContactRecordValues(
                    queue_id=queue_ids[c.queue],
                    external_id=c.external_id,
                    channel=Channel(c.channel),
                    customer_pseudonym=pseudonymise(c.customer, key=pseudonym_key),
                    arrived_at=c.arrived_at,
                    answered_at=c.answered_at,
                    ended_at=c.ended_at,
                    abandoned=c.abandoned,
                    agent_code=c.agent,
                    agent_id=agent_ids[c.agent] if c.agent is not None else None,
                    reason=c.reason,
                    outcome=c.outcome,
                    csat=c.csat,
                    import_batch_id=None,
                )
                for c in contacts
            ],
        )
        _add_users(session, organisation, people, agent_ids, now=now)
        # A generator of its own, so that the contacts stay the same as before.
        voices = np.random.default_rng([seed, 1])
        _add_absences(session, people, agent_ids, voices)
        _add_pulse(session, organisation, people, agent_ids, voices)
        session.flush()
        return _describe(session, organisation, created=True)


def find_demo_organisation(sessions: SessionFactory) -> DemoOrganisation | None:
    """The demo organisation when it has been seeded, else None."""
    with transaction(sessions) as session:
        existing = queries.organisation_by_code(session, DEMO_ORGANISATION_CODE)
        return None if existing is None else _describe(session, existing, created=False)


def _add_queues(
    session: Session,
    organisation: Organisation,
    specs: tuple[DemoQueueSpec, ...],
    holidays: dict[date, str],
) -> dict[str, int]:
    """The queues with their skills, hours and holidays; returns skill ids by code."""
    patience = public_data_figures().patience_seconds
    skill_ids: dict[str, int] = {}
    for spec in specs:
        queue = add_queue(
            session,
            organisation,
            QueueSpec(
                code=spec.code,
                name=spec.name,
                channel=Channel(spec.channel),
                client_code=spec.client,
                interval_minutes=15,
                service_target_share=spec.service_target_share,
                service_target_seconds=spec.service_target_seconds,
                max_abandon_share=spec.max_abandon_share,
                patience_seconds=None if spec.channel == "email" else patience,
                chat_concurrency=spec.chat_concurrency,
                email_deadline_seconds=spec.email_deadline_seconds,
            ),
        )
        skill = Skill(organisation_id=organisation.id, code=spec.skill, name=spec.name)
        session.add(skill)
        session.flush()
        skill_ids[spec.skill] = skill.id
        session.add(QueueSkill(queue_id=queue.id, skill_id=skill.id))
        for weekday in range(6):
            opens, closes = SATURDAY_HOURS if weekday == 5 else WEEKDAY_HOURS
            session.add(
                OpeningHours(queue_id=queue.id, weekday=weekday, opens=opens, closes=closes)
            )
        session.add_all(
            OpeningException(queue_id=queue.id, on_date=day, opens=None, closes=None, note=name)
            for day, name in holidays.items()
        )
    return skill_ids


def _add_agents(
    session: Session,
    organisation: Organisation,
    people: tuple[DemoAgent, ...],
    skill_ids: dict[str, int],
) -> dict[str, int]:
    """Teams, agents, their skills, wishes and (newcomers) training; returns ids by number."""
    teams: dict[str, Team] = {}
    for name in sorted({p.team for p in people}):
        teams[name] = Team(organisation_id=organisation.id, name=name)
        session.add(teams[name])
    session.flush()
    rows = [
        Agent(
            organisation_id=organisation.id,
            external_id=p.external_id,
            name=p.name,
            team_id=teams[p.team].id,
            employment_type=EmploymentType(p.employment_type),
            contract_hours_min=p.hours_min,
            contract_hours_target=p.hours_target,
            contract_hours_max=p.hours_max,
            can_work_home=p.can_work_home,
            can_work_office=p.can_work_office,
            start_date=p.start_date,
            agency_hours_elsewhere=p.agency_hours_elsewhere,
            active=True,
        )
        for p in people
    ]
    session.add_all(rows)
    session.flush()
    ids = {row.external_id: row.id for row in rows}
    for p in people:
        agent_id = ids[p.external_id]
        session.add_all(
            AgentSkill(agent_id=agent_id, skill_id=skill_ids[code], proficiency=level)
            for code, level in p.skills
        )
        session.add_all(
            AgentPreference(
                agent_id=agent_id,
                kind=PreferenceKind(wish.kind),
                weekday=wish.weekday,
                on_date=None,
                weight=wish.weight,
            )
            for wish in p.preferences
        )
        if p.profile == "newcomer":
            skill, level = p.skills[0]
            session.add(
                Trainee(
                    organisation_id=organisation.id,
                    agent_id=agent_id,
                    name=p.name,
                    cohort=f"omscholing {p.start_date:%Y-%m}",
                    capabilities={skill: round(1.0 / level, 2)},
                    track=f"{skill} basis",
                    expected_go_live=p.start_date + timedelta(weeks=12),
                )
            )
    return ids


def _local(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, _AMSTERDAM).astimezone(UTC)


def _add_availability(
    session: Session,
    people: tuple[DemoAgent, ...],
    agent_ids: dict[str, int],
    first_day: date,
    last_day: date,
    holidays: dict[date, str],
) -> None:
    """Windows in the plan period when parents, students and agency workers cannot work."""
    rows: list[AvailabilityValues] = []
    closed = frozenset(holidays)
    day = first_day
    while day <= last_day:
        span = open_span(day, closed)
        if span is not None and day.weekday() < 5:
            opens, closes = span
            for p in people:
                window: tuple[time, time, str] | None = None
                if day.weekday() in p.days_elsewhere:
                    window = (opens, closes, "werkt voor een andere opdrachtgever")
                elif p.evenings_only:
                    window = (opens, time(17, 0), "colleges (student)")
                elif p.not_before is not None and p.not_before > opens:
                    window = (opens, p.not_before, "brengt de kinderen naar school")
                if window is not None:
                    rows.append(
                        AvailabilityValues(
                            agent_id=agent_ids[p.external_id],
                            starts_at=_local(day, window[0]),
                            ends_at=_local(day, window[1]),
                            kind=AvailabilityKind.UNAVAILABLE,
                            note=window[2],
                            import_batch_id=None,
                        )
                    )
        day += timedelta(days=1)
    queries.insert_availability(session, rows)


def _add_users(
    session: Session,
    organisation: Organisation,
    people: tuple[DemoAgent, ...],
    agent_ids: dict[str, int],
    *,
    now: datetime,
) -> None:
    """One user per role; the team lead leads the team of the two agent users."""
    team_name = people[0].team
    teams = queries.teams_by_name(session, organisation.id)
    colleagues = _agent_logins(people)
    partner = queries.clients_by_code(session, organisation.id)[PARTNER_CLIENT_CODE]
    plans: list[tuple[str, Role, int | None, int | None, int | None]] = [
        ("admin", Role.ADMIN, None, None, None),
        ("planner", Role.PLANNER, None, None, None),
        ("teamlead", Role.TEAM_LEAD, None, None, teams[team_name].id),
    ]
    for number, agent in enumerate(colleagues, start=1):
        local = "agent" if number == 1 else f"agent{number}"
        plans.append((local, Role.AGENT, agent_ids[agent.external_id], None, teams[team_name].id))
    plans.append(("client", Role.CLIENT_VIEWER, None, partner.id, None))
    # One salted hash for all: they share a published password anyway, and argon2 is slow
    # on purpose (about 0.1 s a hash).
    password_hash = hash_password(DEMO_PASSWORD)
    for local, role, agent_id, client_id, team_id in plans:
        session.add(
            User(
                organisation_id=organisation.id,
                email=f"{local}@{DEMO_EMAIL_DOMAIN}",
                password_hash=password_hash,
                role=role,
                agent_id=agent_id,
                client_id=client_id,
                team_id=team_id,
                active=True,
                created_at=now,
            )
        )


def _agent_logins(people: tuple[DemoAgent, ...]) -> list[DemoAgent]:
    """The two agents with a demo login: the first two of the first agent's team."""
    return [p for p in people if p.team == people[0].team][:2]


def _add_absences(
    session: Session,
    people: tuple[DemoAgent, ...],
    agent_ids: dict[str, int],
    rng: np.random.Generator,
) -> None:
    """Sick reports over the four weeks before the demo's day; one or two (not of the agent
    logins) still open."""
    session.add_all(
        Absence(
            agent_id=agent_ids[a.external_id],
            kind=AbsenceKind.SICK,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            reported_at=a.starts_at,
            better_reported_at=a.ends_at,
        )
        for a in demo_absences(
            people, rng, not_open=frozenset(p.external_id for p in _agent_logins(people))
        )
    )


def _add_pulse(
    session: Session,
    organisation: Organisation,
    people: tuple[DemoAgent, ...],
    agent_ids: dict[str, int],
    rng: np.random.Generator,
) -> None:
    """The first plan week's pulse question, answered by most agents but the demo logins."""
    pulse = demo_pulse(
        people, rng, not_answering=frozenset(p.external_id for p in _agent_logins(people))
    )
    survey = Survey(
        organisation_id=organisation.id,
        question=pulse.question,
        scale_max=pulse.scale_max,
        opens_at=pulse.opens_at,
        closes_at=pulse.closes_at,
    )
    session.add(survey)
    session.flush()
    teams = {name: t.id for name, t in queries.teams_by_name(session, organisation.id).items()}
    session.add_all(
        SurveyParticipation(survey_id=survey.id, agent_id=agent_ids[external_id])
        for external_id in pulse.answered_by
    )
    session.add_all(
        SurveyAnswer(
            survey_id=survey.id, team_id=teams[team], answered_on=pulse.answered_on, value=value
        )
        for team, value in pulse.answers
    )


def _describe(session: Session, organisation: Organisation, *, created: bool) -> DemoOrganisation:
    queues = sorted(queries.queues_by_code(session, organisation.id).values(), key=lambda q: q.id)
    in_organisation = session.query(ContactRecord).join(Queue, ContactRecord.queue_id == Queue.id)
    in_organisation = in_organisation.filter(Queue.organisation_id == organisation.id)
    first = in_organisation.order_by(ContactRecord.arrived_at).first()
    last = in_organisation.order_by(ContactRecord.arrived_at.desc()).first()
    users = session.query(User).filter(User.organisation_id == organisation.id).order_by(User.id)
    agents = queries.agents_by_external_id(session, organisation.id)
    names = {a.id: a.name for a in agents.values()}
    teams = {t.id: name for name, t in queries.teams_by_name(session, organisation.id).items()}
    clients = {c.id: c.name for c in queries.clients_by_code(session, organisation.id).values()}
    logins = tuple(
        DemoLogin(
            role=u.role,
            email=u.email,
            who=names.get(u.agent_id or -1)
            or clients.get(u.client_id or -1)
            or teams.get(u.team_id or -1)
            or "",
        )
        for u in users
        if u.email.endswith("@" + DEMO_EMAIL_DOMAIN)
    )
    return DemoOrganisation(
        organisation_id=organisation.id,
        code=organisation.code,
        name=organisation.name,
        created=created,
        agents=len(agents),
        queues=tuple(q.code for q in queues),
        queue_ids=tuple(q.id for q in queues),
        contacts=in_organisation.count(),
        history_first_day=first.arrived_at.astimezone(_AMSTERDAM).date() if first else None,
        history_last_day=last.arrived_at.astimezone(_AMSTERDAM).date() if last else None,
        plan_first_day=PLAN_FIRST_DAY,
        planned_at=PLANNED_AT,
        logins=logins,
        password=DEMO_PASSWORD,
    )
