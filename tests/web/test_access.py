"""Every page and every form post, for every role: allowed, or 403 with no data; anonymous
visitors are sent to the login page. A new page route without a rule here fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from bezetting.jobs import registry
from bezetting.jobs.lifecycle import create_job
from bezetting.web.site import PAGE_ROUTERS
from tests.web.conftest import PASSWORD, Clock, WebWorld, log_in

ROLES = ("admin", "planner", "team_lead", "agent", "client_viewer")


@dataclass(frozen=True)
class Rule:
    """Who may use a page route, and the request to send (path, form fields).

    ``first`` is a post (with ``first_form``) an allowed role makes before (reporting better
    needs a report of sickness first; cancelling time off, its approval); the refused roles
    never get that far. The clock then moves on by ``then`` (half an hour: reporting better is
    no undo; a minute: undoing is). A path with :data:`QUEUED_JOB` names a job of the world's
    organisation that waits in the queue (cancelled after the test).
    """

    method: str
    allowed: tuple[str, ...]
    path: Callable[[WebWorld], str]
    form: dict[str, str] | Callable[[WebWorld], dict[str, str]] | None = None
    first: Callable[[WebWorld], str] | None = None
    first_form: dict[str, str] | None = None
    then: timedelta = timedelta(minutes=30)


QUEUED_JOB = "{queued_job}"

PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "/my/schedule"): Rule("GET", ("agent",), lambda w: "/my/schedule"),
    ("POST", "/my/time-off"): Rule(
        "POST",
        ("agent",),
        lambda w: "/my/time-off",
        {"first_day": "2020-05-04", "last_day": "2020-05-05"},
    ),
    ("POST", "/my/time-off/{request_id}/withdraw"): Rule(
        "POST",
        ("agent",),
        lambda w: f"/my/time-off/{w.base.own_request_id}/withdraw",  # Anouk's own, pending
        {},
    ),
    ("POST", "/my/swaps"): Rule(
        "POST",
        ("agent",),
        lambda w: "/my/swaps",
        lambda w: {"shift_id": str(w.base.shift_ids["1001"])},
    ),
    ("POST", "/my/swaps/{swap_id}/accept"): Rule(
        "POST", ("agent",), lambda w: f"/my/swaps/{w.base.open_swap_id}/accept", {}
    ),
    ("GET", "/my/swaps/{swap_id}/returns"): Rule(
        "GET", ("agent",), lambda w: f"/my/swaps/{w.base.open_swap_id}/returns"
    ),
    ("POST", "/my/swaps/{swap_id}/withdraw"): Rule(
        "POST", ("agent",), lambda w: f"/my/swaps/{w.base.own_swap_id}/withdraw", {}
    ),
    ("POST", "/my/availability"): Rule(
        "POST",
        ("agent",),
        lambda w: "/my/availability",
        {"kind": "unavailable", "day": "2020-05-04", "from": "18:00", "to": "22:00"},
    ),
    ("POST", "/my/availability/{window_id}/withdraw"): Rule(
        "POST", ("agent",), lambda w: f"/my/availability/{w.base.own_window_id}/withdraw", {}
    ),
    ("POST", "/my/wishes"): Rule(
        "POST", ("agent",), lambda w: "/my/wishes", {"kind": "late", "weekday": "every"}
    ),
    ("POST", "/my/wishes/{wish_id}/remove"): Rule(
        "POST", ("agent",), lambda w: f"/my/wishes/{w.base.own_wish_id}/remove", {}
    ),
    ("POST", "/my/sick"): Rule("POST", ("agent",), lambda w: "/my/sick", {}),
    ("POST", "/my/calendar/renew"): Rule("POST", ("agent",), lambda w: "/my/calendar/renew", {}),
    ("POST", "/my/better"): Rule(
        "POST", ("agent",), lambda w: "/my/better", {}, first=lambda w: "/my/sick"
    ),
    ("POST", "/my/sick/undo"): Rule(
        "POST",
        ("agent",),
        lambda w: "/my/sick/undo",
        {},
        first=lambda w: "/my/sick",
        then=timedelta(minutes=1),
    ),
    ("POST", "/my/pulse/{survey_id}"): Rule(
        "POST", ("agent",), lambda w: f"/my/pulse/{w.base.open_survey_id}", {"value": "3"}
    ),
    ("GET", "/team"): Rule("GET", ("team_lead",), lambda w: "/team"),
    ("POST", "/team/swaps/{swap_id}/decision"): Rule(
        "POST",
        ("team_lead",),
        lambda w: f"/team/swaps/{w.cas.team_swap_id}/decision",
        {"decision": "reject"},
    ),
    ("POST", "/team/agents/{agent_id}/sick"): Rule(
        "POST", ("team_lead",), lambda w: f"/team/agents/{w.base.agent_ids['1001']}/sick", {}
    ),
    ("POST", "/team/agents/{agent_id}/better"): Rule(
        "POST",
        ("team_lead",),
        lambda w: f"/team/agents/{w.base.agent_ids['1001']}/better",
        {},
        first=lambda w: f"/team/agents/{w.base.agent_ids['1001']}/sick",
    ),
    ("POST", "/team/agents/{agent_id}/undo"): Rule(
        "POST",
        ("team_lead",),
        lambda w: f"/team/agents/{w.base.agent_ids['1001']}/undo",
        {},
        first=lambda w: f"/team/agents/{w.base.agent_ids['1001']}/sick",
        then=timedelta(minutes=1),
    ),
    ("POST", "/team/requests/{request_id}/decision"): Rule(
        "POST",
        ("team_lead",),
        lambda w: f"/team/requests/{w.team_request_id}/decision",
        {"decision": "approve"},
    ),
    ("POST", "/team/requests/{request_id}/cancel"): Rule(
        "POST",
        ("team_lead",),
        lambda w: f"/team/requests/{w.team_request_id}/cancel",
        {},
        first=lambda w: f"/team/requests/{w.team_request_id}/decision",
        first_form={"decision": "approve"},
        then=timedelta(0),
    ),
    ("GET", "/time-off"): Rule("GET", ("admin", "planner"), lambda w: "/time-off"),
    ("POST", "/time-off/requests/{request_id}/decision"): Rule(
        "POST",
        ("admin", "planner"),
        lambda w: f"/time-off/requests/{w.team_request_id}/decision",
        {"decision": "approve"},
    ),
    ("POST", "/time-off/requests/{request_id}/cancel"): Rule(
        "POST",
        ("admin", "planner"),
        lambda w: f"/time-off/requests/{w.team_request_id}/cancel",
        {},
        first=lambda w: f"/time-off/requests/{w.team_request_id}/decision",
        first_form={"decision": "approve"},
        then=timedelta(0),
    ),
    ("GET", "/planning"): Rule("GET", ("admin", "planner"), lambda w: "/planning"),
    ("GET", "/planning/jobs"): Rule("GET", ("admin", "planner"), lambda w: "/planning/jobs"),
    ("POST", "/planning/schedules/{schedule_id}/publish"): Rule(
        "POST",
        ("admin", "planner"),
        lambda w: f"/planning/schedules/{w.draft_schedule_id}/publish",
        {"version": "2"},
    ),
    ("POST", "/planning/jobs/forecast"): Rule(
        "POST",
        ("admin", "planner"),
        lambda w: "/planning/jobs/forecast",
        lambda w: {"queue": str(w.base.queue_ids["general"]), "first_day": "2020-03-23"},
    ),
    ("POST", "/planning/jobs/schedule"): Rule(
        "POST",
        ("admin", "planner"),
        lambda w: "/planning/jobs/schedule",
        {"first_day": "2020-03-23", "weeks": "1", "time_limit_seconds": "1"},
    ),
    ("POST", "/planning/swaps/{swap_id}/decision"): Rule(
        "POST",
        ("admin", "planner"),
        lambda w: f"/planning/swaps/{w.cas.team_swap_id}/decision",
        {"decision": "reject"},
    ),
    ("POST", "/planning/jobs/{job_id}/cancel"): Rule(
        "POST", ("admin", "planner"), lambda w: f"/planning/jobs/{QUEUED_JOB}/cancel", {}
    ),
    ("POST", "/planning/surveys"): Rule(
        "POST",
        ("admin", "planner"),
        lambda w: "/planning/surveys",
        {"question": "How was your week?", "first_day": "2020-03-16", "last_day": "2020-03-20"},
    ),
    ("POST", "/planning/settings"): Rule(
        "POST", ("admin", "planner"), lambda w: "/planning/settings", {"reset": "1"}
    ),
    ("GET", "/client"): Rule("GET", ("client_viewer",), lambda w: "/client"),
    ("GET", "/admin/users"): Rule("GET", ("admin",), lambda w: "/admin/users"),
    ("POST", "/admin/users"): Rule(
        "POST", ("admin",), lambda w: "/admin/users", {"email": "new@example.nl", "role": "planner"}
    ),
    ("POST", "/admin/users/{user_id}/active"): Rule(
        "POST",
        ("admin",),
        lambda w: f"/admin/users/{w.base.user_ids['agent2']}/active",
        {"active": "0"},
    ),
    ("POST", "/admin/users/{user_id}/password"): Rule(
        "POST", ("admin",), lambda w: f"/admin/users/{w.base.user_ids['agent2']}/password", {}
    ),
    ("GET", "/account"): Rule("GET", ROLES, lambda w: "/account"),
    ("POST", "/account/password"): Rule(
        "POST",
        ROLES,
        lambda w: "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a new and long passphrase",
            "repeat_password": "a new and long passphrase",
        },
    ),
}
"""Pages with a role rule. Open to anyone: /, /login, /logout, /language/{language} and the
calendar feed (its own tests)."""

OPEN = {
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/language/{language}"),
    ("GET", "/me/calendar.ics"),
}


def test_every_page_route_has_a_declared_rule() -> None:
    routes = {
        (method, route.path)
        for module in PAGE_ROUTERS
        for route in module.router.routes
        if isinstance(route, Route)
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert routes == set(PAGES) | OPEN


def _form(rule: Rule, world: WebWorld) -> dict[str, str]:
    return rule.form(world) if callable(rule.form) else dict(rule.form or {})


CASES = [(key, who) for key in PAGES for who in ROLES]


@pytest.mark.parametrize(("key", "who"), CASES, ids=[f"{k[0]} {k[1]} as {w}" for k, w in CASES])
def test_a_page_answers_its_roles_and_refuses_the_others(
    browser_client: TestClient, web_world: WebWorld, clock: Clock, key: tuple[str, str], who: str
) -> None:
    rule = PAGES[key]
    csrf = log_in(browser_client, web_world, who)
    path = rule.path(web_world)
    runner = browser_client.app.state.bezetting.runner  # type: ignore[attr-defined]
    waiting = None
    if QUEUED_JOB in path:
        waiting = create_job(
            runner.store,
            registry,
            "staffing",
            {"intervals": []},
            now=clock.now(),
            organisation_id=web_world.base.organisation_id,
        )
        path = path.replace(QUEUED_JOB, waiting.id)
    if rule.method == "GET":
        response = browser_client.get(path)
    else:
        if rule.first is not None and who in rule.allowed:
            before = browser_client.post(
                rule.first(web_world), data={**(rule.first_form or {}), "csrf_token": csrf}
            )
            assert before.status_code == 303, before.text
            clock.advance(rule.then)
        response = browser_client.post(
            path,
            data={**_form(rule, web_world), "csrf_token": csrf},
            headers={"HX-Request": "true"},
        )
    if waiting is not None:
        runner.cancel(waiting.id)  # nothing runs it: it would wait for ever
    if who in rule.allowed:
        assert response.status_code == 200, response.text
        if rule.method == "GET" and "<title>" in response.text:  # a title is text, never markup
            title = response.text.split("<title>", 1)[1].split("</title>", 1)[0]
            assert "<" not in title, title
    else:
        assert response.status_code == 403, response.text
        # The page keeps the header with the viewer's own e-mail (as every page of theirs
        # does); nothing of anyone else.
        page = response.text.replace(f'<span class="who">{web_world.base.emails[who]}</span>', "")
        for secret in ("Anouk", "Bram", "anouk@example.nl", "tandarts", "week 1"):
            assert secret not in page


@pytest.mark.parametrize("key", list(PAGES), ids=[f"{m} {p}" for m, p in PAGES])
def test_an_anonymous_visitor_is_sent_to_the_login_page(
    browser_client: TestClient, web_world: WebWorld, key: tuple[str, str]
) -> None:
    rule = PAGES[key]
    path = rule.path(web_world)
    if rule.method == "GET":
        response = browser_client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"
    else:
        response = browser_client.post(
            path, data=_form(rule, web_world), headers={"HX-Request": "true"}
        )
        assert response.status_code == 401
        assert response.headers["HX-Redirect"].startswith("/login")


def test_the_start_page_sends_each_role_home(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    homes = {
        "admin": "/planning",
        "planner": "/planning",
        "team_lead": "/team",
        "agent": "/my/schedule",
        "client_viewer": "/client",
    }
    assert browser_client.get("/").headers["location"] == "/login"
    for who, home in homes.items():
        browser_client.cookies.clear()
        log_in(browser_client, web_world, who)
        assert browser_client.get("/").headers["location"] == home


def test_the_navigation_shows_only_the_pages_of_the_role(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    page = browser_client.get("/my/schedule", headers={"Accept-Language": "en"}).text
    assert 'href="/my/schedule"' in page
    for other in ("/team", "/planning", "/client", "/admin/users"):
        assert f'href="{other}"' not in page


def test_a_logged_out_session_opens_no_page(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    session = browser_client.cookies.get("bezetting_session")
    response = browser_client.post("/logout", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    browser_client.cookies.set("bezetting_session", session or "")
    browser_client.cookies.set("bezetting_csrf", csrf)
    assert browser_client.get("/my/schedule").status_code == 303


def test_the_page_login_sets_the_same_cookies_as_the_api(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    page = browser_client.get("/login")
    token = browser_client.cookies.get("bezetting_login_csrf")
    response = browser_client.post(
        "/login",
        data={"email": "anouk@example.nl", "password": "correct horse battery staple",
              "csrf_token": token or ""},
    )  # fmt: skip
    assert page.status_code == 200
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("bezetting_session="))
    csrf = next(c for c in cookies if c.startswith("bezetting_csrf="))
    assert "HttpOnly" in session
    assert "samesite=lax" in session.lower()
    assert "HttpOnly" not in csrf  # the double-submit token is read by scripts
    # The same session works on the JSON API.
    me = browser_client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["email"] == "anouk@example.nl"


def test_a_wrong_password_shows_the_form_again_without_a_session(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    browser_client.get("/login")
    token = browser_client.cookies.get("bezetting_login_csrf")
    response = browser_client.post(
        "/login",
        data={"email": "anouk@example.nl", "password": "wrong", "csrf_token": token or ""},
        headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 401
    assert "Onjuist e-mailadres of wachtwoord." in response.text
    assert browser_client.cookies.get("bezetting_session") is None


def test_login_refuses_to_redirect_to_another_site(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    browser_client.get("/login")
    token = browser_client.cookies.get("bezetting_login_csrf")
    response = browser_client.post(
        "/login",
        data={"email": "anouk@example.nl", "password": "correct horse battery staple",
              "csrf_token": token or "", "next": "//evil.example/steal"},
    )  # fmt: skip
    assert response.headers["location"] == "/my/schedule"


def test_pages_send_security_headers(browser_client: TestClient, web_world: WebWorld) -> None:
    response = browser_client.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_too_many_wrong_passwords_are_refused_for_a_while(
    web_world: WebWorld, site: object, browser_client: TestClient
) -> None:
    limiter = browser_client.app.state.bezetting.limiter  # type: ignore[attr-defined]
    for _ in range(50):
        limiter.failed("anouk@example.nl", "testclient")
    browser_client.get("/login")
    token = browser_client.cookies.get("bezetting_login_csrf")
    response = browser_client.post(
        "/login",
        data={"email": "anouk@example.nl", "password": "correct horse battery staple",
              "csrf_token": token or ""},
    )  # fmt: skip
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert browser_client.cookies.get("bezetting_session") is None


def test_the_403_page_keeps_the_viewers_navigation_and_log_out(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "agent")
    denied = browser_client.get("/planning", headers={"Accept-Language": "nl"})
    assert denied.status_code == 403
    assert "Niet voor jou" in denied.text
    assert '<a href="/my/schedule">Mijn rooster</a>' in denied.text
    assert "Uitloggen" in denied.text
    assert "Planning</a>" not in denied.text  # no link to the page that was refused
