"""Accounts on the pages: everyone changes their own password; the admin creates accounts,
stops and restores users and gives new passwords, each shown once. Without JavaScript."""

from __future__ import annotations

import base64
import re

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, WebWorld, log_in

NEW = "a new and long passphrase"


def _log_in_with(client: TestClient, email: str, password: str) -> int:
    client.get("/login")
    token = client.cookies.get("bezetting_login_csrf")
    answer = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token or ""}
    )
    return answer.status_code


def test_every_role_finds_its_account_page(browser_client: TestClient, web_world: WebWorld) -> None:
    for who in ("admin", "planner", "team_lead", "agent", "client_viewer"):
        browser_client.cookies.clear()
        log_in(browser_client, web_world, who)
        page = browser_client.get("/account", headers={"Accept-Language": "en"})
        assert page.status_code == 200
        assert 'href="/account"' in page.text
        assert web_world.base.emails[who] in page.text


def test_an_agent_changes_their_password_and_their_other_session_ends(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    other = TestClient(browser_client.app, follow_redirects=False)
    log_in(other, web_world, "agent")
    csrf = log_in(browser_client, web_world, "agent")
    changed = browser_client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": NEW,
            "repeat_password": NEW,
        },
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == "/account?changed=1"
    page = browser_client.get(changed.headers["location"], headers={"Accept-Language": "en"})
    assert "Your password is changed." in page.text
    assert "1 other session of yours was logged out." in page.text
    assert other.get("/my/schedule").status_code == 303  # to the login page
    email = web_world.base.emails["agent"]
    assert _log_in_with(TestClient(browser_client.app, follow_redirects=False), email, NEW) == 303


def _refused_then_shown(client: TestClient, answer: object, language: str) -> tuple[int, str]:
    """A refused plain post comes back by Post/Redirect/Get: the page it points to, shown once
    with the post's status (so reloading sends nothing)."""
    assert answer.status_code == 303  # type: ignore[attr-defined]
    page = client.get(answer.headers["location"], headers={"Accept-Language": language})  # type: ignore[attr-defined]
    return page.status_code, page.text


def test_a_refused_change_says_why_at_the_form_and_never_keeps_a_password(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    differ = browser_client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": NEW,
            "repeat_password": NEW + "!",
        },
        headers={"Accept-Language": "nl"},  # the refusal is written in the post's language
    )
    kept = browser_client.cookies.get("bezetting_refused") or ""
    payload = base64.urlsafe_b64decode(kept.rpartition(".")[0].encode()).decode()
    for typed in (PASSWORD, NEW):
        assert typed not in payload  # not even in the signed cookie that carries the refusal
    status, page = _refused_then_shown(browser_client, differ, "nl")
    assert status == 422
    problem = re.search(r"id=\"form-problem\">([^<]*)<", page)
    assert problem is not None
    assert "twee nieuwe wachtwoorden verschillen" in problem.group(1).lower()
    wrong = browser_client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": "this is not it",
            "new_password": NEW,
            "repeat_password": NEW,
        },
    )
    status, wrong_page = _refused_then_shown(browser_client, wrong, "en")
    assert status == 422
    assert "the current password is not right" in wrong_page.lower()
    for typed in (PASSWORD, NEW, "this is not it"):
        assert typed not in page
        assert typed not in wrong_page


def test_the_admin_creates_an_account_whose_password_is_shown_once(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "admin")
    before = browser_client.get("/admin/users", headers={"Accept-Language": "en"}).text
    assert "1001 Anouk de Vries" in before  # who each account is for
    created = browser_client.post(
        "/admin/users",
        data={"csrf_token": csrf, "email": "Nieuw@Example.nl", "role": "team_lead", "team": "Zuid"},
        headers={"Accept-Language": "en"},
    )
    assert created.status_code == 200
    assert "Password for nieuw@example.nl" in created.text
    shown = re.search(r'<code class="password">([^<]+)</code>', created.text)
    assert shown is not None
    password = shown.group(1)
    again = browser_client.get("/admin/users").text
    assert password not in again  # once
    assert "nieuw@example.nl" in again
    assert "Zuid" in again
    fresh = TestClient(browser_client.app, follow_redirects=False)
    assert _log_in_with(fresh, "nieuw@example.nl", password) == 303
    assert fresh.get("/").headers["location"] == "/team"


def test_a_refused_account_keeps_what_was_typed(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "admin")
    taken = web_world.base.emails["planner"]
    refused = browser_client.post(
        "/admin/users",
        data={"csrf_token": csrf, "email": taken, "role": "agent", "agent": "1001"},
        headers={"Accept-Language": "nl"},
    )
    status, page = _refused_then_shown(browser_client, refused, "nl")
    assert status == 409
    assert 'id="form-problem"' in page
    assert f'value="{taken}"' in page
    assert "bestaat al" in page


def test_the_admin_stops_a_user_and_gives_a_new_password(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "admin")
    bram = web_world.base.user_ids["agent2"]
    email = web_world.base.emails["agent2"]
    stopped = browser_client.post(
        f"/admin/users/{bram}/active", data={"csrf_token": csrf, "active": "0"}
    )
    assert stopped.status_code == 303
    outsider = TestClient(browser_client.app, follow_redirects=False)
    assert _log_in_with(outsider, email, PASSWORD) != 303
    browser_client.post(f"/admin/users/{bram}/active", data={"csrf_token": csrf, "active": "1"})
    assert _log_in_with(outsider, email, PASSWORD) == 303
    reset = browser_client.post(
        f"/admin/users/{bram}/password",
        data={"csrf_token": csrf},
        headers={"Accept-Language": "en"},
    )
    shown = re.search(r'<code class="password">([^<]+)</code>', reset.text)
    assert shown is not None
    assert outsider.get("/my/schedule").status_code == 303  # the reset ended the session
    assert (
        _log_in_with(TestClient(outsider.app, follow_redirects=False), email, shown.group(1)) == 303
    )


def test_the_login_page_says_where_a_forgotten_password_is_renewed(
    browser_client: TestClient,
) -> None:
    page = browser_client.get("/login", headers={"Accept-Language": "nl"}).text
    assert "Wachtwoord vergeten? Uw beheerder geeft u een nieuw." in page


def test_the_users_page_shows_a_leavers_last_working_day(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    from datetime import date

    from bezetting.store import transaction
    from bezetting.store.models import Agent

    sessions = browser_client.app.state.bezetting.sessions  # type: ignore[attr-defined]
    with transaction(sessions, writes=True) as session:
        bram = session.get(Agent, web_world.base.agent_ids["1002"])
        assert bram is not None
        bram.end_date = date(2020, 3, 31)
    log_in(browser_client, web_world, "admin")
    page = browser_client.get("/admin/users", headers={"Accept-Language": "nl"}).text
    assert "laatste werkdag 31 mrt 2020" in page
