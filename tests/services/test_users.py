"""Users: argon2 passwords, tokens kept only as SHA-256 with a scope column, sessions that end."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.errors import AuthenticationError, NotFoundError
from bezetting.services.organisations import OrganisationRef
from bezetting.services.users import (
    authenticate,
    create_user,
    hash_password,
    issue_token,
    principal_for_token,
    revoke_token,
    verify_password,
)
from bezetting.store import SessionFactory
from bezetting.store.enums import Role, TokenScope
from bezetting.store.models import ApiToken, User
from tests.services.conftest import NOW

PASSWORD = "correct horse battery staple"


def test_passwords_are_argon2id_hashes_that_verify() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    # argon2-cffi itself (not our wrapper) accepts the hash.
    assert PasswordHasher().verify(stored, PASSWORD)
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "!")
    assert not verify_password("not a hash", PASSWORD)
    assert hash_password(PASSWORD) != stored  # salted


def test_create_user_checks_its_input(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    with pytest.raises(InputError, match="e-mail"):
        create_user(sessions, email="nope", password=PASSWORD, role=Role.PLANNER, now=NOW)
    with pytest.raises(InputError, match="12 characters"):
        create_user(sessions, email="a@b.nl", password="short", role=Role.PLANNER, now=NOW)
    with pytest.raises(InputError, match="employee number"):
        create_user(sessions, email="a@b.nl", password=PASSWORD, role=Role.AGENT, now=NOW)
    with pytest.raises(InputError, match="client"):
        create_user(sessions, email="a@b.nl", password=PASSWORD, role=Role.CLIENT_VIEWER, now=NOW)
    create_user(sessions, email="A@B.nl", password=PASSWORD, role=Role.PLANNER, now=NOW)
    with pytest.raises(ConflictError, match="exists"):
        create_user(sessions, email="a@b.nl ", password=PASSWORD, role=Role.ADMIN, now=NOW)


def test_a_login_opens_a_session_stored_only_as_sha256(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    create_user(sessions, email="p@b.nl", password=PASSWORD, role=Role.PLANNER, now=NOW)
    user, issued = authenticate(sessions, email="p@b.nl", password=PASSWORD, now=NOW)
    assert user.role is Role.PLANNER
    with sessions() as session:
        row = session.scalars(select(ApiToken)).one()
        stored_hash = session.scalars(select(User.password_hash)).one()
    assert row.token_sha256 == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in (row.token_sha256, row.name)
    assert PASSWORD not in stored_hash
    assert row.expires_at == NOW + timedelta(hours=12)
    who = principal_for_token(sessions, issued.token, now=NOW + timedelta(hours=1))
    assert (who.user_id, who.scope, who.organisation_code) == (
        user.id,
        TokenScope.SESSION,
        "gemeente",
    )
    with pytest.raises(AuthenticationError, match="expired"):
        principal_for_token(sessions, issued.token, now=NOW + timedelta(hours=12))
    revoke_token(sessions, token_id=issued.id, now=NOW)
    with pytest.raises(AuthenticationError):
        principal_for_token(sessions, issued.token, now=NOW)


def test_wrong_passwords_and_unknown_users_fail_alike(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    create_user(sessions, email="p@b.nl", password=PASSWORD, role=Role.PLANNER, now=NOW)
    with pytest.raises(AuthenticationError, match="wrong e-mail or password"):
        authenticate(sessions, email="p@b.nl", password="x" * 12, now=NOW)
    with pytest.raises(AuthenticationError, match="wrong e-mail or password"):
        authenticate(sessions, email="q@b.nl", password=PASSWORD, now=NOW)


def test_tokens_carry_their_scope(sessions: SessionFactory, organisation: OrganisationRef) -> None:
    user = create_user(sessions, email="i@b.nl", password=PASSWORD, role=Role.ADMIN, now=NOW)
    issued = issue_token(
        sessions,
        user_id=user.id,
        organisation_id=organisation.id,
        scope=TokenScope.INTEGRATION,
        label="acd",
        now=NOW,
    )
    assert principal_for_token(sessions, issued.token, now=NOW).scope is TokenScope.INTEGRATION
    with pytest.raises(InputError, match="logging in"):
        issue_token(
            sessions,
            user_id=user.id,
            organisation_id=organisation.id,
            scope=TokenScope.SESSION,
            label="x",
            now=NOW,
        )
    with pytest.raises(NotFoundError):
        issue_token(
            sessions,
            user_id=user.id + 1000,
            organisation_id=organisation.id,
            scope=TokenScope.API,
            label="x",
            now=NOW,
        )


def test_the_scope_comes_from_its_column_not_from_the_name(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    user = create_user(sessions, email="i@b.nl", password=PASSWORD, role=Role.ADMIN, now=NOW)
    issued = issue_token(
        sessions,
        user_id=user.id,
        organisation_id=organisation.id,
        scope=TokenScope.API,
        label="session: not really",
        now=NOW,
    )
    with sessions() as session, session.begin():
        row = session.get(ApiToken, issued.id)
        assert row is not None
        assert (row.scope, row.name) == (TokenScope.API, "session: not really")
        row.scope = TokenScope.INTEGRATION
    assert principal_for_token(sessions, issued.token, now=NOW).scope is TokenScope.INTEGRATION
