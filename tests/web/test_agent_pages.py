"""The agent's own schedule, requests, absences and calendar feed; never anyone else's."""

from __future__ import annotations

import re

import icalendar
from fastapi.testclient import TestClient

from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def _feed_path(page: str) -> str:
    """The whole feed address on the page, language included."""
    match = re.search(r'value="http://testserver(/me/calendar\.ics\?[^"]+)"', page)
    assert match, "no calendar address on the page"
    return match.group(1).replace("&amp;", "&")


def test_an_agent_sees_their_shifts_of_this_week_and_next_with_activities(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    page = browser_client.get("/my/schedule", headers=EN).text
    # Week 13: Tuesday 17 and Friday 20 March; week 14: Tuesday 24 March.
    assert page.count('class="card day') == 3
    assert "Tuesday, March 17" in page
    assert "Friday, March 20" in page
    assert "Tuesday, March 24" in page
    # Week 14's shift starts 07:00 UTC, 08:00 in Amsterdam; its break is 09:00-09:15 UTC.
    assert "08:00 – 16:00" in page
    assert "10:00–10:15" in page
    assert "Break" in page
    assert "Lunch" in page
    assert "at the office" in page


def test_an_agent_never_sees_another_agents_shift(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent2")
    page = browser_client.get("/my/schedule", headers=EN).text
    # Bram has shifts on 17, 19 and 21 March and no share in Anouk's week-14 shift or her
    # requests.
    assert page.count('class="card day') == 3
    assert "Tuesday, March 24" not in page
    assert "Anouk" not in page
    assert "tandarts" not in page
    assert "Break" not in page


def test_the_calendar_feed_holds_only_the_agents_own_published_shifts(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    path = _feed_path(browser_client.get("/my/schedule").text)
    browser_client.cookies.clear()  # a calendar app has no session
    response = browser_client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [e.decoded("dtstart").isoformat() for e in events] == [
        "2020-03-17T08:00:00+00:00",
        "2020-03-20T08:00:00+00:00",
        "2020-03-24T07:00:00+00:00",
    ]
    assert "10:00-10:15 Break (office)" in str(events[2].get("description"))


def test_the_feed_address_of_a_dutch_page_gives_a_dutch_calendar(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    english = browser_client.get("/my/schedule", headers={"Accept-Language": "en"}).text
    dutch = browser_client.get("/my/schedule", headers={"Accept-Language": "nl"}).text
    assert "lang=" not in _feed_path(english)
    path = _feed_path(dutch)
    assert path.endswith("&lang=nl")
    browser_client.cookies.clear()  # a calendar app has no session and no Accept-Language
    calendar = icalendar.Calendar.from_ical(browser_client.get(path).content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert {str(e.get("summary")) for e in events} == {"Dienst"}
    assert "10:00-10:15 Pauze (kantoor)" in str(events[2].get("description"))


def test_a_feed_address_opens_no_other_users_calendar(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    path = _feed_path(browser_client.get("/my/schedule").text)
    browser_client.cookies.clear()
    other_user = web_world.base.user_ids["agent2"]
    forged = re.sub(r"user=\d+", f"user={other_user}", path)
    assert browser_client.get(forged).status_code == 404
    assert browser_client.get(re.sub(r"key=\w+", "key=" + "0" * 40, path)).status_code == 404
    assert browser_client.get("/me/calendar.ics").status_code == 303  # to the login page


def test_the_feed_also_opens_with_the_session(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent2")
    calendar = icalendar.Calendar.from_ical(browser_client.get("/me/calendar.ics").content)
    assert len(calendar.walk("VEVENT")) == 3  # Bram's 17, 19 and 21 March


def test_an_agent_asks_for_time_off_with_the_form(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    response = browser_client.post(
        "/my/time-off",
        data={"first_day": "2020-05-04", "last_day": "2020-05-06", "reason": "vakantie",
              "csrf_token": csrf},
        headers={"HX-Request": "true", **EN},
    )  # fmt: skip
    assert response.status_code == 200
    assert 'id="my-requests"' in response.text
    assert "May 4, 2020 – May 6, 2020" in response.text
    assert "vakantie" in response.text
    api = browser_client.get("/api/v1/requests").json()
    mine = [r for r in api if r["reason"] == "vakantie"]
    # Whole local days: from midnight in Amsterdam (CEST, UTC+2) to the midnight after.
    assert mine[0]["starts_at"].startswith("2020-05-03T22:00:00")
    assert mine[0]["ends_at"].startswith("2020-05-06T22:00:00")


def test_a_bad_time_off_form_names_the_field(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    response = browser_client.post(
        "/my/time-off",
        data={"first_day": "2020-05-06", "last_day": "04-05-2020", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Last day: &#39;04-05-2020&#39; is not a date (YYYY-MM-DD)" in response.text
    reversed_days = browser_client.post(
        "/my/time-off",
        data={"first_day": "2020-05-06", "last_day": "2020-05-04", "csrf_token": csrf},
    )
    assert reversed_days.status_code == 422
    assert "before the first day" in reversed_days.text


def test_an_agent_sees_their_own_absences(browser_client: TestClient, web_world: WebWorld) -> None:
    log_in(browser_client, web_world, "agent")
    page = browser_client.get("/my/schedule", headers=EN).text
    assert "Sick: Mar 6, 2020 – Mar 8, 2020" in page


def test_a_swap_shows_once_in_the_swaps_section_not_under_my_requests(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    page = browser_client.get("/my/schedule", headers=EN).text
    requests = page[page.index('id="my-requests"') : page.index('id="my-swaps"')]
    swaps = page[page.index('id="my-swaps"') :]
    assert "Time off" in requests
    assert "Shift swap" not in requests
    assert f'id="swap-{web_world.cas.team_swap_id}"' in swaps  # taken from Cas, waiting
    assert f'id="swap-{web_world.base.own_swap_id}"' in swaps  # my own offer
    fragment = browser_client.post(
        "/my/time-off",
        data={"first_day": "2020-05-11", "last_day": "2020-05-11",
              "csrf_token": browser_client.cookies.get("bezetting_csrf") or ""},
        headers={"HX-Request": "true", **EN},
    )  # fmt: skip
    assert fragment.status_code == 200
    assert "Shift swap" not in fragment.text


def test_renewing_the_calendar_address_stops_the_old_one_after_a_confirmation(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    for headers, words in (
        (EN, ("Renew the address", "Stop this address and make a new one", "Copy")),
        (NL, ("Nieuw adres maken", "Dit adres stoppen en een nieuw maken", "Kopiëren")),
    ):
        page = browser_client.get("/my/schedule", headers=headers).text
        calendar = page[
            page.index('id="calendar"') : page.index("</section>", page.index('id="calendar"'))
        ]
        for word in words:
            assert word in calendar
        # the renew button is inside a <details> that is closed: a second click confirms
        assert re.search(r"<details class=\"renew\">\s*<summary>", calendar)
        assert 'data-copy="feed-url"' in calendar
        assert 'id="feed-url"' in calendar
    old = _feed_path(browser_client.get("/my/schedule", headers=EN).text)
    renewed = browser_client.post("/my/calendar/renew", data={"csrf_token": csrf})
    assert renewed.status_code == 303
    assert renewed.headers["location"] == "/my/schedule#calendar"
    new = _feed_path(browser_client.get("/my/schedule", headers=EN).text)
    assert new != old
    assert new.split("key=")[0] == old.split("key=")[0]  # the same user, a new key
    browser_client.cookies.clear()  # a calendar app has no session
    assert browser_client.get(old).status_code == 404
    assert browser_client.get(new).status_code == 200


def test_renewing_needs_the_forms_token(browser_client: TestClient, web_world: WebWorld) -> None:
    log_in(browser_client, web_world, "agent")
    before = _feed_path(browser_client.get("/my/schedule", headers=EN).text)
    assert browser_client.post("/my/calendar/renew", data={}).status_code == 403
    assert _feed_path(browser_client.get("/my/schedule", headers=EN).text) == before
