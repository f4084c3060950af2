"""The team lead's page: their own team only, decisions by HTMX, figures computed by hand."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from tests.web.conftest import Clock, WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def test_a_team_lead_sees_only_their_team_and_its_open_requests(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "team_lead")
    page = browser_client.get("/team", headers=EN).text
    assert "My team: Noord" in page
    assert "Anouk de Vries" in page
    assert "Bram Jansen" not in page  # team Zuid, with a pending request and sick today
    assert f'id="request-{web_world.team_request_id}"' in page
    assert f'id="request-{web_world.base.pending_request_id}"' not in page
    assert "Nobody is absent today." in page


def test_team_figures_match_a_hand_count(browser_client: TestClient, web_world: WebWorld) -> None:
    log_in(browser_client, web_world, "team_lead")
    page = browser_client.get("/team", headers=NL).text
    # Noord has two agents (Anouk and Cas); Anouk was sick from 6 March 08:00 to 8 March 08:00
    # (local): three of the 2 x 28 agent-days before 16 March touch the absence, 3/56 = 5.4%;
    # one report over two agents, 0.50 per agent.
    assert "5,4%" in page
    assert "0,50" in page
    # Five answers 4, 5, 3, 4, 4 on a 1-5 scale: shares .75, 1, .5, .75, .75; mean 75%.
    assert "75%" in page
    assert "5 anonieme antwoorden" in page


def test_a_team_lead_approves_with_htmx_and_gets_the_decided_row(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "team_lead")
    path = f"/team/requests/{web_world.team_request_id}/decision"
    response = browser_client.post(
        path,
        data={"decision": "approve", "csrf_token": csrf},
        headers={"HX-Request": "true", **EN},
    )
    assert response.status_code == 200
    assert response.text.strip().startswith('<li class="request" id="request-')
    assert "badge-approved" in response.text
    assert "<html" not in response.text
    again = browser_client.post(
        path, data={"decision": "reject", "csrf_token": csrf}, headers={"HX-Request": "true"}
    )
    assert again.status_code == 409
    assert "approved already" in again.text
    assert again.headers["HX-Retarget"] == "#flash"  # the message goes above, the row stays
    assert "No open requests." in browser_client.get("/team", headers=EN).text


def test_a_team_lead_cannot_decide_for_another_team(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "team_lead")
    response = browser_client.post(
        f"/team/requests/{web_world.base.pending_request_id}/decision",
        data={"decision": "approve", "csrf_token": csrf},
    )
    assert response.status_code == 404
    assert "Bram" not in response.text
    log_in(browser_client, web_world, "planner")
    statuses = {r["id"]: r["status"] for r in browser_client.get("/api/v1/requests").json()}
    assert statuses[web_world.base.pending_request_id] == "pending"


def test_an_unknown_decision_is_named(browser_client: TestClient, web_world: WebWorld) -> None:
    csrf = log_in(browser_client, web_world, "team_lead")
    response = browser_client.post(
        f"/team/requests/{web_world.team_request_id}/decision",
        data={"decision": "maybe", "csrf_token": csrf},
    )
    assert response.status_code == 422
    assert "decision" in response.text


def _row(page: str, agent_id: int) -> str:
    match = re.search(rf'<tr id="agent-{agent_id}">(.*?)</tr>', page, flags=re.S)
    assert match is not None
    return match.group(1)


def test_the_team_list_shows_who_works_when_today(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    clock.advance(timedelta(days=1))  # Tuesday 17 March: Anouk's shift starts 09:00 local
    log_in(browser_client, web_world, "team_lead")
    page = browser_client.get("/team", headers=EN).text
    anouk = _row(page, web_world.base.agent_ids["1001"])
    starts = web_world.base.shift_start + timedelta(hours=1)  # UTC+1 in March
    assert f"{starts:%H:%M}–" in anouk
    assert "not scheduled" not in anouk
    cas = _row(page, web_world.cas.agent_id)  # Cas works Wednesday and later, not today
    assert "not scheduled" in cas
    dutch = browser_client.get("/team", headers=NL).text
    assert "niet ingeroosterd" in _row(dutch, web_world.cas.agent_id)
