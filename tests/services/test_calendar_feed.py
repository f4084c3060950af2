"""Renewing a calendar feed address: the old key stops working, a key never renewed stays the
one it always was, and only an agent has a feed to renew."""

from __future__ import annotations

import pytest

from bezetting.services.calendar_feed import feed_key, renew_feed_key
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.organisations import OrganisationRef
from bezetting.services.overview import calendar_feed_key
from bezetting.services.users import Principal, create_user
from bezetting.store import SessionFactory
from bezetting.store.enums import Role, TokenScope
from tests.services.conftest import NOW

SECRET = "s" * 40


def _principal(user_id: int, *, agent_id: int | None) -> Principal:
    return Principal(
        user_id=user_id,
        organisation_id=1,
        organisation_code="gemeente",
        email="x@example.nl",
        role=Role.AGENT if agent_id else Role.PLANNER,
        scope=TokenScope.SESSION,
        token_id=1,
        agent_id=agent_id,
    )


def test_a_renewed_key_replaces_the_old_one_and_an_unrenewed_key_is_unchanged(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    anouk = create_user(
        sessions, email="anouk@example.nl", password="x" * 12, role=Role.AGENT, now=NOW,
        agent_external_id="1001",
    )  # fmt: skip
    first = feed_key(sessions, SECRET, anouk.id)
    assert first == calendar_feed_key(SECRET, anouk.id)  # addresses given out before still work
    renew_feed_key(sessions, _principal(anouk.id, agent_id=agent_ids["1001"]))
    second = feed_key(sessions, SECRET, anouk.id)
    renew_feed_key(sessions, _principal(anouk.id, agent_id=agent_ids["1001"]))
    third = feed_key(sessions, SECRET, anouk.id)
    assert len({first, second, third}) == 3
    assert len(third) == 40


def test_only_an_agent_renews_and_an_unknown_user_has_no_key(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    planner = create_user(
        sessions, email="p@example.nl", password="x" * 12, role=Role.PLANNER, now=NOW
    )
    with pytest.raises(PermissionDeniedError):
        renew_feed_key(sessions, _principal(planner.id, agent_id=None))
    with pytest.raises(NotFoundError):
        feed_key(sessions, SECRET, 999_999)
