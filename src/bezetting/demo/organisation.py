"""Who works at the demo centre and which queues it runs: plain values, drawn from a seed.

Gemeente Stadsbrug (a fictional Dutch municipality) runs a customer-service centre in the
spring-2020 surge. Everything here is invented but sized and shaped like such a centre; the
contact history in :mod:`bezetting.demo.history` follows figures from public data. No database
and no clock: the service in ``bezetting.services.demo_organisation`` stores these values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np

from bezetting.core.errors import InputError

__all__ = [
    "DEMO_ORGANISATION_CODE",
    "DEMO_ORGANISATION_NAME",
    "HISTORY_WEEKS",
    "PARTNER_CLIENT_CODE",
    "PARTNER_CLIENT_NAME",
    "PLANNED_AT",
    "PLAN_FIRST_DAY",
    "PLAN_WEEKS",
    "SATURDAY_HOURS",
    "SURGE_FIRST_DAY",
    "TEAM_NAMES",
    "WEEKDAY_HOURS",
    "DemoAgent",
    "DemoPreference",
    "DemoQueueSpec",
    "demo_agents",
    "demo_queues",
]

DEMO_ORGANISATION_CODE = "stadsbrug"
DEMO_ORGANISATION_NAME = "Gemeente Stadsbrug — Klantcontactcentrum"
PARTNER_CLIENT_CODE = "werkplein-rivierdal"
PARTNER_CLIENT_NAME = "Werkplein Rivierdal"
PLAN_FIRST_DAY = date(2020, 3, 16)
"""The plan period starts on Monday 16 March 2020, the first full week of the lockdown."""
PLANNED_AT = datetime(2020, 3, 16, 7, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
"""When the demo's planner forecast, scheduled and published the plan period: early on its
first morning, after the last day of history (Sunday 15 March) and before the centre opens at
08:00. Records of the demo plan carry this time, not the real one, so the demo reads as spring
2020 (its clock starts on Tuesday 17 March) and is the same on every run."""
SURGE_FIRST_DAY = date(2020, 3, 9)
"""From Monday 9 March 2020 the questions about income and benefits roughly doubled."""
HISTORY_WEEKS = 8
PLAN_WEEKS = 8
WEEKDAY_HOURS = (time(8, 0), time(20, 0))
"""Extended surge hours, Monday to Friday (local time)."""
SATURDAY_HOURS = (time(9, 0), time(13, 0))
TEAM_NAMES = ("Team Noord", "Team Oost", "Team Zuid", "Team West", "Team Centrum", "Team Haven")
_MIN_AGENTS = 10


@dataclass(frozen=True, kw_only=True)
class DemoQueueSpec:
    """A queue of the demo centre and the invented levels its history is generated at.

    Attributes:
        code, name, channel, client: the queue as stored (``client`` is a client code).
        skill: the skill an agent needs for it (same code as the queue's skill).
        calls_per_weekday: mean contacts on a Monday-Friday before the surge.
        surge_factor: volume from :data:`SURGE_FIRST_DAY` on, as a multiple of before.
        mean_handle_seconds: mean handle time (per chat for chat, per mail for e-mail).
        around_the_clock: contacts arrive at any hour, every day (e-mail).
        reasons: contact reasons, recorded on each contact.
    """

    code: str
    name: str
    channel: str
    client: str
    skill: str
    service_target_share: float
    service_target_seconds: float
    max_abandon_share: float | None
    chat_concurrency: int
    email_deadline_seconds: float | None
    calls_per_weekday: float
    surge_factor: float
    mean_handle_seconds: float
    around_the_clock: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DemoPreference:
    """A standing wish: ``kind`` is day_off, early, late, home or office; weight 1 to 3."""

    kind: str
    weekday: int | None
    weight: int


@dataclass(frozen=True, kw_only=True)
class DemoAgent:
    """An agent of the demo centre with the circumstances behind their availability.

    Attributes:
        profile: veteran, parent, student, agency or newcomer.
        not_before: a parent who brings children to school works from this time on.
        evenings_only: a student works weekday evenings (from 17:00) and Saturdays.
        days_elsewhere: weekdays (0 = Monday) an agency worker works for another client.
    """

    external_id: str
    name: str
    team: str
    profile: str
    employment_type: str
    hours_min: float
    hours_target: float
    hours_max: float
    can_work_home: bool
    can_work_office: bool
    start_date: date
    agency_hours_elsewhere: float
    skills: tuple[tuple[str, float], ...]
    not_before: time | None = None
    evenings_only: bool = False
    days_elsewhere: tuple[int, ...] = ()
    preferences: tuple[DemoPreference, ...] = ()

    def works_at(self, day: date, hour: int) -> bool:
        """Whether the agent could be on a contact on ``day`` at local ``hour`` (history)."""
        if day < self.start_date or day.weekday() in self.days_elsewhere:
            return False
        if self.evenings_only and day.weekday() < 5 and hour < 17:
            return False
        return not (self.not_before is not None and hour < self.not_before.hour)


def _voice_queue(
    code: str,
    name: str,
    *,
    client: str,
    calls_per_weekday: float,
    surge_factor: float,
    mean_handle_seconds: float,
    reasons: tuple[str, ...],
) -> DemoQueueSpec:
    """A phone queue: 80% answered within 30 s, at most 5% abandoned."""
    return DemoQueueSpec(
        code=code,
        name=name,
        channel="voice",
        client=client,
        skill=code,
        service_target_share=0.8,
        service_target_seconds=30.0,
        max_abandon_share=0.05,
        chat_concurrency=1,
        email_deadline_seconds=None,
        calls_per_weekday=calls_per_weekday,
        surge_factor=surge_factor,
        mean_handle_seconds=mean_handle_seconds,
        around_the_clock=False,
        reasons=reasons,
    )


def demo_queues() -> tuple[DemoQueueSpec, ...]:
    """The five queues: three phone queues, chat (two at once) and e-mail (95% within 24 h)."""
    return (
        _voice_queue(
            "bijstand",
            "Bijstand",
            client=DEMO_ORGANISATION_CODE,
            calls_per_weekday=330.0,
            surge_factor=2.2,
            mean_handle_seconds=420.0,
            reasons=("aanvraag", "betaling", "wijziging inkomen", "Tozo zelfstandigen"),
        ),
        _voice_queue(
            "ww-uitkering",
            "WW-uitkering",
            client=PARTNER_CLIENT_CODE,
            calls_per_weekday=240.0,
            surge_factor=2.3,
            mean_handle_seconds=480.0,
            reasons=("aanvraag WW", "betaaldatum", "inkomstenopgave", "sollicitatieplicht"),
        ),
        _voice_queue(
            "algemeen",
            "Algemene vragen",
            client=DEMO_ORGANISATION_CODE,
            calls_per_weekday=300.0,
            surge_factor=1.3,
            mean_handle_seconds=240.0,
            reasons=("paspoort en ID", "afval", "parkeren", "belastingen", "afspraak"),
        ),
        DemoQueueSpec(
            code="chat",
            name="Chat",
            channel="chat",
            client=DEMO_ORGANISATION_CODE,
            skill="chat",
            service_target_share=0.8,
            service_target_seconds=60.0,
            max_abandon_share=None,
            chat_concurrency=2,
            email_deadline_seconds=None,
            calls_per_weekday=130.0,
            surge_factor=2.0,
            mean_handle_seconds=720.0,
            around_the_clock=False,
            reasons=("bijstand", "algemeen", "afspraak"),
        ),
        DemoQueueSpec(
            code="email",
            name="E-mail",
            channel="email",
            client=DEMO_ORGANISATION_CODE,
            skill="email",
            service_target_share=0.95,
            service_target_seconds=86_400.0,
            max_abandon_share=None,
            chat_concurrency=1,
            email_deadline_seconds=86_400.0,
            calls_per_weekday=120.0,
            surge_factor=1.8,
            mean_handle_seconds=480.0,
            around_the_clock=True,
            reasons=("bijstand", "WW", "algemeen", "klacht"),
        ),
    )


_FIRST_NAMES = (
    "Anouk", "Bram", "Carmen", "Daan", "Esra", "Femke", "Gijs", "Hanna", "Imane", "Jeroen",
    "Kim", "Lars", "Maaike", "Noah", "Olga", "Pieter", "Quinten", "Rachida", "Sanne", "Thijs",
    "Umut", "Vera", "Wouter", "Xandra", "Yusuf", "Zoë", "Amira", "Bas", "Chantal", "Dirk",
    "Eline", "Floor", "Hamza", "Ilse", "Joost", "Karin", "Lotte", "Mohamed", "Nina", "Ruben",
)  # fmt: skip
_SURNAMES = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Yilmaz", "El Amrani", "Kaya", "Verhoeven", "Koster", "Prins",
    "Huisman", "Kuipers", "van Dam", "Postma", "Kramer", "Schouten", "Öztürk", "Bouali",
)  # fmt: skip
# (profile, share of the agents): the rest are veterans.
_PROFILE_SHARES = (("parent", 0.15), ("student", 0.15), ("agency", 0.10), ("newcomer", 0.12))
_VETERAN_SKILL_ODDS = (
    ("algemeen", 0.9),
    ("bijstand", 0.55),
    ("ww-uitkering", 0.45),
    ("chat", 0.35),
    ("email", 0.35),
)


def _names(rng: np.random.Generator, n: int) -> list[str]:
    pairs = [(f, s) for f in _FIRST_NAMES for s in _SURNAMES]
    picked = rng.choice(len(pairs), size=n, replace=False)
    return [f"{pairs[i][0]} {pairs[i][1]}" for i in picked]


def _veteran_skills(rng: np.random.Generator) -> tuple[tuple[str, float], ...]:
    chosen = [code for code, odds in _VETERAN_SKILL_ODDS if rng.random() < odds]
    while len(chosen) < 2:
        code = _VETERAN_SKILL_ODDS[int(rng.integers(len(_VETERAN_SKILL_ODDS)))][0]
        if code not in chosen:
            chosen.append(code)
    return tuple((code, round(float(rng.uniform(0.85, 1.15)), 2)) for code in chosen)


def _preferences(rng: np.random.Generator, profile: str) -> tuple[DemoPreference, ...]:
    wishes: list[DemoPreference] = []
    if profile == "parent":
        wishes.append(DemoPreference("early", None, 2))  # no evenings: the children are home
        if rng.random() < 0.5:
            wishes.append(DemoPreference("day_off", 2, 2))  # Wednesday afternoon off school
    elif profile == "student":
        wishes.append(DemoPreference("late", None, 1))
    else:
        if rng.random() < 0.4:
            wishes.append(DemoPreference("day_off", int(rng.integers(0, 5)), 1))
        if rng.random() < 0.25:
            wishes.append(DemoPreference("early", None, 1))  # unwanted evenings
        elif rng.random() < 0.1:
            wishes.append(DemoPreference("late", None, 1))
    return tuple(wishes)


def demo_agents(rng: np.random.Generator, *, count: int = 80) -> tuple[DemoAgent, ...]:
    """``count`` agents: contracts, skills, home or office, circumstances and wishes.

    About 15% are parents (not before 09:00), 15% students (16 h, evenings and Saturdays),
    10% agency workers (also working for another client), 12% newcomers retrained in 2020 on
    one surge queue at a lower proficiency; the rest are veterans on 36 or 32 hours. About 85%
    can work from home; the agents are spread over six teams.

    Raises:
        InputError: fewer than 10 agents (the demo needs every profile and two agent logins).
    """
    if count < _MIN_AGENTS:
        raise InputError(f"the demo needs at least {_MIN_AGENTS} agents, got {count}")
    profiles: list[str] = []
    for profile, share in _PROFILE_SHARES:
        profiles += [profile] * max(1, round(share * count))
    profiles += ["veteran"] * (count - len(profiles))
    profiles = [profiles[i] for i in rng.permutation(count)]
    names = _names(rng, count)
    agents: list[DemoAgent] = []
    for index, (profile, name) in enumerate(zip(profiles, names, strict=True)):
        home = rng.random() < 0.85
        office = (not home) or rng.random() < 0.35
        start = date(int(rng.integers(2008, 2020)), int(rng.integers(1, 13)), 1)
        hours_elsewhere = 0.0
        not_before: time | None = None
        evenings_only = False
        days_elsewhere: tuple[int, ...] = ()
        if profile in ("veteran", "parent"):
            employment = "permanent"
            if profile == "veteran":
                target = 36.0 if rng.random() < 0.55 else 32.0
            else:
                target = 24.0 if rng.random() < 0.5 else 28.0
                not_before = time(9, 0)
            low, high = target - 4, target + 4
            skills = _veteran_skills(rng)
        elif profile == "student":
            employment, low, target, high = "on_call", 0.0, 16.0, 20.0
            start = date(2019, int(rng.integers(1, 13)), 1)
            skills = (("algemeen", 1.1), ("chat", round(float(rng.uniform(0.9, 1.2)), 2)))
            evenings_only = True
        elif profile == "agency":
            employment, low, target, high = "temp", 16.0, 24.0, 24.0
            start = date(2019, int(rng.integers(6, 13)), 1)
            surge_skill = "bijstand" if rng.random() < 0.5 else "ww-uitkering"
            skills = (("algemeen", 1.0), (surge_skill, round(float(rng.uniform(1.0, 1.2)), 2)))
            hours_elsewhere = 16.0
            days_elsewhere = tuple(sorted(int(d) for d in rng.choice(5, size=2, replace=False)))
        else:  # newcomer: retrained in 2020 for one of the surge queues, still slower
            employment = "temp"
            target = 32.0 if rng.random() < 0.6 else 24.0
            low, high = target - 8, target
            start = date(2020, 2, 3) if rng.random() < 0.5 else date(2020, 3, 2)
            surge_skill = "bijstand" if rng.random() < 0.6 else "ww-uitkering"
            skills = ((surge_skill, round(float(rng.uniform(1.3, 1.5)), 2)),)
        agents.append(
            DemoAgent(
                external_id=f"SB{1001 + index}",
                name=name,
                team=TEAM_NAMES[index % len(TEAM_NAMES)],
                profile=profile,
                employment_type=employment,
                hours_min=low,
                hours_target=target,
                hours_max=high,
                can_work_home=home,
                can_work_office=office,
                start_date=start,
                agency_hours_elsewhere=hours_elsewhere,
                skills=skills,
                not_before=not_before,
                evenings_only=evenings_only,
                days_elsewhere=days_elsewhere,
                preferences=_preferences(rng, profile),
            )
        )
    return tuple(agents)
