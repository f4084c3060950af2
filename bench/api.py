"""Load on the API from a second process: the agent's schedule and the live-event endpoint.

Run from the repository root:

    .venv/bin/python bench/api.py                     # SQLite and PostgreSQL (if it answers)
    .venv/bin/python bench/api.py --rate 200 --seconds 20

For each database it seeds an organisation (50 agents, each with a user, a token and five
published shifts), starts ``bezetting serve`` (``--workers`` uvicorn processes, default 1) on
a free loopback port, and drives it from a separate load process at a fixed arrival rate (open
loop: requests are
sent on schedule whether or not earlier ones have answered, so slow answers show up as latency,
not as a lower rate). Half the requests are ``GET /api/v1/me/schedule`` with a random agent's
token, half ``POST /api/v1/events/agent-state`` with a fresh event id. It reports requests per
second achieved, p50/p99 latency per endpoint and any non-2xx answers. The goal of issue 6:
p99 under 100 ms at 200 requests per second with PostgreSQL. Traffic goes to 127.0.0.1 only and
stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
AGENTS = 50
PG_URL = os.environ.get(
    "BEZETTING_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _seed(url: str) -> dict[str, object]:
    from bezetting.services.imports import ImportOptions, import_agents
    from bezetting.services.organisations import QueueSpec, create_organisation, create_queue
    from bezetting.services.schedules import (
        ActivityPlan,
        ShiftPlan,
        create_schedule,
        publish_schedule,
        save_schedule_shifts,
    )
    from bezetting.services.users import create_user, issue_token
    from bezetting.store import create_engine_for_url, make_session_factory, upgrade
    from bezetting.store.enums import ActivityKind, Role, TokenScope

    engine = create_engine_for_url(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    org = f"bench{uuid.uuid4().hex[:8]}"
    create_organisation(sessions, org, name="Bench", now=NOW)
    create_queue(sessions, org, QueueSpec(code="general", name="General"))
    rows = "".join(f"{2000 + i},Agent {i},32\n" for i in range(AGENTS))
    result = import_agents(
        sessions,
        ("external_id,name,contract_hours\n" + rows).encode(),
        file_name=f"{org}.csv",
        now=NOW,
        options=ImportOptions(organisation=org),
    )
    del result
    tokens: list[str] = []
    admin = create_user(
        sessions,
        email=f"admin@{org}.nl",
        password="a long bench password",
        role=Role.ADMIN,
        now=NOW,
        organisation=org,
    )
    from sqlalchemy import select

    from bezetting.store import transaction
    from bezetting.store.models import Agent, Organisation

    with transaction(sessions) as session:
        org_id = session.scalars(select(Organisation.id).where(Organisation.code == org)).one()
        agents = {
            a.external_id: a.id
            for a in session.scalars(select(Agent).where(Agent.organisation_id == org_id))
        }
    for i in range(AGENTS):
        user = create_user(
            sessions,
            email=f"agent{i}@{org}.nl",
            password="a long bench password",
            role=Role.AGENT,
            now=NOW,
            organisation=org,
            agent_external_id=str(2000 + i),
        )
        tokens.append(
            issue_token(
                sessions,
                user_id=user.id,
                organisation_id=org_id,
                scope=TokenScope.API,
                label=f"bench {i}",
                now=NOW,
            ).token
        )
    integration = issue_token(
        sessions,
        user_id=admin.id,
        organisation_id=org_id,
        scope=TokenScope.INTEGRATION,
        label="bench",
        now=NOW,
    ).token
    start = NOW + timedelta(days=1)
    ref = create_schedule(
        sessions,
        name="bench week",
        period_start=start.date(),
        period_end=start.date() + timedelta(days=6),
        now=NOW,
        organisation=org,
    )
    shifts = [
        ShiftPlan(
            agent_id=agent_id,
            starts_at=start + timedelta(days=d),
            ends_at=start + timedelta(days=d, hours=8),
            activities=(
                ActivityPlan(
                    kind=ActivityKind.CONTACT_WORK,
                    starts_at=start + timedelta(days=d),
                    ends_at=start + timedelta(days=d, hours=8),
                ),
            ),
        )
        for agent_id in agents.values()
        for d in range(5)
    ]
    ref = save_schedule_shifts(
        sessions, ref.id, expected_version=ref.version, shifts=shifts, now=NOW
    )
    publish_schedule(sessions, ref.id, expected_version=ref.version, now=NOW)
    engine.dispose()
    return {"tokens": tokens, "integration": integration, "agents": sorted(agents)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on {port} within {timeout} s")


class LoadResult(TypedDict):
    """What one load process measured; written as JSON and read back by `run`."""

    elapsed: float
    sent: int
    latencies: dict[str, list[float]]
    failures: dict[str, int]


async def _drive(port: int, world: dict[str, object], rate: float, seconds: float) -> LoadResult:
    import httpx2 as httpx

    tokens = world["tokens"]
    agents = world["agents"]
    assert isinstance(tokens, list)
    assert isinstance(agents, list)
    base = f"http://127.0.0.1:{port}/api/v1"
    latencies: dict[str, list[float]] = {"schedule": [], "event": []}
    failures: dict[str, int] = {"schedule": 0, "event": 0}
    rng = random.Random(2020)
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10.0) as client:

        async def one(i: int) -> None:
            kind = "schedule" if i % 2 == 0 else "event"
            t0 = time.perf_counter()
            try:
                if kind == "schedule":
                    token = tokens[rng.randrange(len(tokens))]
                    r = await client.get(
                        "/me/schedule", headers={"Authorization": f"Bearer {token}"}
                    )
                else:
                    body = {
                        "event_id": uuid.uuid4().hex,
                        "agent": agents[rng.randrange(len(agents))],
                        "state": "available" if i % 4 == 1 else "on_contact",
                        "occurred_at": datetime.now(UTC).isoformat(),
                    }
                    r = await client.post(
                        "/events/agent-state",
                        json=body,
                        headers={"Authorization": f"Bearer {world['integration']}"},
                    )
                ok = 200 <= r.status_code < 300
            except httpx.HTTPError:
                ok = False
            latencies[kind].append(time.perf_counter() - t0)
            if not ok:
                failures[kind] += 1

        total = int(rate * seconds)
        began = time.perf_counter()
        tasks = []
        for i in range(total):
            delay = began + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    return {"elapsed": elapsed, "sent": total, "latencies": latencies, "failures": failures}


def _load_process(
    port: int, world: dict[str, object], rate: float, seconds: float, out: str
) -> None:
    result = asyncio.run(_drive(port, world, rate, seconds))
    Path(out).write_text(json.dumps(result))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(name: str, url: str, rate: float, seconds: float, workers: int = 1) -> None:
    world = _seed(url)
    port = _free_port()
    env = os.environ | {
        "BEZETTING_DATABASE_URL": url,
        "BEZETTING_ENV": "dev",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/bezetting"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_up(port)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        # A short warm-up, then the measured run, each from a separate process.
        for label, secs in (("warm-up", 3.0), ("measured", seconds)):
            proc = multiprocessing.get_context("spawn").Process(
                target=_load_process, args=(port, world, rate, secs, out)
            )
            proc.start()
            proc.join(timeout=secs + 120)
            if proc.is_alive():
                proc.terminate()
                raise RuntimeError(f"{label} load did not finish")
        result: LoadResult = json.loads(Path(out).read_text())
        os.unlink(out)
    finally:
        server.terminate()
        server.wait(timeout=30)
    done = sum(len(v) for v in result["latencies"].values())
    achieved = done / result["elapsed"]
    print(f"\n## {name}: {done} requests in {result['elapsed']:.1f} s = {achieved:.0f} req/s")
    for kind, values in result["latencies"].items():
        print(
            f"  {kind:9s} n={len(values):5d}  p50 {1000 * _percentile(values, 0.5):7.1f} ms  "
            f"p99 {1000 * _percentile(values, 0.99):7.1f} ms  max {1000 * max(values):7.1f} ms  "
            f"non-2xx {result['failures'][kind]}"
        )
    everything = [v for vs in result["latencies"].values() for v in vs]
    print(f"  all       p99 {1000 * _percentile(everything, 0.99):.1f} ms")


def _postgres_schema() -> str | None:
    from sqlalchemy import text

    from bezetting.store import create_engine_for_url

    schema = f"bezetting_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine_for_url(PG_URL)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    except Exception as exc:
        print(f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}; skipped")
        return None
    return schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1, help="serve processes")
    args = parser.parse_args()
    print(
        f"# {args.rate:g} req/s for {args.seconds:g} s, {args.workers} serve process(es), "
        f"{os.cpu_count()} cores (shared)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.db", args.rate, args.seconds, args.workers)
    schema = _postgres_schema()
    if schema is not None:
        try:
            url = f"{PG_URL}?options=-csearch_path%3D{schema}"
            run("PostgreSQL", url, args.rate, args.seconds, args.workers)
        finally:
            _drop_schema(schema)


def _drop_schema(schema: str) -> None:
    from sqlalchemy import text

    from bezetting.store import create_engine_for_url

    admin = create_engine_for_url(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


if __name__ == "__main__":
    main()
