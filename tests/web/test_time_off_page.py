"""Time off on the agent's and team lead's pages: withdrawing a pending request, cancelling
approved time off, from today, at most the maximum length, overlaps said in the page's own
terms, one day named once; and an availability window whose end equals its start.

The pages' clock is Monday 16 March 2020, 08:00 in Amsterdam."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
HTMX = {"HX-Request": "true"}


def _ask(client: TestClient, csrf: str, first: str, last: str, language: dict[str, str]) -> str:
    response = client.post(
        "/my/time-off",
        data={"first_day": first, "last_day": last, "csrf_token": csrf},
        headers={**HTMX, **language},
    )
    return f"{response.status_code} {html.unescape(response.text)}"


def _own_request_ids(client: TestClient) -> set[int]:
    return {int(r["id"]) for r in client.get("/api/v1/requests").json()}


def test_an_agent_withdraws_their_pending_time_off(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    before = _own_request_ids(browser_client)
    asked = _ask(browser_client, csrf, "2020-03-19", "2020-03-19", EN)
    assert asked.startswith("200 ")
    (request_id,) = _own_request_ids(browser_client) - before
    withdraw = f"/my/time-off/{request_id}/withdraw"
    assert f'action="{withdraw}"' in asked

    withdrawn = browser_client.post(withdraw, data={"csrf_token": csrf}, headers={**HTMX, **EN})

    assert withdrawn.status_code == 200
    assert withdrawn.text.lstrip().startswith('<section class="card" id="my-requests">')
    assert f'action="{withdraw}"' not in withdrawn.text
    assert "badge-withdrawn" in withdrawn.text
    again = browser_client.post(withdraw, data={"csrf_token": csrf}, headers={**HTMX, **NL})
    assert again.status_code == 409
    assert "is al ingetrokken" in html.unescape(again.text)


def test_only_the_agents_own_pending_request_has_a_withdraw_button(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent2")
    page = browser_client.get("/my/schedule", headers=NL).text
    assert f"/my/time-off/{web_world.base.pending_request_id}/withdraw" in page  # Bram's own
    assert "Intrekken" in page
    assert f"/my/time-off/{web_world.team_request_id}/withdraw" not in page  # Anouk's
    others = browser_client.post(
        f"/my/time-off/{web_world.team_request_id}/withdraw",
        data={"csrf_token": csrf},
        headers=HTMX,
    )
    assert others.status_code == 404


def test_one_day_off_is_named_once_on_the_agents_and_team_leads_pages(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    asked = _ask(browser_client, csrf, "2020-03-19", "2020-03-19", EN)
    assert "Time off: Mar 19, 2020" in asked
    assert "Mar 19, 2020 \u2013 Mar 19, 2020" not in asked
    log_in(browser_client, web_world, "team_lead")
    team = html.unescape(browser_client.get("/team", headers=NL).text)
    assert "10 apr 2020" in team  # Anouk's day at the dentist, pending
    assert "10 apr 2020 \u2013 10 apr 2020" not in team


def test_time_off_may_start_today_but_not_yesterday(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    assert _ask(browser_client, csrf, "2020-03-16", "2020-03-16", EN).startswith("200 ")
    yesterday = _ask(browser_client, csrf, "2020-03-15", "2020-03-15", EN)
    assert yesterday.startswith("422 ")
    assert "First day: time off cannot start before today (Mar 16, 2020)" in yesterday
    dutch = _ask(browser_client, csrf, "2020-03-15", "2020-03-15", NL)
    assert "Eerste dag: verlof kan niet voor vandaag beginnen (16 mrt 2020)" in dutch
    page = browser_client.get("/my/schedule", headers=EN).text
    assert 'name="first_day" min="2020-03-16"' in page


def test_time_off_longer_than_the_maximum_is_refused_naming_the_last_day(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    english = _ask(browser_client, csrf, "2020-04-01", "2021-12-31", EN)
    assert english.startswith("422 ")
    assert (
        "Last day: time off is at most 42 days at once; Apr 1, 2020 to Dec 31, 2021 is 640 days"
    ) in english
    dutch = _ask(browser_client, csrf, "2020-04-01", "2021-12-31", NL)
    assert (
        "Laatste dag: verlof is ten hoogste 42 dagen achter elkaar; 1 apr 2020 tot en met "
        "31 dec 2021 is 640 dagen"
    ) in dutch
    longest = _ask(browser_client, csrf, "2020-06-01", "2020-07-12", EN)  # 42 days
    assert longest.startswith("200 ")


def test_an_overlap_names_the_other_time_off_by_its_days(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    assert _ask(browser_client, csrf, "2020-03-28", "2020-03-29", EN).startswith("200 ")
    english = _ask(browser_client, csrf, "2020-03-29", "2020-03-30", EN)
    assert english.startswith("422 ")
    assert "Overlaps your pending time off from Mar 28, 2020 to Mar 29, 2020" in english
    dutch = _ask(browser_client, csrf, "2020-03-29", "2020-03-30", NL)
    assert (
        "Overlapt met je verlof dat in behandeling is, van 28 mrt 2020 tot en met 29 mrt 2020"
    ) in dutch
    assert not re.search(r"aanvraag \d+|request \d+", english + dutch)  # no internal id


def test_a_team_lead_cancels_approved_time_off_that_has_not_started(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "team_lead")
    request_id = web_world.team_request_id
    decided = browser_client.post(
        f"/team/requests/{request_id}/decision",
        data={"decision": "approve", "csrf_token": csrf},
        headers={**HTMX, **EN},
    )
    assert f'action="/team/requests/{request_id}/cancel"' in decided.text  # a mis-click undone
    page = browser_client.get("/team", headers=NL).text
    assert "Goedgekeurd verlof dat nog komt" in page
    assert "Verlof annuleren" in page

    cancelled = browser_client.post(
        f"/team/requests/{request_id}/cancel",
        data={"csrf_token": csrf},
        headers={**HTMX, **EN},
    )

    assert cancelled.status_code == 200
    assert cancelled.text.strip().startswith(f'<li class="request" id="request-{request_id}"')
    assert "badge-cancelled" in cancelled.text
    assert "/cancel" not in cancelled.text
    assert "Goedgekeurd verlof dat nog komt" not in browser_client.get("/team", headers=NL).text
    again = browser_client.post(
        f"/team/requests/{request_id}/cancel", data={"csrf_token": csrf}, headers={**HTMX, **NL}
    )
    assert again.status_code == 409


def test_an_agent_cannot_cancel_through_the_team_page(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    response = browser_client.post(
        f"/team/requests/{web_world.team_request_id}/cancel", data={"csrf_token": csrf}
    )
    assert response.status_code == 403


def test_a_window_that_ends_when_it_starts_is_refused_naming_the_field(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")

    def declare(start: str, end: str, language: dict[str, str]) -> str:
        response = browser_client.post(
            "/my/availability",
            data={"kind": "preferred", "day": "2020-03-22", "from": start, "to": end,
                  "csrf_token": csrf},
            headers={**HTMX, **language},
        )  # fmt: skip
        return f"{response.status_code} {html.unescape(response.text)}"

    same = declare("10:00", "10:00", EN)
    assert same.startswith("422 ")
    assert "To: the end is the same as the start; choose a later time" in same
    assert "Tot: het einde is gelijk aan het begin" in declare("10:00", "10:00", NL)
    night = declare("22:00", "06:00", EN)  # an overnight window stays allowed
    assert night.startswith("200 ")
    assert "Sunday, March 22 22:00 \u2013 Monday, March 23 06:00" in night


def test_the_agent_reads_withdrawn_for_their_own_and_cancelled_by_whom_for_the_leads(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    lead = log_in(browser_client, web_world, "team_lead")
    request_id = web_world.team_request_id
    browser_client.post(
        f"/team/requests/{request_id}/decision",
        data={"decision": "approve", "csrf_token": lead},
        headers=HTMX,
    )
    cancelled = browser_client.post(
        f"/team/requests/{request_id}/cancel", data={"csrf_token": lead}, headers={**HTMX, **NL}
    )
    lead_email = web_world.base.emails["team_lead"]
    assert f"geannuleerd door {lead_email}" in cancelled.text
    csrf = log_in(browser_client, web_world, "agent")
    before = _own_request_ids(browser_client)
    assert _ask(browser_client, csrf, "2020-03-19", "2020-03-19", EN).startswith("200 ")
    (own,) = _own_request_ids(browser_client) - before
    browser_client.post(f"/my/time-off/{own}/withdraw", data={"csrf_token": csrf}, headers=HTMX)

    for language, withdrawn, by_lead in (
        (EN, "withdrawn", f"cancelled by {lead_email}"),
        (NL, "ingetrokken", f"geannuleerd door {lead_email}"),
    ):
        page = browser_client.get("/my/schedule", headers=language).text
        section = page[page.index('id="my-requests"') :]
        section = section[: section.index("</section>")]
        assert f'<span class="badge badge-withdrawn">{withdrawn}</span>' in section
        assert by_lead in section
    api = {r["id"]: r for r in browser_client.get("/api/v1/requests").json()}
    assert (api[own]["withdrawn"], api[own]["cancelled_by"]) == (True, None)
    assert (api[request_id]["withdrawn"], api[request_id]["cancelled_by"]) == (False, lead_email)


def test_a_planner_decides_and_cancels_time_off_of_every_team_from_the_time_off_page(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    page = browser_client.get("/time-off", headers=NL).text
    assert '<a href="/time-off" aria-current="page">Verlof</a>' in page  # in the navigation
    assert "<title>Verlof · bezetting</title>" in page
    assert "Openstaande aanvragen" in page
    anouk = web_world.team_request_id  # team Noord
    assert f'id="request-{anouk}"' in page
    assert "Bram Jansen" in page  # team Zuid: every team
    decided = browser_client.post(
        f"/time-off/requests/{anouk}/decision",
        data={"decision": "approve", "csrf_token": csrf},
        headers={**HTMX, **EN},
    )
    assert decided.status_code == 200, decided.text
    cancel = f"/time-off/requests/{anouk}/cancel"
    assert f'hx-post="{cancel}"' in decided.text
    # confirmed without JavaScript too: the cancelling button opens behind a second click
    assert '<details class="confirm">' in decided.text
    assert "Yes, cancel this time off" in decided.text
    ahead = browser_client.get("/time-off", headers=EN).text
    assert "Approved time off ahead" in ahead
    assert f'action="{cancel}"' in ahead

    cancelled = browser_client.post(cancel, data={"csrf_token": csrf}, headers={**HTMX, **EN})

    assert cancelled.status_code == 200, cancelled.text
    planner = web_world.base.emails["planner"]
    assert f"cancelled by {planner}" in cancelled.text
    assert f'action="{cancel}"' not in browser_client.get("/time-off", headers=EN).text
    # Without JavaScript, cancelling again comes back as the page, the reason at the top.
    again = browser_client.post(cancel, data={"csrf_token": csrf}, headers=EN)
    assert again.status_code == 409
    flash = again.text[again.text.index('<div id="flash"') :]
    assert "This time off is cancelled; only approved time off can be cancelled." in flash[:300]


def test_the_time_off_page_is_not_for_team_leads_agents_or_client_viewers(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    for who in ("team_lead", "agent", "client_viewer"):
        log_in(browser_client, web_world, who)
        assert browser_client.get("/time-off").status_code == 403
        assert 'href="/time-off"' not in browser_client.get("/", follow_redirects=True).text
