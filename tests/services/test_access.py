"""What each role may see: an agent only themself, and no queues."""

from __future__ import annotations

import pytest

from bezetting.services.access import visible_agent, visible_agents, visible_queues
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
