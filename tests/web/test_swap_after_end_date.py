"""On the agent's page, taking a shift after one's last working day is refused with the reason,
in English and Dutch."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient

from bezetting.store import transaction
from bezetting.store.models import Agent
from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
HTMX = {"HX-Request": "true", **EN}


def test_taking_a_shift_after_the_last_working_day_is_refused_with_the_reason(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "cas")
    offered = browser_client.post(
        "/my/swaps", data={"shift_id": str(web_world.cas.free_shift_id), "csrf_token": csrf}
    )
    assert offered.status_code == 303, offered.text
    page = browser_client.get("/my/schedule", headers=EN).text
    swap = max(int(i) for i in re.findall(r'action="/my/swaps/(\d+)/withdraw"', page))
    sessions = browser_client.app.state.bezetting.sessions  # type: ignore[attr-defined]
    with transaction(sessions, writes=True) as session:
        anouk = session.get(Agent, web_world.base.agent_ids["1001"])
        assert anouk is not None
        anouk.end_date = date(2020, 3, 18)  # the offered shift is on Thursday 19 March
    browser_client.cookies.clear()
    csrf = log_in(browser_client, web_world, "agent")
    for headers, reason in (
        (HTMX, "After the last working day (employment ends)"),
        (NL, "Na de laatste werkdag (uit dienst)"),
    ):
        refused = browser_client.post(
            f"/my/swaps/{swap}/accept", data={"csrf_token": csrf}, headers=headers
        )
        assert refused.status_code == 422, refused.text
        if headers is HTMX:  # the swap section with its list of reasons
            reasons = re.search(r'<ul class="breaches">(.*?)</ul>', refused.text, re.S)
            assert reasons, refused.text
            assert reason in reasons.group(1)
        else:  # the offer is no longer listed to a leaver: the reasons stand at the top
            flash = refused.text.split('<div id="flash"', 1)[1].split("</div>", 1)[0]
            assert f"De ruil is geweigerd, om deze redenen: {reason}" in flash
