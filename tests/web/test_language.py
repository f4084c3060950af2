"""Dutch or English, from the browser's Accept-Language or the switch; Dutch formats in nl."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from bezetting.web.i18n import Formats, choose_language
from tests.web.conftest import WebWorld, log_in


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, "nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        (None, "nl-BE", "nl"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "fr-FR,de;q=0.7", "en"),
        (None, "fr, nl;q=0.5", "nl"),
        (None, "nl;q=0, en", "en"),
        (None, None, "en"),
        ("nl", "en-GB", "nl"),
        ("xx", "nl", "nl"),
    ],
)
def test_the_language_follows_the_switch_then_the_browser(
    cookie: str | None, header: str | None, expected: str
) -> None:
    assert choose_language(cookie=cookie, accept_language=header) == expected


def test_the_login_page_speaks_the_browsers_language(browser_client: TestClient) -> None:
    dutch = browser_client.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    english = browser_client.get("/login", headers={"Accept-Language": "en-US"})
    assert "Inloggen" in dutch.text
    assert 'lang="nl"' in dutch.text
    assert "Wachtwoord" in dutch.text
    assert "Log in" in english.text
    assert "Password" in english.text
    assert "Inloggen" not in english.text


def test_the_switch_overrides_the_browser_and_returns_to_the_page(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    response = browser_client.get("/language/nl", params={"next": "/my/schedule"})
    assert response.status_code == 303
    assert response.headers["location"] == "/my/schedule"
    page = browser_client.get("/my/schedule", headers={"Accept-Language": "en-GB"}).text
    assert "Mijn rooster" in page
    assert "Verlof aanvragen" in page
    browser_client.get("/language/en", params={"next": "/my/schedule"})
    page = browser_client.get("/my/schedule", headers={"Accept-Language": "nl"}).text
    assert "My schedule" in page
    assert "Ask for time off" in page


def test_the_switch_never_redirects_off_the_site(browser_client: TestClient) -> None:
    response = browser_client.get("/language/nl", params={"next": "https://evil.example/"})
    assert response.headers["location"] == "/"


def test_times_are_local_and_dates_dutch_in_nl(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    dutch = browser_client.get("/my/schedule", headers={"Accept-Language": "nl"}).text
    english = browser_client.get("/my/schedule", headers={"Accept-Language": "en"}).text
    # The shift starts at 08:00 UTC on 17 March 2020: 09:00 in Amsterdam (CET).
    assert "dinsdag 17 maart" in dutch
    assert "09:00 – 17:00" in dutch
    assert "Tuesday, March 17" in english
    assert "16 mrt 2020" in dutch
    assert "Mar 16, 2020" in english


def test_a_moment_reads_in_the_pages_language_on_a_24_hour_clock() -> None:
    moment = datetime(2020, 3, 16, 7, 15, tzinfo=UTC)  # 08:15 in Amsterdam
    assert Formats("en").datetime(moment) == "Mar 16, 2020, 08:15"
    assert Formats("nl").datetime(moment) == "16-03-2020, 08:15"
    week_ends = datetime(2020, 3, 22, 23, 0, tzinfo=UTC)  # Monday 23 March, 00:00 in Amsterdam
    assert Formats("en").days(moment, week_ends) == "Mar 16, 2020 – Mar 22, 2020"
    assert Formats("nl").days(moment, week_ends) == "16 mrt 2020 – 22 mrt 2020"


@pytest.mark.parametrize(
    ("method", "address", "status", "dutch"),
    [
        ("get", "/nope", 404, "Op dit adres staat geen pagina."),
        ("get", "/planning?queue=abc", 422, "In dit adres staat een waarde"),
        ("put", "/login", 405, "Dit adres neemt dit soort verzoek niet aan."),
    ],
)
def test_an_address_that_fails_is_a_page_in_the_viewers_language_never_json(
    browser_client: TestClient, web_world: WebWorld, method: str, address: str, status: int,
    dutch: str,
) -> None:  # fmt: skip
    log_in(browser_client, web_world, "planner")
    answer = browser_client.request(method, address, headers={"Accept-Language": "nl"})
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert dutch in answer.text
    assert "Planning" in answer.text, "with the viewer's navigation"
    api = browser_client.request(method, "/api/v1" + address)
    assert api.headers["content-type"].startswith("application/json")
