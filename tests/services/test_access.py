"""What each role may see: an agent only themself, and no queues."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bezetting.services.access import (
    merged_blocks,
    visible_agent,
    visible_agents,
    visible_queues,
)
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.organisations import OrganisationRef
from bezetting.services.users import create_user, issue_token, principal_for_token
from bezetting.store import SessionFactory
from bezetting.store.enums import Role, TokenScope
from tests.services.conftest import NOW

PASSWORD = "correct horse battery staple"


def test_an_agent_sees_only_themself_and_no_queues(
    sessions: SessionFactory, organisation: OrganisationRef, agent_ids: dict[str, int]
) -> None:
    user = create_user(
        sessions,
        email="anouk@b.nl",
        password=PASSWORD,
        role=Role.AGENT,
        now=NOW,
        agent_external_id="1001",
    )
    issued = issue_token(
        sessions,
        user_id=user.id,
        organisation_id=organisation.id,
        scope=TokenScope.API,
        label="phone",
        now=NOW,
    )
    who = principal_for_token(sessions, issued.token, now=NOW)
    assert [a.external_id for a in visible_agents(sessions, who)] == ["1001"]
    with pytest.raises(NotFoundError):
        visible_agent(sessions, who, agent_ids["1002"])
    with pytest.raises(PermissionDeniedError):
        visible_queues(sessions, who)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2020, 3, 16, hour, minute, tzinfo=UTC)


def test_quarter_hours_of_work_on_several_skills_read_as_one_block_to_the_agent() -> None:
    stored = [
        ("contact_work", _at(9), _at(9, 15), "home"),  # skill bijstand
        ("contact_work", _at(9, 15), _at(9, 30), "home"),  # skill chat
        ("contact_work", _at(9, 30), _at(11), "home"),
        ("break", _at(11), _at(11, 15), "home"),
        ("contact_work", _at(11, 15), _at(12), "home"),
        ("contact_work", _at(12), _at(13), "office"),  # another place: its own block
    ]
    assert merged_blocks(stored) == (
        ("contact_work", _at(9), _at(11), "home"),
        ("break", _at(11), _at(11, 15), "home"),
        ("contact_work", _at(11, 15), _at(12), "home"),
        ("contact_work", _at(12), _at(13), "office"),
    )


def test_blocks_with_a_gap_between_them_stay_apart() -> None:
    apart = [("training", _at(9), _at(10), "home"), ("training", _at(10, 15), _at(11), "home")]
    assert merged_blocks(apart) == tuple(apart)
