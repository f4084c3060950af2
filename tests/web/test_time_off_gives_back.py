"""Time off on a day with a published shift: the team lead sees the shift it gives back before
approving; after approval the agent's page, calendar feed and swap offers agree."""

from __future__ import annotations

import re

import icalendar
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def _ask_thursday_off(site: FastAPI, web_world: WebWorld) -> None:
    """Cas asks for Thursday 19 March off, the day of his free shift 09:00-17:00."""
    cas = TestClient(site, follow_redirects=False)
    csrf = log_in(cas, web_world, "cas")
    asked = cas.post(
        "/my/time-off",
        data={"first_day": "2020-03-19", "last_day": "2020-03-19", "csrf_token": csrf},
    )
    assert asked.status_code == 303, asked.text


def _row(page: str, request_id: int) -> str:
    found = re.search(rf'<li class="request" id="request-{request_id}">.*?</li>', page, re.S)
    assert found, f"request {request_id} is not on the page"
    return re.sub(r"\s+", " ", found.group(0))


def _pending_id(page: str) -> int:
    ids = [int(i) for i in re.findall(r'id="request-(\d+)"', page)]
    return max(ids)


def test_the_team_lead_sees_the_shift_before_approving_and_approval_gives_it_back(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    _ask_thursday_off(site, web_world)
    csrf = log_in(browser_client, web_world, "team_lead")
    page = browser_client.get("/team", headers=EN).text
    request_id = _pending_id(page)
    assert "Gives back the shift Thursday, March 19 09:00 – 17:00" in _row(page, request_id)
    dutch = browser_client.get("/team", headers=NL).text
    assert "Geeft dienst donderdag 19 maart 09:00 – 17:00 terug" in _row(dutch, request_id)

    decided = browser_client.post(
        f"/team/requests/{request_id}/decision",
        data={"decision": "approve", "csrf_token": csrf},
        headers={"HX-Request": "true", **EN},
    )
    assert decided.status_code == 200
    assert "Gave back the shift Thursday, March 19 09:00 – 17:00" in decided.text
    assert "badge-approved" in decided.text

    cas = TestClient(site, follow_redirects=False)
    log_in(cas, web_world, "cas")
    schedule = re.sub(r"\s+", " ", cas.get("/my/schedule", headers=EN).text)
    assert "Thursday, March 19 09:00" not in schedule
    assert f'id="offer-{web_world.cas.free_shift_id}"' not in schedule
    calendar = icalendar.Calendar.from_ical(cas.get("/me/calendar.ics").content)
    starts = {str(e.get("DTSTART").dt.date()) for e in calendar.walk("VEVENT")}
    assert "2020-03-19" not in starts


def test_a_rejected_request_leaves_the_shift(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    _ask_thursday_off(site, web_world)
    csrf = log_in(browser_client, web_world, "team_lead")
    request_id = _pending_id(browser_client.get("/team", headers=EN).text)
    decided = browser_client.post(
        f"/team/requests/{request_id}/decision",
        data={"decision": "reject", "csrf_token": csrf},
        headers={"HX-Request": "true", **EN},
    )
    assert decided.status_code == 200
    assert "Gave back" not in decided.text
    assert "Gives back" not in decided.text
    cas = TestClient(site, follow_redirects=False)
    log_in(cas, web_world, "cas")
    assert f'id="offer-{web_world.cas.free_shift_id}"' in cas.get("/my/schedule").text
