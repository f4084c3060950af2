"""What every form gets from the site, without JavaScript: a refused post shows its own page
with the reason next to the form and what was typed kept (on the planning page by a redirect,
so that reloading it sends nothing); the language switch on such a page
goes to a page that exists; a post after the session ended says so on the login page and leads
back to the form's page."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def _value(page: str, name: str) -> str | None:
    """The value attribute of the input called ``name`` (None when it has none)."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag is not None, name
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(found.group(1)) if found else None


def redirected_refusal(client: TestClient, answer: Any, headers: dict[str, str]) -> Any:
    """The page a refused plain post of the planning page redirects to (Post/Redirect/Get),
    opened as the browser does; the problem shows there once, with the post's status."""
    assert answer.status_code == 303, answer.text
    assert "bezetting_refused" in answer.headers["set-cookie"]
    return client.get(answer.headers["location"], headers=headers)


def _near(page: str, marker: str, text: str) -> bool:
    """Whether ``text`` appears in the form after ``marker`` (its action), before it closes."""
    start = page.index(marker)
    return text in page[start : page.index("</form>", start)]


def test_time_off_with_the_last_day_first_comes_back_as_the_page_with_the_form_filled_in(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    form = {
        "first_day": "2020-03-25",
        "last_day": "2020-03-24",
        "reason": "Bruiloft <zus>",
        "csrf_token": csrf,
    }
    for headers, said in (
        (EN, "Last day: Mar 24, 2020 is before the first day Mar 25, 2020"),
        (NL, "Laatste dag: 24 mrt 2020 ligt voor de eerste dag 25 mrt 2020"),
    ):
        refused = browser_client.post("/my/time-off", data=form, headers=headers)
        assert refused.status_code == 422
        page = refused.text
        assert 'id="my-requests"' in page
        assert 'id="my-swaps"' in page
        assert _near(page, 'action="/my/time-off"', html.escape(said, quote=False))
        assert _value(page, "first_day") == "2020-03-25"
        assert _value(page, "last_day") == "2020-03-24"
        assert _value(page, "reason") == "Bruiloft <zus>"
        assert "That did not work" not in page
        assert "Dat lukte niet" not in page
    requests = browser_client.get("/my/schedule", headers=EN).text
    assert "Bruiloft" not in requests  # nothing stored, and the form is empty again
    assert not _value(requests, "first_day")


def test_a_pulse_question_on_a_bad_scale_names_the_field_by_its_label_and_keeps_the_question(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    form = {"question": "Hoe druk was het?", "scale_max": "100", "csrf_token": csrf}
    form |= {"first_day": "2020-03-17", "last_day": "2020-03-20"}
    for headers, said in (
        (EN, "Scale 1 to: '100' is not a whole number from 2 to 10"),
        (NL, "Schaal 1 tot: '100' is geen heel getal van 2 tot en met 10"),
    ):
        referer = {"Referer": "http://testserver/planning?day=2020-03-17", **headers}
        answer = browser_client.post("/planning/surveys", data=form, headers=referer)
        assert answer.headers["location"] == "/planning?day=2020-03-17"
        refused = redirected_refusal(browser_client, answer, headers)
        assert refused.status_code == 422
        page = refused.text
        assert 'id="pulse"' in page
        assert 'id="schedules"' in page
        assert said in html.unescape(page)
        assert "scale_max:" not in page
        assert _value(page, "question") == "Hoe druk was het?"
        assert _value(page, "scale_max") == "100"
        assert _value(page, "last_day") == "2020-03-20"
        # the language switch goes back to the planning page, never to the posted address
        assert "next=/planning%3Fday%3D2020-03-17" in page
        assert "next=/planning/surveys" not in page
    htmx = browser_client.post(
        "/planning/surveys", data={**form, "scale_max": "1"}, headers={"HX-Request": "true", **NL}
    )
    assert htmx.status_code == 422
    assert "Schaal 1 tot: '1' is geen heel getal" in html.unescape(htmx.text)


def test_a_refused_post_of_a_form_that_does_not_show_problems_itself_says_it_at_the_top(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    refused = browser_client.post(
        "/my/swaps", data={"shift_id": "", "csrf_token": csrf}, headers=EN
    )
    assert refused.status_code == 422
    flash = re.search(r'<div id="flash"[^>]*>(.*?)</div>', refused.text, re.S)
    assert flash is not None
    assert "Choose the shift to offer." in flash.group(1)
    assert 'id="my-requests"' in refused.text


def test_the_language_switch_on_the_wrong_password_page_stays_on_the_login_page(
    browser_client: TestClient,
) -> None:
    browser_client.get("/login")
    token = browser_client.cookies.get("bezetting_login_csrf")
    wrong = browser_client.post(
        "/login", data={"email": "x@example.nl", "password": "no", "csrf_token": token or ""}
    )
    assert wrong.status_code == 401
    assert 'href="/language/nl?next=/login"' in wrong.text
    switched = browser_client.get("/language/nl?next=/login")
    assert switched.headers["location"] == "/login"


def test_a_form_sent_after_logging_out_elsewhere_says_so_and_leads_back_to_its_page(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    browser_client.post("/logout", data={"csrf_token": csrf})  # in "another tab"
    form = {"first_day": "2020-03-25", "last_day": "2020-03-26", "csrf_token": csrf}
    sent = browser_client.post(
        "/my/time-off", data=form, headers={"Referer": "http://testserver/my/schedule"}
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/login?unsent=1&next=/my/schedule"
    for headers, said in (
        (EN, "Your session had ended, so the form was not sent."),
        (NL, "Je sessie was afgelopen, dus het formulier is niet verstuurd."),
    ):
        login = browser_client.get(sent.headers["location"], headers=headers).text
        assert said in login
        assert 'name="next" value="/my/schedule"' in login
    htmx = browser_client.post("/planning/surveys", data=form, headers={"HX-Request": "true"})
    assert htmx.status_code == 401
    assert htmx.headers["HX-Redirect"] == "/login?unsent=1&next=/planning"
    plain = browser_client.get("/login", headers=EN).text
    assert "form was not sent" not in plain
    again = browser_client.post("/logout", data={"csrf_token": csrf})  # a second Log out
    assert again.headers["location"] == "/login?next=/"


def test_the_language_switch_never_sends_back_to_an_address_that_takes_posts_only(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    switched = browser_client.get("/language/nl?next=/my/time-off")
    assert switched.headers["location"] == "/"
    page = browser_client.get("/language/nl?next=/planning%3Fday%3D2020-03-17")
    assert page.headers["location"] == "/planning?day=2020-03-17"
    assert browser_client.get("/language/en?next=/nowhere").headers["location"] == "/nowhere"


def test_a_new_schedule_with_too_many_weeks_keeps_its_form_and_leaves_the_others_alone(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    form = {"first_day": "2020-04-06", "weeks": "9", "time_limit_seconds": "30", "name": "Zomer"}
    answer = browser_client.post(
        "/planning/jobs/schedule", data={**form, "csrf_token": csrf}, headers=NL
    )
    refused = redirected_refusal(browser_client, answer, NL)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    schedule = page[page.index('id="start-schedule"') :]
    assert "Weken: '9' is geen heel getal" in schedule[: schedule.index("</form>")]
    for field, value in form.items():
        assert _value(schedule, field) == value
    forecast = page[page.index('id="start-forecast"') : page.index('id="start-schedule"')]
    assert _value(forecast, "days") == "28"  # the other form is as it always is
    assert 'role="alert"' not in forecast
    flash = re.search(r'<div id="flash"[^>]*>(.*?)</div>', page, re.S)
    assert flash is not None
    # said at its form; the top, where the page opens, points there
    assert "Weken" not in flash.group(1)
    pointer = 'href="#form-problem">Niet verstuurd: zie bij het formulier waarom.</a>'
    assert pointer in flash.group(1)
    assert 'id="form-problem"' in schedule[: schedule.index("</form>")]


def _refused_new_schedule(client: TestClient, web_world: WebWorld) -> Any:
    """A planner's plain post of a new schedule of 9 weeks (at most 6): the redirect."""
    csrf = log_in(client, web_world, "planner")
    form = {"first_day": "2020-04-06", "weeks": "9", "name": "Zomer", "csrf_token": csrf}
    return client.post("/planning/jobs/schedule", data=form, headers=EN)


def test_reloading_a_refused_planning_form_sends_nothing_and_shows_the_page_as_it_is(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    answer = _refused_new_schedule(browser_client, web_world)
    refused = redirected_refusal(browser_client, answer, EN)
    assert refused.status_code == 422
    assert "Weeks: '9' is not a whole number" in html.unescape(refused.text)
    again = browser_client.get(answer.headers["location"], headers=EN)  # F5: a GET, once more
    assert again.status_code == 200
    assert "Weeks: '9'" not in html.unescape(again.text)
    assert _value(again.text, "name") in (None, "")  # the form as it always is


def _set_refusal(client: TestClient, value: str) -> None:
    """Put ``value`` in the browser's refusal cookie, in place of any it has."""
    domains = {c.domain for c in client.cookies.jar if c.name == "bezetting_refused"}
    for domain in domains:
        client.cookies.delete("bezetting_refused", domain=domain)
    client.cookies.set("bezetting_refused", value, domain=next(iter(domains), ""))


def test_a_kept_refusal_is_shown_only_to_its_session_and_only_as_it_was_signed(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    answer = _refused_new_schedule(browser_client, web_world)
    kept = browser_client.cookies.get("bezetting_refused")
    assert kept
    payload, _, signature = kept.rpartition(".")
    _set_refusal(browser_client, f"{payload}.{'0' * len(signature)}")
    forged = browser_client.get(answer.headers["location"], headers=EN)
    assert forged.status_code == 200
    assert "Zomer" not in forged.text
    _set_refusal(browser_client, kept)
    genuine = browser_client.get(answer.headers["location"], headers=EN)
    assert genuine.status_code == 422  # as signed, for this session: shown
    assert "Zomer" in genuine.text
    log_in(browser_client, web_world, "planner")  # a new session: the old refusal is not its own
    _set_refusal(browser_client, kept)
    other = browser_client.get(answer.headers["location"], headers=EN)
    assert other.status_code == 200
    assert "Zomer" not in other.text
