"""What each role sees and does: own records only, own queues only, live events, jobs."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bezetting.api.app import create_app
from bezetting.config import load_settings
from bezetting.services.imports import ImportOptions, import_agents
from tests.api.conftest import NOW, World, bearer


def test_an_agent_lists_only_themself(client: TestClient, world: World) -> None:
    agents = client.get("/api/v1/agents", headers=bearer(world, "agent")).json()
    assert [a["external_id"] for a in agents] == ["1001"]


def test_staff_list_their_organisation_only(client: TestClient, world: World) -> None:
    agents = client.get("/api/v1/agents", headers=bearer(world, "planner")).json()
    assert sorted(a["external_id"] for a in agents) == ["1001", "1002"]
    other = client.get(f"/api/v1/agents/{world.other_agent_id}", headers=bearer(world, "admin"))
    assert other.status_code == 404
    assert set(other.json()) == {"error"}


def test_an_agent_view_gives_the_last_day_employed_once_imported(
    app: FastAPI, client: TestClient, world: World
) -> None:
    before = client.get(f"/api/v1/agents/{world.agent_ids['1002']}", headers=bearer(world, "admin"))
    assert before.json()["end_date"] is None
    import_agents(
        app.state.bezetting.sessions,
        b"external_id,name,contract_hours,end_date\n1002,Bram Jansen,24,2020-03-31\n",
        file_name="leaver.csv",
        now=NOW,
        options=ImportOptions(organisation="gemeente"),
    )
    agents = client.get("/api/v1/agents", headers=bearer(world, "planner")).json()
    assert {a["external_id"]: a["end_date"] for a in agents} == {
        "1001": None,
        "1002": "2020-03-31",
    }


def test_a_client_viewer_sees_only_its_clients_queues(client: TestClient, world: World) -> None:
    queues = client.get("/api/v1/queues", headers=bearer(world, "client_viewer")).json()
    assert [q["code"] for q in queues] == ["bank"]
    staff = client.get("/api/v1/queues", headers=bearer(world, "team_lead")).json()
    assert sorted(q["code"] for q in staff) == ["bank", "general"]
    other = client.get(f"/api/v1/queues/{world.other_queue_id}", headers=bearer(world, "admin"))
    assert other.status_code == 404


def test_my_schedule_shows_my_published_shift(client: TestClient, world: World) -> None:
    shifts = client.get("/api/v1/me/schedule", headers=bearer(world, "agent")).json()
    assert len(shifts) == 2  # the first day of the week, and day 4
    assert datetime.fromisoformat(shifts[0]["starts_at"]) == world.shift_start
    assert [a["kind"] for a in shifts[0]["activities"]] == ["contact_work"]
    # A window without shifts is empty.
    later = (NOW + timedelta(days=60)).isoformat()
    empty = client.get(
        "/api/v1/me/schedule", params={"from": later}, headers=bearer(world, "agent")
    )
    assert empty.json() == []


def test_an_agent_requests_time_off_and_a_planner_decides(client: TestClient, world: World) -> None:
    created = client.post(
        "/api/v1/requests/time-off",
        json={
            "starts_at": (NOW + timedelta(days=40)).isoformat(),
            "ends_at": (NOW + timedelta(days=41)).isoformat(),
            "reason": "verhuizing",
        },
        headers=bearer(world, "agent"),
    )
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    assert created.json()["status"] == "pending"
    mine = client.get("/api/v1/requests", headers=bearer(world, "agent")).json()
    time_off = [r["id"] for r in mine if r["kind"] == "time_off"]
    assert time_off == [world.own_request_id, request_id]  # not 1002's pending request
    decided = client.post(
        f"/api/v1/requests/{request_id}/decision",
        json={"approve": False},
        headers=bearer(world, "planner"),
    )
    assert decided.json()["status"] == "rejected"
    again = client.post(
        f"/api/v1/requests/{request_id}/decision",
        json={"approve": True},
        headers=bearer(world, "planner"),
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_a_team_lead_decides_requests_of_their_own_team_only(
    client: TestClient, world: World
) -> None:
    created = client.post(
        "/api/v1/requests/time-off",
        json={
            "starts_at": (NOW + timedelta(days=50)).isoformat(),
            "ends_at": (NOW + timedelta(days=51)).isoformat(),
        },
        headers=bearer(world, "agent"),  # agent 1001, team Noord: the team lead's team
    )
    own = client.post(
        f"/api/v1/requests/{created.json()['id']}/decision",
        json={"approve": True},
        headers=bearer(world, "team_lead"),
    )
    assert own.status_code == 200, own.text
    assert own.json()["status"] == "approved"
    other_team = client.post(
        f"/api/v1/requests/{world.pending_request_id}/decision",  # agent 1002, team Zuid
        json={"approve": True},
        headers=bearer(world, "team_lead"),
    )
    assert other_team.status_code == 404
    assert set(other_team.json()) == {"error"}


def test_a_team_lead_reports_sick_only_for_their_team(client: TestClient, world: World) -> None:
    own_team = client.post(
        "/api/v1/absences/sick",
        json={"agent_id": world.agent_ids["1001"]},
        headers=bearer(world, "team_lead"),
    )
    assert own_team.status_code == 201
    other_team = client.post(
        "/api/v1/absences/sick",
        json={"agent_id": world.agent_ids["1002"]},
        headers=bearer(world, "team_lead"),
    )
    assert other_team.status_code == 404


def test_an_agent_cannot_report_for_a_colleague(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/absences/sick",
        json={"agent_id": world.agent_ids["1002"]},
        headers=bearer(world, "agent"),
    )
    assert response.status_code == 404
    own = client.post("/api/v1/absences/sick", json={}, headers=bearer(world, "agent"))
    assert own.status_code == 201
    assert own.json()["agent_id"] == world.agent_ids["1001"]


def test_a_sick_report_undone_or_ended_at_once_is_withdrawn(
    client: TestClient, world: World
) -> None:
    agent = bearer(world, "agent")
    sick = client.post("/api/v1/absences/sick", json={}, headers=agent)
    undone = client.post("/api/v1/absences/undo", json={}, headers=agent)
    assert undone.status_code == 200
    assert undone.json()["withdrawn"] is True
    assert undone.json()["id"] == sick.json()["id"]
    assert client.post("/api/v1/absences/undo", json={}, headers=agent).status_code == 422
    client.post("/api/v1/absences/sick", json={}, headers=agent)
    better = client.post("/api/v1/absences/better", json={}, headers=agent)  # the same moment
    assert better.status_code == 422, "better is not after the start"
    later = (NOW + timedelta(hours=2)).isoformat()
    kept = client.post("/api/v1/absences/better", json={"at": later}, headers=agent)
    assert kept.json()["withdrawn"] is False


def test_agent_state_events_are_idempotent_by_event_id(client: TestClient, world: World) -> None:
    event = {
        "event_id": "acd-42",
        "agent": "1001",
        "state": "break",
        "occurred_at": "2020-03-16T10:15:00+01:00",
    }
    first = client.post(
        "/api/v1/events/agent-state", json=event, headers=bearer(world, "integration")
    )
    again = client.post(
        "/api/v1/events/agent-state", json=event, headers=bearer(world, "integration")
    )
    assert first.json()["duplicate"] is False
    assert again.json() == {**first.json(), "duplicate": True}
    changed = client.post(
        "/api/v1/events/agent-state",
        json={**event, "state": "available"},
        headers=bearer(world, "integration"),
    )
    assert changed.status_code == 409


def test_contact_events_are_idempotent_by_event_id(client: TestClient, world: World) -> None:
    event = {
        "event_id": "call-7",
        "queue": "general",
        "arrived_at": "2020-03-16T09:00:00+01:00",
        "answered_at": "2020-03-16T09:00:12+01:00",
        "ended_at": "2020-03-16T09:04:12+01:00",
        "agent": "1002",
    }
    headers = bearer(world, "integration")
    first = client.post("/api/v1/events/contacts", json=event, headers=headers)
    assert first.status_code == 200, first.text
    again = client.post("/api/v1/events/contacts", json=event, headers=headers)
    assert again.json() == {**first.json(), "duplicate": True}
    disordered = client.post(
        "/api/v1/events/contacts",
        json={**event, "event_id": "call-8", "answered_at": "2020-03-16T08:59:00+01:00"},
        headers=headers,
    )
    assert disordered.status_code == 422
    unknown_queue = client.post(
        "/api/v1/events/contacts",
        json={**event, "event_id": "call-9", "queue": "other"},
        headers=headers,
    )
    assert unknown_queue.status_code == 422  # another organisation's queue is unknown here


def test_a_staffing_job_runs_to_its_result(client: TestClient, world: World) -> None:
    headers = bearer(world, "planner")
    params = {
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
    submitted = client.post(
        "/api/v1/jobs", json={"kind": "staffing", "params": params}, headers=headers
    )
    assert submitted.status_code == 202
    job_id = submitted.json()["id"]
    deadline = time.monotonic() + 30
    status = submitted.json()
    while status["state"] not in ("succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
        status = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
    assert status["state"] == "succeeded", status
    assert status["progress"] == 1.0
    # 250 calls of 240 s in 30 minutes (33.3 Erlang), 80% answered within 20 s: by Erlang C
    # 38 agents answer 77.4% in time, 39 answer 84.2% (computed by hand from the formula).
    assert status["result"]["rows"][0]["agents"] == 39


def test_unknown_jobs_and_kinds(client: TestClient, world: World) -> None:
    headers = bearer(world, "planner")
    assert client.get("/api/v1/jobs/nope", headers=headers).status_code == 404
    unknown = client.post("/api/v1/jobs", json={"kind": "nope", "params": {}}, headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "unknown_job_kind"


def test_unknown_paths_answer_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_abandoned_contact_was_not_answered(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/events/contacts",
        json={
            "event_id": "call-10",
            "queue": "general",
            "arrived_at": "2020-03-16T09:00:00+01:00",
            "answered_at": "2020-03-16T09:00:30+01:00",
            "abandoned": True,
        },
        headers=bearer(world, "integration"),
    )
    assert response.status_code == 422
    assert "abandoned" in response.json()["error"]["message"]


def test_the_default_app_builds_its_database_on_first_use(tmp_path: Path) -> None:
    app = create_app(load_settings(env="test", data_dir=tmp_path))
    assert not (tmp_path / "bezetting.db").exists()  # nothing at construction
    with TestClient(app) as client:  # runs the lifespan; its end closes the engine
        assert client.get("/health").status_code == 200
        login = client.post(
            "/api/v1/auth/login", json={"email": "nobody@example.nl", "password": "x" * 12}
        )
        assert login.status_code == 401  # the default SQLite file was created and migrated
    assert (tmp_path / "bezetting.db").exists()
