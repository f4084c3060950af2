"""Every route of the API, for every role: allowed (2xx) or denied (401, 403 or 404, no data).

The routes are read from the app's own OpenAPI document, so a new endpoint without a declared
rule here fails ``test_every_route_has_a_declared_rule``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bezetting.jobs import InProcessRunner
from tests.api.conftest import NOW, PASSWORD, World, bearer

CALLERS = ("anonymous", "admin", "planner", "team_lead", "agent", "client_viewer", "integration")
PEOPLE = ("admin", "planner", "team_lead", "agent", "client_viewer")
STAFF = ("admin", "planner", "team_lead")


@dataclass(frozen=True)
class Call:
    """The request to send: path (filled in), JSON body, optional set-up call by the same role."""

    path: str
    body: dict[str, Any] | None = None
    setup: Call | None = None


@dataclass(frozen=True)
class Rule:
    """Which callers may use a route, and how to call it."""

    allowed: tuple[str, ...]
    call: Callable[[World, InProcessRunner], Call]
    public: bool = False
    not_found: tuple[str, ...] = ()
    notes: str = field(default="")


def _staffing_params() -> dict[str, Any]:
    return {
        "intervals": [
            {
                "queue": "general",
                "interval_start": "2020-03-16T08:00:00+01:00",
                "volume": 250,
                "aht_seconds": 240,
            }
        ],
        "interval_seconds": 1800,
    }


def _job_id(world: World, runner: InProcessRunner) -> str:
    return runner.submit("staffing", _staffing_params(), organisation_id=world.organisation_id)


def _job(world: World, runner: InProcessRunner) -> Call:
    return Call(f"/api/v1/jobs/{_job_id(world, runner)}")


V1 = "/api/v1"
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): Rule(CALLERS, lambda w, r: Call("/health"), public=True),
    ("POST", f"{V1}/auth/login"): Rule(
        CALLERS,
        lambda w, r: Call(f"{V1}/auth/login", {"email": w.emails["admin"], "password": PASSWORD}),
        public=True,
        notes="credentials are in the body: any caller may log in",
    ),
    ("POST", f"{V1}/auth/logout"): Rule(PEOPLE, lambda w, r: Call(f"{V1}/auth/logout")),
    ("GET", f"{V1}/auth/me"): Rule(PEOPLE, lambda w, r: Call(f"{V1}/auth/me")),
    ("GET", f"{V1}/users"): Rule(("admin",), lambda w, r: Call(f"{V1}/users")),
    ("POST", f"{V1}/users"): Rule(
        ("admin",),
        lambda w, r: Call(
            f"{V1}/users", {"email": "new@example.nl", "password": PASSWORD, "role": "planner"}
        ),
    ),
    ("GET", f"{V1}/users/{{user_id}}"): Rule(
        ("admin",), lambda w, r: Call(f"{V1}/users/{w.user_ids['agent']}")
    ),
    ("POST", f"{V1}/users/{{user_id}}/deactivate"): Rule(
        ("admin",), lambda w, r: Call(f"{V1}/users/{w.user_ids['agent2']}/deactivate")
    ),
    ("POST", f"{V1}/users/{{user_id}}/activate"): Rule(
        ("admin",), lambda w, r: Call(f"{V1}/users/{w.user_ids['agent2']}/activate")
    ),
    ("POST", f"{V1}/users/{{user_id}}/password-reset"): Rule(
        ("admin",), lambda w, r: Call(f"{V1}/users/{w.user_ids['agent2']}/password-reset")
    ),
    ("POST", f"{V1}/auth/password"): Rule(
        PEOPLE,
        lambda w, r: Call(
            f"{V1}/auth/password",
            {"current_password": PASSWORD, "new_password": "a new and long passphrase"},
        ),
        notes="each caller changes their own password",
    ),
    ("POST", f"{V1}/users/{{user_id}}/tokens"): Rule(
        ("admin",),
        lambda w, r: Call(f"{V1}/users/{w.user_ids['admin']}/tokens", {"name": "acd"}),
    ),
    ("GET", f"{V1}/agents"): Rule(
        (*STAFF, "agent"), lambda w, r: Call(f"{V1}/agents"), notes="an agent: only themself"
    ),
    ("GET", f"{V1}/agents/{{agent_id}}"): Rule(
        ("admin", "planner"),
        lambda w, r: Call(f"{V1}/agents/{w.agent_ids['1002']}"),
        not_found=("team_lead", "agent"),
        notes="agent 1001 asks for 1002; the team lead of Noord for Zuid's 1002",
    ),
    ("GET", f"{V1}/me/schedule"): Rule(("agent",), lambda w, r: Call(f"{V1}/me/schedule")),
    ("GET", f"{V1}/me/availability"): Rule(("agent",), lambda w, r: Call(f"{V1}/me/availability")),
    ("POST", f"{V1}/me/availability"): Rule(
        ("agent",),
        lambda w, r: Call(
            f"{V1}/me/availability",
            {
                "kind": "unavailable",
                "starts_at": (NOW + timedelta(days=40)).isoformat(),
                "ends_at": (NOW + timedelta(days=40, hours=4)).isoformat(),
            },
        ),
    ),
    ("DELETE", f"{V1}/me/availability/{{window_id}}"): Rule(
        ("agent",), lambda w, r: Call(f"{V1}/me/availability/{w.own_window_id}")
    ),
    ("POST", f"{V1}/me/wishes"): Rule(
        ("agent",), lambda w, r: Call(f"{V1}/me/wishes", {"kind": "late", "weight": 2})
    ),
    ("DELETE", f"{V1}/me/wishes/{{wish_id}}"): Rule(
        ("agent",), lambda w, r: Call(f"{V1}/me/wishes/{w.own_wish_id}")
    ),
    ("GET", f"{V1}/requests"): Rule((*STAFF, "agent"), lambda w, r: Call(f"{V1}/requests")),
    ("POST", f"{V1}/requests/time-off"): Rule(
        ("agent",),
        lambda w, r: Call(
            f"{V1}/requests/time-off",
            {
                "starts_at": (NOW + timedelta(days=30)).isoformat(),
                "ends_at": (NOW + timedelta(days=31)).isoformat(),
            },
        ),
    ),
    ("POST", f"{V1}/requests/{{request_id}}/decision"): Rule(
        ("admin", "planner"),
        lambda w, r: Call(f"{V1}/requests/{w.pending_request_id}/decision", {"approve": True}),
        not_found=("team_lead",),
        notes="a team lead decides for their own team; this request is of another team",
    ),
    ("POST", f"{V1}/requests/{{request_id}}/withdraw"): Rule(
        ("agent",),
        lambda w, r: Call(f"{V1}/requests/{w.own_request_id}/withdraw"),
        notes="only the agent's own pending time off",
    ),
    ("POST", f"{V1}/requests/{{request_id}}/cancel"): Rule(
        ("admin", "planner"),
        lambda w, r: Call(
            f"{V1}/requests/{w.pending_request_id}/cancel",
            setup=Call(f"{V1}/requests/{w.pending_request_id}/decision", {"approve": True}),
        ),
        not_found=("team_lead",),
        notes="approved time off that has not started; this request is of another team",
    ),
    ("GET", f"{V1}/swaps"): Rule(
        (*STAFF, "agent"), lambda w, r: Call(f"{V1}/swaps"), notes="an agent: own and takeable"
    ),
    ("POST", f"{V1}/swaps"): Rule(
        ("agent",), lambda w, r: Call(f"{V1}/swaps", {"shift_id": w.shift_ids["1001"]})
    ),
    ("POST", f"{V1}/swaps/{{swap_id}}/accept"): Rule(
        ("agent",), lambda w, r: Call(f"{V1}/swaps/{w.open_swap_id}/accept", {})
    ),
    ("POST", f"{V1}/swaps/{{swap_id}}/withdraw"): Rule(
        ("agent",), lambda w, r: Call(f"{V1}/swaps/{w.own_swap_id}/withdraw")
    ),
    ("POST", f"{V1}/swaps/{{swap_id}}/decision"): Rule(
        ("admin", "planner"),
        lambda w, r: Call(
            f"{V1}/swaps/{w.accepted_swap_id}/decision",
            {"approve": True, "schedule_version": w.schedule_version},
        ),
        not_found=("team_lead",),
        notes="Bram (1002) is in team Zuid, the team lead leads Noord",
    ),
    ("GET", f"{V1}/schedules"): Rule(("admin", "planner"), lambda w, r: Call(f"{V1}/schedules")),
    ("POST", f"{V1}/schedules/{{schedule_id}}/publish"): Rule(
        ("admin", "planner"),
        lambda w, r: Call(
            f"{V1}/schedules/{w.draft_schedule_id}/publish", {"version": w.draft_version}
        ),
    ),
    ("POST", f"{V1}/absences/sick"): Rule(
        ("team_lead", "agent"),
        lambda w, r: Call(f"{V1}/absences/sick", {"agent_id": w.agent_ids["1001"]}),
        notes="1001 is the agent and in the team lead's team",
    ),
    ("POST", f"{V1}/absences/better"): Rule(
        ("team_lead", "agent"),
        lambda w, r: Call(
            f"{V1}/absences/better",
            {"agent_id": w.agent_ids["1001"], "at": (NOW + timedelta(hours=1)).isoformat()},
            setup=Call(
                f"{V1}/absences/sick",
                {"agent_id": w.agent_ids["1001"], "since": (NOW - timedelta(hours=1)).isoformat()},
            ),
        ),
    ),
    ("POST", f"{V1}/absences/undo"): Rule(
        ("team_lead", "agent"),
        lambda w, r: Call(
            f"{V1}/absences/undo",
            {"agent_id": w.agent_ids["1001"]},
            setup=Call(f"{V1}/absences/sick", {"agent_id": w.agent_ids["1001"]}),
        ),
        notes="undone right after reporting, within the 10 minutes",
    ),
    ("POST", f"{V1}/events/agent-state"): Rule(
        ("integration",),
        lambda w, r: Call(
            f"{V1}/events/agent-state",
            {
                "event_id": "acd-1",
                "agent": "1001",
                "state": "available",
                "occurred_at": NOW.isoformat(),
            },
        ),
    ),
    ("POST", f"{V1}/events/contacts"): Rule(
        ("integration",),
        lambda w, r: Call(
            f"{V1}/events/contacts",
            {"event_id": "call-1", "queue": "general", "arrived_at": NOW.isoformat()},
        ),
    ),
    ("POST", f"{V1}/jobs"): Rule(
        STAFF,
        lambda w, r: Call(f"{V1}/jobs", {"kind": "staffing", "params": _staffing_params()}),
    ),
    ("GET", f"{V1}/jobs"): Rule(STAFF, lambda w, r: Call(f"{V1}/jobs")),
    ("GET", f"{V1}/jobs/{{job_id}}"): Rule(STAFF, _job),
    ("POST", f"{V1}/jobs/{{job_id}}/cancel"): Rule(
        STAFF, lambda w, r: Call(f"{V1}/jobs/{_job_id(w, r)}/cancel")
    ),
    ("GET", f"{V1}/queues"): Rule(
        (*STAFF, "client_viewer"), lambda w, r: Call(f"{V1}/queues"), notes="viewer: own client"
    ),
    ("GET", f"{V1}/queues/{{queue_id}}"): Rule(
        STAFF,
        lambda w, r: Call(f"{V1}/queues/{w.queue_ids['general']}"),
        not_found=("client_viewer",),
        notes="the in-house queue, asked by the bank's viewer",
    ),
    ("POST", f"{V1}/surveys"): Rule(
        ("admin", "planner"),
        lambda w, r: Call(
            f"{V1}/surveys",
            {
                "question": "How was your week?",
                "opens_at": NOW.isoformat(),
                "closes_at": (NOW + timedelta(days=7)).isoformat(),
            },
        ),
    ),
    ("GET", f"{V1}/surveys"): Rule(STAFF, lambda w, r: Call(f"{V1}/surveys")),
    ("GET", f"{V1}/surveys/open"): Rule(("agent",), lambda w, r: Call(f"{V1}/surveys/open")),
    ("POST", f"{V1}/surveys/{{survey_id}}/answer"): Rule(
        ("agent",),
        lambda w, r: Call(f"{V1}/surveys/{w.open_survey_id}/answer", {"value": 4}),
        notes="nobody reads single answers: there is no route for them",
    ),
    ("GET", f"{V1}/planning-settings"): Rule(STAFF, lambda w, r: Call(f"{V1}/planning-settings")),
    ("PUT", f"{V1}/planning-settings"): Rule(
        ("admin", "planner"),
        lambda w, r: Call(f"{V1}/planning-settings", {"weights": {"wish_not_met": 40}}),
        notes="a team lead reads them (swaps are checked by them) but does not change them",
    ),
    ("POST", f"{V1}/staffing"): Rule(
        PEOPLE,
        lambda w, r: Call(f"{V1}/staffing", {"volume": [250], "aht_seconds": [240]}),
    ),
}


def _routes(app: FastAPI) -> set[tuple[str, str]]:
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def test_every_route_has_a_declared_rule(app: FastAPI) -> None:
    assert _routes(app) == set(RULES)


def _send(client: TestClient, method: str, call: Call, headers: dict[str, str]) -> Any:
    return client.request(method, call.path, json=call.body, headers=headers)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", sorted(RULES), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_allows_or_denies(
    route: tuple[str, str],
    caller: str,
    client: TestClient,
    world: World,
    runner: InProcessRunner,
) -> None:
    method, _ = route
    rule = RULES[route]
    call = rule.call(world, runner)
    headers = bearer(world, caller)
    if call.setup is not None and caller in rule.allowed:
        assert _send(client, "POST", call.setup, headers).status_code < 300
    response = _send(client, method, call, headers)
    if caller in rule.allowed:
        assert 200 <= response.status_code < 300, response.text
        return
    # No credentials: 401. A role that may use the route but not this record: 404 (for them
    # the record does not exist). A role that may not use the route at all: 403.
    expected = 401 if caller == "anonymous" else 404 if caller in rule.not_found else 403
    assert response.status_code == expected, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] in ("unauthenticated", "forbidden", "not_found")
