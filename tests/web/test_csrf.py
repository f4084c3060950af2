"""Every form post needs the session's CSRF token (a form field or the X-CSRF-Token header);
without it nothing changes. The login form has a token of its own."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, WebWorld, log_in


def _team_page(client: TestClient) -> str:
    return client.get("/team", headers={"Accept-Language": "en"}).text


@pytest.mark.parametrize(
    "sent",
    [{}, {"csrf_token": "0" * 64}, {"csrf_token": ""}],
    ids=["missing", "wrong", "empty"],
)
def test_a_decision_without_the_sessions_token_is_refused_and_changes_nothing(
    browser_client: TestClient, web_world: WebWorld, sent: dict[str, str]
) -> None:
    log_in(browser_client, web_world, "team_lead")
    response = browser_client.post(
        f"/team/requests/{web_world.team_request_id}/decision",
        data={"decision": "approve", **sent},
    )
    assert response.status_code == 403
    assert "security token" in response.text
    assert f'id="request-{web_world.team_request_id}"' in _team_page(browser_client)


def test_another_sessions_token_is_refused(
    site: object, browser_client: TestClient, web_world: WebWorld
) -> None:
    other = TestClient(browser_client.app, follow_redirects=False)
    their_token = log_in(other, web_world, "team_lead")
    log_in(browser_client, web_world, "team_lead")
    response = browser_client.post(
        f"/team/requests/{web_world.team_request_id}/decision",
        data={"decision": "approve", "csrf_token": their_token},
    )
    assert response.status_code == 403


def test_the_token_in_the_htmx_header_is_accepted(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "team_lead")
    response = browser_client.post(
        f"/team/requests/{web_world.team_request_id}/decision",
        data={"decision": "reject"},
        headers={"X-CSRF-Token": csrf, "HX-Request": "true", "Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "rejected" in response.text


def test_time_off_without_the_token_is_refused(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    response = browser_client.post(
        "/my/time-off", data={"first_day": "2020-05-04", "last_day": "2020-05-05"}
    )
    assert response.status_code == 403
    page = browser_client.get("/my/schedule", headers={"Accept-Language": "en"}).text
    assert "May 4, 2020" not in page


def test_logout_without_the_token_keeps_the_session(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    assert browser_client.post("/logout", data={}).status_code == 403
    assert browser_client.get("/my/schedule").status_code == 200


def test_a_login_post_without_the_forms_own_token_is_refused(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    browser_client.get("/login")
    response = browser_client.post(
        "/login",
        data={"email": "anouk@example.nl", "password": PASSWORD, "csrf_token": "forged"},
    )
    assert response.status_code == 403
    assert browser_client.cookies.get("bezetting_session") is None
