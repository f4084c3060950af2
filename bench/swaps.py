"""How long a swap's labour-rule check takes with a year of shifts around it.

Run from the repository root:

    .venv/bin/python bench/swaps.py              # SQLite in a temporary file
    .venv/bin/python bench/swaps.py --repeat 20

It seeds one organisation with two agents who each worked five 8-hour shifts a week for the
52 weeks before a published week of their own shifts, then times ``accept_swap`` (one check)
and ``decide_swap`` approving it (a second check and the owner change), each on a fresh offer,
and ``returns_that_fit`` for an open offer and the taker's three shifts of the week (a check
per shift: what drawing the agent's "In return" list costs per offer). It prints the median
and the slowest time of each over ``--repeat`` rounds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bezetting.services.imports import ImportOptions, import_agents
from bezetting.services.organisations import create_organisation
from bezetting.services.schedules import (
    ActivityPlan,
    ShiftPlan,
    create_schedule,
    publish_schedule,
    save_schedule_shifts,
)
from bezetting.services.swaps import (
    accept_swap,
    decide_swap,
    offer_swap,
    returns_that_fit,
    withdraw_swap,
)
from bezetting.services.users import Principal
from bezetting.store import (
    SessionFactory,
    create_engine_for_url,
    make_session_factory,
    transaction,
    upgrade,
)
from bezetting.store.enums import ActivityKind, Role, TokenScope
from bezetting.store.models import Agent, Organisation, Schedule, Shift, User

NOW = datetime(2021, 1, 4, 6, 0, tzinfo=UTC)
WEEK = date(2021, 1, 11)  # a Monday, a week after NOW


def _shift(agent_id: int, start: datetime) -> ShiftPlan:
    middle, end = start + timedelta(hours=4), start + timedelta(hours=8, minutes=30)
    return ShiftPlan(
        agent_id=agent_id,
        starts_at=start,
        ends_at=end,
        activities=(
            ActivityPlan(kind=ActivityKind.CONTACT_WORK, starts_at=start, ends_at=middle),
            ActivityPlan(
                kind=ActivityKind.BREAK, starts_at=middle, ends_at=middle + timedelta(minutes=30)
            ),
            ActivityPlan(
                kind=ActivityKind.CONTACT_WORK,
                starts_at=middle + timedelta(minutes=30),
                ends_at=end,
            ),
        ),
    )


def _publish(
    sessions: SessionFactory, name: str, first: date, days: int, shifts: list[ShiftPlan]
) -> None:
    ref = create_schedule(
        sessions,
        name=name,
        period_start=first,
        period_end=first + timedelta(days=days - 1),
        now=NOW,
        organisation="bench",
    )
    ref = save_schedule_shifts(
        sessions, ref.id, expected_version=ref.version, shifts=shifts, now=NOW
    )
    publish_schedule(sessions, ref.id, expected_version=ref.version, now=NOW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine_for_url(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        sessions = make_session_factory(engine)
        create_organisation(sessions, "bench", name="Bench", now=NOW)
        import_agents(
            sessions,
            b"external_id,name,contract_hours,contract_hours_max\n1,Giver,32,60\n2,Taker,32,60\n",
            file_name="agents.csv",
            now=NOW,
            options=ImportOptions(organisation="bench"),
        )
        with transaction(sessions) as session:
            giver, taker = (a.id for a in session.scalars(select(Agent).order_by(Agent.id)))
        year_start = WEEK - timedelta(weeks=52)
        history = [
            _shift(agent, datetime(d.year, d.month, d.day, 7, tzinfo=UTC))
            for agent in (giver, taker)
            for d in (year_start + timedelta(days=i) for i in range(52 * 7))
            if d.weekday() < 5
        ]
        _publish(sessions, "last year", year_start, 52 * 7, history)
        # The week itself: the giver works every day (the offers), the taker Monday to Wednesday.
        monday = datetime(WEEK.year, WEEK.month, WEEK.day, 7, tzinfo=UTC)
        week = [_shift(giver, monday + timedelta(days=i)) for i in range(7)]
        week += [_shift(taker, monday + timedelta(days=i)) for i in range(3)]
        _publish(sessions, "the week", WEEK, 7, week)
        with transaction(sessions) as session:
            org = session.scalars(select(Organisation)).one()
            people = {}
            for role, agent in ((Role.AGENT, giver), (Role.AGENT, taker), (Role.PLANNER, None)):
                user = User(
                    organisation_id=org.id,
                    email=f"{role.value}{agent}@example.nl",
                    password_hash="-",
                    role=role,
                    agent_id=agent,
                    active=True,
                    created_at=NOW,
                )
                session.add(user)
                session.flush()
                people[agent] = Principal(
                    user_id=user.id,
                    organisation_id=org.id,
                    organisation_code=org.code,
                    email=user.email,
                    role=role,
                    scope=TokenScope.API,
                    token_id=0,
                    agent_id=agent,
                )
            offers = session.scalars(
                select(Shift.id)
                .join(Schedule)
                .where(Schedule.name == "the week", Shift.agent_id == giver)
                .order_by(Shift.starts_at)
            ).all()
            own = session.scalars(
                select(Shift.id)
                .join(Schedule)
                .where(Schedule.name == "the week", Shift.agent_id == taker)
            ).all()
        accept_s, approve_s, returns_s = [], [], []
        version = session_version = 0
        with transaction(sessions) as session:
            session_version = session.scalars(
                select(Schedule.version).where(Schedule.name == "the week")
            ).one()
        version = session_version
        for i in range(args.repeat):
            shift_id = offers[3 + i % 4]  # Thursday to Sunday: legal for the taker
            swap = offer_swap(sessions, people[giver], shift_id=shift_id, now=NOW, note=None)
            began = time.perf_counter()
            accept_swap(sessions, people[taker], swap.id, shift_in_return_id=None, now=NOW)
            accept_s.append(time.perf_counter() - began)
            began = time.perf_counter()
            version = decide_swap(
                sessions, people[None], swap.id, approve=True, schedule_version=version, now=NOW
            ).schedule_version
            approve_s.append(time.perf_counter() - began)
            # Swap it back (untimed), so every round starts from the same week.
            back = offer_swap(sessions, people[taker], shift_id=shift_id, now=NOW, note=None)
            accept_swap(sessions, people[giver], back.id, shift_in_return_id=None, now=NOW)
            version = decide_swap(
                sessions, people[None], back.id, approve=True, schedule_version=version, now=NOW
            ).schedule_version
            listed = offer_swap(sessions, people[giver], shift_id=offers[6], now=NOW, note=None)
            began = time.perf_counter()
            returns_that_fit(sessions, people[taker], [listed.id], shift_ids=own, now=NOW)
            returns_s.append(time.perf_counter() - began)
            withdraw_swap(sessions, people[giver], listed.id, now=NOW)
        engine.dispose()
    print(f"shifts around the swap: {len(history)} (52 weeks, two agents)")
    rows = (
        ("accept (one check)", accept_s),
        ("approve (check + move)", approve_s),
        (f"returns that fit ({len(own)} own shifts, a check each)", returns_s),
    )
    for name, times in rows:
        print(
            f"{name}: median {statistics.median(times) * 1000:.0f} ms, "
            f"slowest {max(times) * 1000:.0f} ms over {len(times)}"
        )


if __name__ == "__main__":
    main()
