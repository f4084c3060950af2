"""Fixtures for the jobs tests: runners of both kinds, a real Celery worker, gates.

The Celery worker is a real process (``bezetting worker --pool solo``) on the Redis at
``BEZETTING_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/13``). Its queue and key prefix
carry a random token, so parallel test runs never take each other's jobs; every key with the
token is deleted afterwards. Without a reachable Redis the Celery tests skip, saying why.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

import tests.jobs.kinds  # noqa: F401  (registers the test-* kinds in this process)
from bezetting.jobs import InProcessRunner, JobRunner, JobState

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("BEZETTING_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
WORKER_START_SECONDS = 30.0


@dataclass(frozen=True)
class Worker:
    """A running test worker and where it listens."""

    redis_url: str
    queue: str
    key_prefix: str
    log: Path


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1.0)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(
            f"SKIPPED LOUDLY: no Redis at {REDIS_URL} ({exc}); the Redis status store and "
            "Celery runner tests need a real Redis (set BEZETTING_TEST_REDIS_URL or start "
            "redis-server)"
        )
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(scope="session")
def celery_worker(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    token = f"bezetting-test-{uuid.uuid4().hex[:12]}"
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    worker = Worker(redis_url=redis_url, queue=token, key_prefix=f"{token}:", log=log)
    command = [
        sys.executable,
        "-c",
        "from bezetting.cli import main; main()",
        "worker",
        "--pool=solo",
        f"--queue={worker.queue}",
        f"--key-prefix={worker.key_prefix}",
        "--import-module=tests.jobs.kinds",
        "--standalone",
        "--loglevel=WARNING",
    ]
    env = {
        **os.environ,
        "BEZETTING_BROKER_URL": redis_url,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        _await_ready(worker, process)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        _delete_keys(redis_url, token)


def _await_ready(worker: Worker, process: subprocess.Popen[bytes]) -> None:
    """The worker is ready once it has run a probe job."""
    from bezetting.jobs.celery_runner import CeleryRunner

    runner = CeleryRunner(worker.redis_url, queue=worker.queue, key_prefix=worker.key_prefix)
    try:
        job_id = runner.submit("test-echo", {"probe": True})
        deadline = time.monotonic() + WORKER_START_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the test worker exited ({process.returncode}):\n{_tail(worker.log)}")
            if runner.status(job_id).state is JobState.SUCCEEDED:
                return
            time.sleep(0.05)
        pytest.fail(f"the test worker ran no job in {WORKER_START_SECONDS} s:\n{_tail(worker.log)}")
    finally:
        runner.close()


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-40:])


def _delete_keys(url: str, token: str) -> None:
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        for key in client.scan_iter(match=f"*{token}*"):
            client.delete(key)
        # kombu keeps queue bookkeeping in shared sorted sets; drop our members only.
        for shared in client.scan_iter(match="_kombu.*"):
            if client.type(shared) == "zset":
                ours = [m for m in client.zrange(shared, 0, -1) if token in m]
                if ours:
                    client.zrem(shared, *ours)
    finally:
        client.close()


@pytest.fixture
def in_process_runner() -> Iterator[InProcessRunner]:
    with InProcessRunner(max_workers=1) as runner:
        yield runner


@pytest.fixture
def celery_runner(celery_worker: Worker) -> Iterator[JobRunner]:
    from bezetting.jobs.celery_runner import CeleryRunner

    runner = CeleryRunner(
        celery_worker.redis_url, queue=celery_worker.queue, key_prefix=celery_worker.key_prefix
    )
    try:
        yield runner
    finally:
        runner.close()


@pytest.fixture(params=["in-process", "celery"])
def runner(request: pytest.FixtureRequest) -> JobRunner:
    """Each contract test runs against both runners: one job at a time in each."""
    name = "in_process_runner" if request.param == "in-process" else "celery_runner"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


class Gates:
    """File gates for ``test-gate`` jobs; all are opened at teardown so no job stays blocked."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._made: list[Path] = []

    def new(self) -> Path:
        path = self._folder / f"gate-{len(self._made)}"
        self._made.append(path)
        return path

    def open_all(self) -> None:
        for path in self._made:
            path.touch()


@pytest.fixture
def gates(tmp_path: Path) -> Iterator[Gates]:
    made = Gates(tmp_path)
    try:
        yield made
    finally:
        made.open_all()
