"""The team lead's page: their own team only, decisions by HTMX, figures computed by hand."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from bezetting.services.imports import ImportOptions, import_agents
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
    page = browser_client.get("/team", headers=EN).text
    assert f'action="{path}"' not in page  # no longer open: listed as approved time off ahead
    assert "Approved time off ahead" in page


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


def _absent_now(page: str, label: str) -> int:
    match = re.search(
        rf'<span class="value">(\d+)</span>\s*<span class="name">{label}</span>', page
    )
    assert match is not None
    return int(match.group(1))


def _absent_today(page: str) -> str:
    return page[
        page.index('id="absent-today"') : page.index("</ul>", page.index('id="absent-today"'))
    ]


def test_absent_now_counts_who_is_absent_and_lists_each_agent_once(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    # The review: the agent reports sick and better a second later, twice; the team lead
    # reports Cas sick and, an hour later, better.
    csrf = log_in(browser_client, web_world, "agent")
    htmx = {"HX-Request": "true", **EN}
    for _ in range(2):
        assert browser_client.post("/my/sick", data={"csrf_token": csrf}, headers=htmx).is_success
        clock.advance(timedelta(seconds=1))
        better = browser_client.post("/my/better", data={"csrf_token": csrf}, headers=htmx)
        assert "Your sick report was taken back" in better.text
        assert "No absences recorded." not in better.text  # the one of 6-8 March stays
        clock.advance(timedelta(minutes=1))
    csrf = log_in(browser_client, web_world, "team_lead")
    cas = web_world.cas.agent_id
    browser_client.post(f"/team/agents/{cas}/sick", data={"csrf_token": csrf})
    sick_page = browser_client.get("/team", headers=EN).text
    assert _absent_now(sick_page, "absent now") == 1
    assert "absent" in _row(sick_page, cas)
    assert f'action="/team/agents/{cas}/undo"' in _row(sick_page, cas)
    clock.advance(timedelta(hours=1))
    browser_client.post(f"/team/agents/{cas}/better", data={"csrf_token": csrf})

    page = browser_client.get("/team", headers=EN).text
    assert _absent_now(page, "absent now") == 0
    listed = _absent_today(page)
    assert listed.count("<li>") == 1
    assert "Cas Bakker" in listed
    assert "back" in listed
    assert "Anouk" not in listed, "reports taken back are no absences"
    assert "Mar 16, 2020, 08:02–09:02" in listed  # two minutes of clicking, then an hour
    for agent_id in (cas, web_world.base.agent_ids["1001"]):
        row = _row(page, agent_id)
        assert "badge-rejected" not in row
        assert f'action="/team/agents/{agent_id}/sick"' in row
        assert "/undo" not in row
    dutch = browser_client.get("/team", headers=NL).text
    assert _absent_now(dutch, "nu afwezig") == 0
    assert "terug" in _absent_today(dutch)


def test_a_team_lead_undoes_a_sick_report_within_ten_minutes_only(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    csrf = log_in(browser_client, web_world, "team_lead")
    cas = web_world.cas.agent_id
    browser_client.post(f"/team/agents/{cas}/sick", data={"csrf_token": csrf})
    clock.advance(timedelta(minutes=3))
    undone = browser_client.post(
        f"/team/agents/{cas}/undo", data={"csrf_token": csrf}, headers={"HX-Request": "true"}
    )
    assert undone.status_code == 200
    assert f'action="/team/agents/{cas}/sick"' in undone.text
    assert "Nobody is absent today." in browser_client.get("/team", headers=EN).text
    browser_client.post(f"/team/agents/{cas}/sick", data={"csrf_token": csrf})
    clock.advance(timedelta(minutes=10))
    assert "/undo" not in _row(browser_client.get("/team", headers=EN).text, cas)
    late = browser_client.post(
        f"/team/agents/{cas}/undo", data={"csrf_token": csrf}, headers={"HX-Request": "true", **NL}
    )
    assert late.status_code == 422
    assert "kan niet meer ongedaan worden gemaakt" in late.text
    assert _absent_now(browser_client.get("/team", headers=EN).text, "absent now") == 1


def _out_of_band(answer: str, element_id: str) -> str:
    """The element of an HTMX answer that HTMX puts in place of the page's ``element_id``."""
    match = re.search(rf'<(\w+)[^>]* id="{element_id}" hx-swap-oob="true">(.*?)</\1>', answer, re.S)
    assert match is not None, f"no out-of-band {element_id}"
    return match.group(0)


def test_reporting_sick_and_better_with_htmx_updates_the_count_and_the_absent_list(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    # The row alone was swapped: the page said "absent" in the row, "0 absent now" above it.
    csrf = log_in(browser_client, web_world, "team_lead")
    cas = web_world.cas.agent_id
    sick = browser_client.post(
        f"/team/agents/{cas}/sick", data={"csrf_token": csrf}, headers={"HX-Request": "true", **EN}
    )
    assert sick.status_code == 200
    assert sick.text.strip().startswith(f'<tr id="agent-{cas}">')  # the row first
    assert f'action="/team/agents/{cas}/better"' in _row(sick.text, cas)
    assert _absent_now(_out_of_band(sick.text, "team-absent-now"), "absent now") == 1
    listed = _out_of_band(sick.text, "team-absent-today")
    assert "Cas Bakker" in listed
    assert "badge-rejected" in listed  # marked absent now
    assert "Nobody is absent today." not in listed
    assert "<html" not in sick.text

    clock.advance(timedelta(hours=1))
    better = browser_client.post(
        f"/team/agents/{cas}/better",
        data={"csrf_token": csrf},
        headers={"HX-Request": "true", **NL},
    )
    assert better.status_code == 200
    assert _absent_now(_out_of_band(better.text, "team-absent-now"), "nu afwezig") == 0
    listed = _out_of_band(better.text, "team-absent-today")
    assert "Cas Bakker" in listed
    assert "terug" in listed  # back at work, still absent today
    assert "vergissing" not in better.text  # an hour of absence is kept


def test_report_better_within_ten_minutes_says_the_report_was_taken_back(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    csrf = log_in(browser_client, web_world, "team_lead")
    cas = web_world.cas.agent_id
    htmx = {"HX-Request": "true", **EN}
    browser_client.post(f"/team/agents/{cas}/sick", data={"csrf_token": csrf}, headers=htmx)
    clock.advance(timedelta(minutes=2))
    better = browser_client.post(
        f"/team/agents/{cas}/better", data={"csrf_token": csrf}, headers=htmx
    )
    row = _row(better.text, cas)
    assert "The sick report was taken back as a mistake" in row
    assert f'action="/team/agents/{cas}/sick"' in row
    assert _absent_now(_out_of_band(better.text, "team-absent-now"), "absent now") == 0
    assert "Nobody is absent today." in _out_of_band(better.text, "team-absent-today")
    page = browser_client.get("/team", headers=EN).text
    assert "taken back" not in page  # said once, in the answer to the click

    browser_client.post(f"/team/agents/{cas}/sick", data={"csrf_token": csrf}, headers=htmx)
    undone = browser_client.post(
        f"/team/agents/{cas}/undo", data={"csrf_token": csrf}, headers={"HX-Request": "true", **NL}
    )
    assert "De ziekmelding is als vergissing teruggenomen" in _row(undone.text, cas)
    assert _absent_now(_out_of_band(undone.text, "team-absent-now"), "nu afwezig") == 0


def test_a_leaver_shows_their_last_day_and_is_off_the_list_after_it(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    sessions = browser_client.app.state.bezetting.sessions  # type: ignore[attr-defined]
    import_agents(
        sessions,
        b"external_id,name,contract_hours,team,uit_dienst\n1003,Cas Bakker,32,Noord,17-03-2020\n",
        file_name="leaver.csv",
        now=clock.now(),
        options=ImportOptions(organisation="gemeente"),
    )
    log_in(browser_client, web_world, "team_lead")
    page = browser_client.get("/team", headers=EN).text
    assert "last day Mar 17, 2020" in _row(page, web_world.cas.agent_id)
    assert "last day" not in _row(page, web_world.base.agent_ids["1001"])
    dutch = browser_client.get("/team", headers=NL).text
    assert "laatste werkdag 17 mrt 2020" in _row(dutch, web_world.cas.agent_id)
    clock.advance(timedelta(days=2))  # Wednesday 18 March: Cas has left
    csrf = log_in(browser_client, web_world, "team_lead")  # the session expired meanwhile
    after = browser_client.get("/team", headers=EN).text
    assert f'id="agent-{web_world.cas.agent_id}"' not in after
    assert f'id="agent-{web_world.base.agent_ids["1001"]}"' in after
    # A page from before he left cannot report him sick.
    stale = browser_client.post(
        f"/team/agents/{web_world.cas.agent_id}/sick", data={"csrf_token": csrf}, headers=NL
    )
    assert stale.status_code == 422
    assert "uit dienst na de laatste werkdag, 17 mrt 2020" in stale.text
