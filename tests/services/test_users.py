"""Users: argon2 passwords, tokens kept only as SHA-256 with a scope column, sessions that end."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from bezetting.services.organisations import OrganisationRef, create_organisation
from bezetting.services.users import (
    Principal,
    WrongPasswordError,
    authenticate,
    change_password,
    create_user,
    hash_password,
    issue_token,
    principal_for_token,
    reset_password,
    revoke_token,
    set_active,
    set_active_by_email,
    set_password_by_email,
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


# --- managing accounts ---------------------------------------------------------------------


def _principal(sessions: SessionFactory, email: str) -> Principal:
    _, issued = authenticate(sessions, email=email, password=PASSWORD, now=NOW)
    return principal_for_token(sessions, issued.token, now=NOW)


def test_changing_my_password_ends_my_other_sessions_and_keeps_this_one(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    create_user(sessions, email="p@b.nl", password=PASSWORD, role=Role.PLANNER, now=NOW)
    _, elsewhere = authenticate(sessions, email="p@b.nl", password=PASSWORD, now=NOW)
    _, this_one = authenticate(sessions, email="p@b.nl", password=PASSWORD, now=NOW)
    here = principal_for_token(sessions, this_one.token, now=NOW)
    new = "a much better passphrase"
    ended = change_password(sessions, here, current=PASSWORD, new=new, now=NOW)
    assert ended == 1
    with pytest.raises(AuthenticationError):
        principal_for_token(sessions, elsewhere.token, now=NOW)
    assert principal_for_token(sessions, this_one.token, now=NOW).user_id == here.user_id
    with pytest.raises(AuthenticationError):
        authenticate(sessions, email="p@b.nl", password=PASSWORD, now=NOW)
    authenticate(sessions, email="p@b.nl", password=new, now=NOW)


def test_a_password_change_needs_the_current_password_and_a_new_one(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    create_user(sessions, email="p@b.nl", password=PASSWORD, role=Role.PLANNER, now=NOW)
    me = _principal(sessions, "p@b.nl")
    with pytest.raises(WrongPasswordError, match="current password"):
        change_password(sessions, me, current="not it at all", new="a fine new one!", now=NOW)
    with pytest.raises(InputError, match="12 characters"):
        change_password(sessions, me, current=PASSWORD, new="short", now=NOW)
    with pytest.raises(InputError, match="same as the current"):
        change_password(sessions, me, current=PASSWORD, new=PASSWORD, now=NOW)
    authenticate(sessions, email="p@b.nl", password=PASSWORD, now=NOW)  # unchanged


def test_an_admin_stops_and_restores_a_user(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    create_user(sessions, email="a@b.nl", password=PASSWORD, role=Role.ADMIN, now=NOW)
    leaver = create_user(sessions, email="l@b.nl", password=PASSWORD, role=Role.PLANNER, now=NOW)
    admin = _principal(sessions, "a@b.nl")
    _, open_session = authenticate(sessions, email="l@b.nl", password=PASSWORD, now=NOW)
    api = issue_token(
        sessions,
        user_id=leaver.id,
        organisation_id=organisation.id,
        scope=TokenScope.API,
        label="script",
        now=NOW,
    )
    assert not set_active(sessions, admin, user_id=leaver.id, active=False, now=NOW).active
    for token in (open_session.token, api.token):
        with pytest.raises(AuthenticationError):
            principal_for_token(sessions, token, now=NOW)
    with pytest.raises(AuthenticationError):
        authenticate(sessions, email="l@b.nl", password=PASSWORD, now=NOW)
    assert set_active(sessions, admin, user_id=leaver.id, active=True, now=NOW).active
    assert principal_for_token(sessions, api.token, now=NOW).user_id == leaver.id
    with pytest.raises(AuthenticationError):  # the session ended for good
        principal_for_token(sessions, open_session.token, now=NOW)
    with pytest.raises(PermissionDeniedError, match="your own"):
        set_active(sessions, admin, user_id=admin.user_id, active=False, now=NOW)


def test_only_an_admin_of_the_same_organisation_manages_accounts(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    create_user(sessions, email="p@b.nl", password=PASSWORD, role=Role.PLANNER, now=NOW)
    create_user(sessions, email="a@b.nl", password=PASSWORD, role=Role.ADMIN, now=NOW)
    other = create_organisation(sessions, "ander", name="Ander", now=NOW)
    stranger = create_user(
        sessions,
        email="x@b.nl",
        password=PASSWORD,
        role=Role.PLANNER,
        now=NOW,
        organisation="ander",
    )
    assert stranger.organisation_id == other.id
    planner, admin = _principal(sessions, "p@b.nl"), _principal(sessions, "a@b.nl")
    with pytest.raises(PermissionDeniedError, match="admin"):
        set_active(sessions, planner, user_id=admin.user_id, active=False, now=NOW)
    with pytest.raises(PermissionDeniedError, match="admin"):
        reset_password(sessions, planner, user_id=admin.user_id, now=NOW)
    with pytest.raises(NotFoundError):
        set_active(sessions, admin, user_id=stranger.id, active=False, now=NOW)
    with pytest.raises(NotFoundError):
        reset_password(sessions, admin, user_id=stranger.id, now=NOW)


def test_a_reset_gives_a_random_password_once_and_ends_the_sessions(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    create_user(sessions, email="a@b.nl", password=PASSWORD, role=Role.ADMIN, now=NOW)
    user = create_user(sessions, email="f@b.nl", password=PASSWORD, role=Role.PLANNER, now=NOW)
    admin = _principal(sessions, "a@b.nl")
    _, open_session = authenticate(sessions, email="f@b.nl", password=PASSWORD, now=NOW)
    _, first = reset_password(sessions, admin, user_id=user.id, now=NOW)
    _, second = reset_password(sessions, admin, user_id=user.id, now=NOW)
    assert len(first) >= 16
    assert first != second
    with pytest.raises(AuthenticationError):
        principal_for_token(sessions, open_session.token, now=NOW)
    with pytest.raises(AuthenticationError):
        authenticate(sessions, email="f@b.nl", password=first, now=NOW)
    authenticate(sessions, email="f@b.nl", password=second, now=NOW)
    with sessions() as session:
        assert second not in session.scalars(select(User.password_hash)).all()
    with pytest.raises(PermissionDeniedError, match="account page"):
        reset_password(sessions, admin, user_id=admin.user_id, now=NOW)


def test_the_operator_sets_a_password_and_stops_a_user_by_e_mail(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    create_user(sessions, email="a@b.nl", password=PASSWORD, role=Role.ADMIN, now=NOW)
    _, open_session = authenticate(sessions, email="a@b.nl", password=PASSWORD, now=NOW)
    with pytest.raises(InputError, match="12 characters"):
        set_password_by_email(sessions, "a@b.nl", password="short", now=NOW)
    set_password_by_email(sessions, " A@b.nl", password="the way back in!", now=NOW)
    with pytest.raises(AuthenticationError):
        principal_for_token(sessions, open_session.token, now=NOW)
    authenticate(sessions, email="a@b.nl", password="the way back in!", now=NOW)
    assert not set_active_by_email(sessions, "a@b.nl", active=False, now=NOW).active
    with pytest.raises(AuthenticationError):
        authenticate(sessions, email="a@b.nl", password="the way back in!", now=NOW)
    with pytest.raises(NotFoundError):
        set_active_by_email(sessions, "nobody@b.nl", active=True, now=NOW)
