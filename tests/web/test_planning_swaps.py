"""Planners and admins decide the swaps two agents agreed on from the planning page, with the
same service, version check and labour rules as the team lead and the API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import WebWorld, log_in, version_shown

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
HTMX = {"HX-Request": "true"}


def _version_on_planning_page(client: TestClient, swap_id: int) -> str:
    return version_shown(client, "/planning", swap_id)


def test_the_planning_page_lists_the_swaps_waiting_for_a_decision(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "planner")
    page = browser_client.get("/planning", headers=EN).text
    swaps = page[page.index('id="swaps"') : page.index('id="start-forecast"')]
    swap = web_world.cas.team_swap_id
    assert "Swaps to decide" in swaps
    assert "<strong>Cas Bakker</strong> → <strong>Anouk de Vries</strong>" in swaps
    assert f'hx-post="/planning/swaps/{swap}/decision"' in swaps
    assert "tandarts" in swaps  # Cas's note
    dutch = browser_client.get("/planning", headers=NL).text
    assert "Ruilverzoeken om te beslissen" in dutch


@pytest.mark.parametrize("who", ["planner", "admin"])
def test_a_planner_or_admin_approves_a_swap_and_the_shift_moves(
    browser_client: TestClient, web_world: WebWorld, who: str
) -> None:
    swap, shift = web_world.cas.team_swap_id, web_world.cas.taken_shift_id
    csrf = log_in(browser_client, web_world, who)
    version = _version_on_planning_page(browser_client, swap)
    approved = browser_client.post(
        f"/planning/swaps/{swap}/decision",
        data={"decision": "approve", "schedule_version": version, "csrf_token": csrf},
        headers={**HTMX, **EN},
    )
    assert approved.status_code == 200, approved.text
    assert approved.text.startswith(f'<li class="request" id="team-swap-{swap}">')
    assert "badge-approved" in approved.text
    assert f'id="team-swap-{swap}"' not in browser_client.get("/planning").text
    browser_client.cookies.clear()
    log_in(browser_client, web_world, "agent")
    assert f'id="shift-{shift}"' in browser_client.get("/my/schedule").text


def test_a_stale_version_is_a_conflict_in_the_pages_language(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    swap = web_world.cas.team_swap_id
    csrf = log_in(browser_client, web_world, "planner")
    version = int(_version_on_planning_page(browser_client, swap))
    stale = browser_client.post(
        f"/planning/swaps/{swap}/decision",
        data={"decision": "approve", "schedule_version": str(version - 1), "csrf_token": csrf},
        headers={**HTMX, **NL},
    )
    assert stale.status_code == 409
    assert f"staat op versie {version}, niet {version - 1}" in stale.text
    assert f'id="team-swap-{swap}"' in browser_client.get("/planning").text  # still waiting


def test_a_plain_reject_returns_to_the_swaps_and_the_shift_stays(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    swap, shift = web_world.cas.team_swap_id, web_world.cas.taken_shift_id
    csrf = log_in(browser_client, web_world, "planner")
    response = browser_client.post(
        f"/planning/swaps/{swap}/decision", data={"decision": "reject", "csrf_token": csrf}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/planning#swaps"
    assert f'id="team-swap-{swap}"' not in browser_client.get("/planning").text
    browser_client.cookies.clear()
    log_in(browser_client, web_world, "cas")
    assert f'id="shift-{shift}"' in browser_client.get("/my/schedule").text
