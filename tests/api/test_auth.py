"""Logging in and out: session cookie flags, CSRF on unsafe methods, rate limit, tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bezetting.api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from tests.api.conftest import PASSWORD, World, bearer


def _login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, object]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_login_sets_an_httponly_samesite_session_cookie(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": world.emails["planner"], "password": PASSWORD}
    )
    assert response.status_code == 200
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in session
    assert "SameSite=lax" in session
    assert "Secure" not in session  # test mode; production sets Secure
    csrf = next(c for c in cookies if c.startswith(f"{CSRF_COOKIE}="))
    assert "HttpOnly" not in csrf  # the page's script must read it
    assert response.json()["user"]["role"] == "planner"
    assert "password" not in response.text


def test_the_cookie_authenticates_reads(client: TestClient, world: World) -> None:
    _login(client, world.emails["agent"])
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["email"] == world.emails["agent"]


def test_unsafe_methods_with_the_cookie_need_the_csrf_header(
    client: TestClient, world: World
) -> None:
    body = _login(client, world.emails["team_lead"])
    denied = client.post("/api/v1/auth/logout")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "forbidden"
    forged = client.post("/api/v1/auth/logout", headers={CSRF_HEADER: "0" * 64})
    assert forged.status_code == 403
    ok = client.post("/api/v1/auth/logout", headers={CSRF_HEADER: str(body["csrf_token"])})
    assert ok.status_code == 204


def test_logout_ends_the_session_everywhere(client: TestClient, world: World) -> None:
    body = _login(client, world.emails["planner"])
    session_token = client.cookies[SESSION_COOKIE]
    client.post("/api/v1/auth/logout", headers={CSRF_HEADER: str(body["csrf_token"])})
    # Replaying the old cookie (as a stolen copy would) is refused.
    client.cookies.set(SESSION_COOKIE, session_token)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_an_api_token_is_not_accepted_as_a_session_cookie(client: TestClient, world: World) -> None:
    _login(client, world.emails["planner"])
    session_token = client.cookies[SESSION_COOKIE]
    client.cookies.clear()
    # As a bearer token the session still identifies the planner (it is their credential) ...
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {session_token}"})
    assert me.status_code == 200
    # ... but an API token in the session cookie is refused.
    client.cookies.set(SESSION_COOKIE, world.tokens["planner"])
    assert client.get("/api/v1/auth/me").status_code == 401


def test_wrong_password_and_unknown_email_look_the_same(client: TestClient, world: World) -> None:
    wrong = client.post(
        "/api/v1/auth/login", json={"email": world.emails["admin"], "password": "nope" * 4}
    )
    unknown = client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.nl", "password": "nope" * 4}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_login_is_rate_limited_per_email_and_address(client: TestClient, world: World) -> None:
    # The test app allows three failures in the window.
    email = world.emails["admin"]
    for _ in range(3):
        failed = client.post("/api/v1/auth/login", json={"email": email, "password": "x" * 12})
        assert failed.status_code == 401
    blocked = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0
    # Another account from the same address is not blocked.
    _login(client, world.emails["planner"])


def test_a_bad_authorization_header_is_a_401(client: TestClient) -> None:
    for header in ("Basic abc", "Bearer", "Bearer not-a-token", "Bearer bzt_unknown"):
        response = client.get("/api/v1/auth/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_admin_issues_an_integration_token_that_only_posts_events(
    client: TestClient, world: World
) -> None:
    issued = client.post(
        f"/api/v1/users/{world.user_ids['admin']}/tokens",
        json={"name": "genesys", "scope": "integration"},
        headers=bearer(world, "admin"),
    )
    assert issued.status_code == 201
    token = issued.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/agents", headers=headers).status_code == 403
    posted = client.post(
        "/api/v1/events/agent-state",
        json={
            "event_id": "g-1",
            "agent": "1002",
            "state": "on_contact",
            "occurred_at": "2020-03-16T08:00:00+01:00",
        },
        headers=headers,
    )
    assert posted.status_code == 200, posted.text


def test_session_scope_tokens_cannot_be_issued(client: TestClient, world: World) -> None:
    response = client.post(
        f"/api/v1/users/{world.user_ids['admin']}/tokens",
        json={"name": "x", "scope": "session"},
        headers=bearer(world, "admin"),
    )
    assert response.status_code == 422


def test_i_change_my_password_and_my_other_sessions_end(client: TestClient, world: World) -> None:
    elsewhere = TestClient(client.app)
    _login(elsewhere, world.emails["agent"])
    body = _login(client, world.emails["agent"])
    csrf = {CSRF_HEADER: str(body["csrf_token"])}
    new = "a new and long passphrase"
    wrong = client.post(
        "/api/v1/auth/password",
        json={"current_password": "not my password", "new_password": new},
        headers=csrf,
    )
    assert wrong.status_code == 422
    assert "current password" in wrong.json()["error"]["message"]
    changed = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": new},
        headers=csrf,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"other_sessions_ended": 1}
    assert client.get("/api/v1/auth/me").status_code == 200  # this session stays
    assert elsewhere.get("/api/v1/auth/me").status_code == 401
    fresh = TestClient(client.app)
    old = {"email": world.emails["agent"], "password": PASSWORD}
    assert fresh.post("/api/v1/auth/login", json=old).status_code == 401
    _login(fresh, world.emails["agent"], new)


def test_wrong_current_passwords_count_against_the_login_limit(
    client: TestClient, world: World
) -> None:
    body = _login(client, world.emails["planner"])
    attempt = {"current_password": "guess number one", "new_password": "whatever it is now"}
    csrf = {CSRF_HEADER: str(body["csrf_token"])}
    codes = [
        client.post("/api/v1/auth/password", json=attempt, headers=csrf).status_code
        for _ in range(4)
    ]
    assert codes == [422, 422, 422, 429]  # the test app allows 3 failures


def test_an_admin_stops_a_user_and_gives_a_new_password_once(
    client: TestClient, world: World
) -> None:
    admin = bearer(world, "admin")
    leaver = world.user_ids["agent2"]
    assert client.get("/api/v1/auth/me", headers=bearer(world, "agent2")).status_code == 200
    stopped = client.post(f"/api/v1/users/{leaver}/deactivate", headers=admin)
    assert stopped.status_code == 200
    assert stopped.json()["active"] is False
    assert client.get("/api/v1/auth/me", headers=bearer(world, "agent2")).status_code == 401
    restored = client.post(f"/api/v1/users/{leaver}/activate", headers=admin)
    assert restored.json()["active"] is True
    assert client.get("/api/v1/auth/me", headers=bearer(world, "agent2")).status_code == 200
    reset = client.post(f"/api/v1/users/{leaver}/password-reset", headers=admin)
    assert reset.status_code == 200
    assert reset.headers["cache-control"] == "no-store"
    password = reset.json()["password"]
    assert len(password) >= 16
    _login(TestClient(client.app), world.emails["agent2"], password)
    own = client.post(f"/api/v1/users/{world.user_ids['admin']}/deactivate", headers=admin)
    assert own.status_code == 403
