"""``/api/v1/surveys``: open a question, answer it once; no response carries an answer."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.api.conftest import NOW, World, bearer


def test_an_agent_answers_once_and_learns_only_that_they_answered(
    client: TestClient, world: World
) -> None:
    agent = bearer(world, "agent")
    before = client.get("/api/v1/surveys/open", headers=agent).json()
    assert [(p["survey"]["id"], p["answered"]) for p in before] == [(world.open_survey_id, False)]
    path = f"/api/v1/surveys/{world.open_survey_id}/answer"
    assert client.post(path, json={"value": 4}, headers=agent).status_code == 204
    after = client.get("/api/v1/surveys/open", headers=agent).json()
    assert after == [{"survey": before[0]["survey"], "answered": True}]
    again = client.post(path, json={"value": 2}, headers=agent)
    assert again.status_code == 422
    assert "already" in again.json()["error"]["message"]
    colleague = client.get("/api/v1/surveys/open", headers=bearer(world, "agent2")).json()
    assert [p["answered"] for p in colleague] == [False]


def test_no_survey_response_carries_an_answer(client: TestClient, world: World) -> None:
    client.post(
        f"/api/v1/surveys/{world.open_survey_id}/answer",
        json={"value": 5},
        headers=bearer(world, "agent"),
    )
    listed = client.get("/api/v1/surveys", headers=bearer(world, "planner")).json()
    assert {key for survey in listed for key in survey} == {
        "id",
        "question",
        "scale_max",
        "opens_at",
        "closes_at",
    }


def test_a_planner_opens_a_question_that_agents_then_see(client: TestClient, world: World) -> None:
    opened = client.post(
        "/api/v1/surveys",
        json={
            "question": "Do you have what you need at home?",
            "opens_at": NOW.isoformat(),
            "closes_at": (NOW + timedelta(days=7)).isoformat(),
            "scale_max": 4,
        },
        headers=bearer(world, "planner"),
    )
    assert opened.status_code == 201
    assert opened.json()["scale_max"] == 4
    seen = client.get("/api/v1/surveys/open", headers=bearer(world, "agent")).json()
    assert opened.json()["id"] in [p["survey"]["id"] for p in seen]


def test_a_question_closing_before_it_opens_is_refused(client: TestClient, world: World) -> None:
    refused = client.post(
        "/api/v1/surveys",
        json={
            "question": "Q?",
            "opens_at": NOW.isoformat(),
            "closes_at": (NOW - timedelta(hours=1)).isoformat(),
        },
        headers=bearer(world, "admin"),
    )
    assert refused.status_code == 422


def test_a_question_that_closed_already_is_refused(client: TestClient, world: World) -> None:
    refused = client.post(
        "/api/v1/surveys",
        json={
            "question": "How was last week?",
            "opens_at": (NOW - timedelta(days=7)).isoformat(),
            "closes_at": (NOW - timedelta(days=1)).isoformat(),
        },
        headers=bearer(world, "admin"),
    )
    assert refused.status_code == 422
    assert "has passed" in refused.json()["error"]["message"]
