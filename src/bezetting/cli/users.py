"""``bezetting users``: accounts and API tokens from the command line.

The first admin has to come from here (the API and the pages create users only for an
admin), and so does the way back in when the only admin forgot their password::

    bezetting users create --email wfm@example.nl --role admin      # asks for the password
    echo "$PASSWORD" | bezetting users create --email ... --role planner
    bezetting users list
    bezetting users password --email wfm@example.nl                 # asks for the new one
    bezetting users deactivate --email leaver@example.nl            # and: activate
    bezetting users token --email acd@example.nl --name telephony --scope integration
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from bezetting.cli._common import reports_errors
from bezetting.config import load_settings
from bezetting.core.errors import InputError
from bezetting.services.organisations import ensure_default_organisation, list_organisations
from bezetting.services.users import (
    create_user,
    issue_token,
    set_active_by_email,
    set_password_by_email,
    user_by_email,
    user_listing,
)
from bezetting.store import SessionFactory, create_engine_for, ensure_schema, make_session_factory
from bezetting.store.enums import Role, TokenScope

__all__ = ["register"]

users_app = typer.Typer(name="users", help="Accounts and API tokens.", no_args_is_help=True)


def _sessions() -> SessionFactory:
    engine = create_engine_for(load_settings())
    ensure_schema(engine)
    return make_session_factory(engine)


def _read_password() -> str:
    if sys.stdin.isatty():
        password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return password
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise InputError("no password on standard input (give it on the first line)")
    return line


@users_app.command("create")
def create_command(
    email: Annotated[str, typer.Option(help="The login e-mail.")],
    role: Annotated[Role, typer.Option(help="What the user may do.")],
    organisation: Annotated[
        str | None,
        typer.Option(help="Organisation code (default: the only one, made on a fresh install)."),
    ] = None,
    agent: Annotated[
        str | None, typer.Option(help="Employee number of the agent (role agent).")
    ] = None,
    client: Annotated[str | None, typer.Option(help="Client code (role client_viewer).")] = None,
    team: Annotated[str | None, typer.Option(help="Team name (a team lead's team).")] = None,
) -> None:
    """Create a user; the password is read from standard input, or asked for at a terminal."""
    with reports_errors():
        password = _read_password()
        sessions = _sessions()
        now = datetime.now(UTC)
        if organisation is None:
            ensure_default_organisation(sessions, now=now)  # a fresh one-machine install
        user = create_user(
            sessions,
            email=email,
            password=password,
            role=role,
            now=now,
            organisation=organisation,
            agent_external_id=agent,
            client_code=client,
            team_name=team,
        )
        typer.echo(f"created user {user.id} {user.email} ({user.role.value})")


@users_app.command("token")
def token_command(
    email: Annotated[str, typer.Option(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What uses the token, e.g. telephony.")],
    scope: Annotated[
        TokenScope, typer.Option(help="integration (posts events) or api (acts as the user).")
    ] = TokenScope.INTEGRATION,
) -> None:
    """Issue a bearer token and print it once (only its SHA-256 is stored)."""
    with reports_errors():
        sessions = _sessions()
        user = user_by_email(sessions, email)
        issued = issue_token(
            sessions,
            user_id=user.id,
            organisation_id=user.organisation_id,
            scope=scope,
            label=name,
            now=datetime.now(UTC),
        )
        typer.echo(issued.token)


@users_app.command("list")
def list_command() -> None:
    """Every user: e-mail, role, whether they may log in, and who the account is for."""
    with reports_errors():
        sessions = _sessions()
        for organisation in list_organisations(sessions):
            for row in user_listing(sessions, organisation_id=organisation.id):
                user = row.user
                state = "active" if user.active else "inactive"
                who = row.agent or row.client or row.team or ""
                typer.echo(f"{organisation.code}\t{user.email}\t{user.role.value}\t{state}\t{who}")


@users_app.command("password")
def password_command(
    email: Annotated[str, typer.Option(help="Whose password to set.")],
) -> None:
    """Set a user's password (read from standard input, or asked for at a terminal); their
    login sessions end."""
    with reports_errors():
        password = _read_password()
        user = set_password_by_email(_sessions(), email, password=password, now=datetime.now(UTC))
        typer.echo(f"password of {user.email} set; their sessions were logged out")


@users_app.command("deactivate")
def deactivate_command(
    email: Annotated[str, typer.Option(help="Who may no longer log in.")],
) -> None:
    """Stop a user logging in (their sessions end; their API tokens are refused)."""
    with reports_errors():
        user = set_active_by_email(_sessions(), email, active=False, now=datetime.now(UTC))
        typer.echo(f"{user.email} may no longer log in")


@users_app.command("activate")
def activate_command(
    email: Annotated[str, typer.Option(help="Who may log in again.")],
) -> None:
    """Let a stopped user log in again."""
    with reports_errors():
        user = set_active_by_email(_sessions(), email, active=True, now=datetime.now(UTC))
        typer.echo(f"{user.email} may log in again")


def register(app: typer.Typer) -> None:
    """Add ``users`` to the command line."""
    app.add_typer(users_app)
