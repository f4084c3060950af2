"""``bezetting users`` and ``bezetting serve``: the first admin, tokens, and two server
processes sharing one database (a session opened on one is valid on the other)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from bezetting.cli import app as cli
from bezetting.services.organisations import create_organisation
from bezetting.services.users import create_user
from bezetting.store import SessionFactory
from bezetting.store.enums import Role

PASSWORD = "correct horse battery staple"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'bezetting.db'}"
    monkeypatch.setenv("BEZETTING_DATABASE_URL", url)
    monkeypatch.setenv("BEZETTING_ENV", "test")
    return url


def test_users_create_makes_the_first_admin_from_stdin(database: str) -> None:
    runner = CliRunner()
    created = runner.invoke(
        cli, ["users", "create", "--email", "wfm@example.nl", "--role", "admin"], input=PASSWORD
    )
    assert created.exit_code == 0, created.output
    assert "wfm@example.nl (admin)" in created.output
    token = runner.invoke(cli, ["users", "token", "--email", "wfm@example.nl", "--name", "acd"])
    assert token.exit_code == 0, token.output
    assert token.output.strip().startswith("bzt_")


def test_users_create_refuses_a_short_password_with_exit_code_2(database: str) -> None:
    result = CliRunner().invoke(
        cli, ["users", "create", "--email", "a@example.nl", "--role", "planner"], input="short"
    )
    assert result.exit_code == 2
    assert "at least 12 characters" in result.output


def test_the_operator_lists_stops_restores_and_resets_users(database: str) -> None:
    runner = CliRunner()
    for email, role in (("wfm@example.nl", "admin"), ("leaver@example.nl", "planner")):
        made = runner.invoke(
            cli, ["users", "create", "--email", email, "--role", role], input=PASSWORD
        )
        assert made.exit_code == 0, made.output
    listed = runner.invoke(cli, ["users", "list"])
    assert "default\tleaver@example.nl\tplanner\tactive" in listed.output
    stopped = runner.invoke(cli, ["users", "deactivate", "--email", "leaver@example.nl"])
    assert stopped.exit_code == 0, stopped.output
    assert "leaver@example.nl\tplanner\tinactive" in runner.invoke(cli, ["users", "list"]).output
    runner.invoke(cli, ["users", "activate", "--email", "leaver@example.nl"])
    assert "leaver@example.nl\tplanner\tactive" in runner.invoke(cli, ["users", "list"]).output
    # the only admin forgot their password: the operator sets a new one
    reset = runner.invoke(
        cli, ["users", "password", "--email", "wfm@example.nl"], input="a brand new passphrase\n"
    )
    assert reset.exit_code == 0, reset.output
    assert "sessions were logged out" in reset.output
    unknown = runner.invoke(cli, ["users", "deactivate", "--email", "nobody@example.nl"])
    assert unknown.exit_code != 0
    assert "no user with e-mail 'nobody@example.nl'" in unknown.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def two_servers(
    engine: Engine, committing_sessions: SessionFactory, tmp_path: Path
) -> Iterator[tuple[str, str]]:
    """Two ``bezetting serve`` processes on the test database (SQLite file or PostgreSQL)."""
    now = datetime.now(UTC)
    create_organisation(committing_sessions, "gemeente", name="Gemeente", now=now)
    create_user(
        committing_sessions,
        email="lead@example.nl",
        password=PASSWORD,
        role=Role.TEAM_LEAD,
        now=now,
        organisation="gemeente",
    )
    env = {
        **os.environ,
        "BEZETTING_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "BEZETTING_ENV": "test",
        "BEZETTING_DATA_DIR": str(tmp_path),
    }
    env.pop("BEZETTING_BROKER_URL", None)
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [str(Path(sys.executable).parent / "bezetting"), "serve", "--port", str(port),
             "--log-level", "warning"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]  # fmt: skip
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        # Generous: two processes import the whole app at once, on a loaded 2-core machine
        # that took over 30 s. This is a hang guard, not a timing check.
        deadline = time.monotonic() + 120
        for base, process in zip(bases, processes, strict=True):
            while True:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "serve did not start in 120 s"
                time.sleep(0.1)
        yield bases[0], bases[1]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
            if process.stderr:
                process.stderr.close()


def test_a_session_from_one_server_is_valid_on_another(two_servers: tuple[str, str]) -> None:
    first, second = two_servers
    login = httpx.post(
        f"{first}/api/v1/auth/login", json={"email": "lead@example.nl", "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    cookies = login.cookies
    me = httpx.get(f"{second}/api/v1/auth/me", cookies=cookies)
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "team_lead"
    logout = httpx.post(
        f"{second}/api/v1/auth/logout",
        cookies=cookies,
        headers={"X-CSRF-Token": login.json()["csrf_token"]},
    )
    assert logout.status_code == 204
    assert httpx.get(f"{first}/api/v1/auth/me", cookies=cookies).status_code == 401
