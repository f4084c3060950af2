"""``POST /api/v1/staffing``: the staffing calculator over HTTP."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer


@pytest.fixture
def client(app: FastAPI, world: World) -> TestClient:
    """A planner's client: the calculator is for any logged-in person."""
    return TestClient(app, headers=bearer(world, "planner"))


def test_staffing_answers_per_interval(client: TestClient) -> None:
    response = client.post(
        "/api/v1/staffing",
        json={"volume": [250, 0, 120], "aht_seconds": [240], "interval_seconds": 1800},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["agents"][:2] == [39, 0]
    assert body["model"] == "erlang-c"
    assert all(sl >= 0.8 for sl in body["service_level"])


def test_erlang_a_with_an_abandonment_cap(client: TestClient) -> None:
    response = client.post(
        "/api/v1/staffing",
        json={
            "volume": [250],
            "aht_seconds": [240],
            "model": "erlang-a",
            "patience_seconds": 120,
            "target": {"service_level": None, "max_abandon_rate": 0.03},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["abandon_rate"][0] <= 0.03
    assert body["binding_target"] == ["max_abandon_rate"]


def test_engine_errors_come_back_with_a_machine_readable_code(client: TestClient) -> None:
    response = client.post(
        "/api/v1/staffing",
        json={"volume": [10], "aht_seconds": [300], "target": {"max_abandon_rate": 0.05}},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert "Erlang A" in response.json()["error"]["message"]


def test_schema_errors_name_the_field(client: TestClient) -> None:
    response = client.post("/api/v1/staffing", json={"volume": [-1], "aht_seconds": [300]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"][0]["field"] == "body.volume.0"
    mismatch = client.post(
        "/api/v1/staffing", json={"volume": [1, 2, 3], "aht_seconds": [300, 200]}
    )
    assert mismatch.status_code == 422
    assert "one per interval" in mismatch.json()["error"]["details"][0]["reason"]


def test_openapi_document_is_served(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/staffing" in spec["paths"]


def test_a_vanishing_volume_needs_no_agents(client: TestClient) -> None:
    # Below a millionth of a contact per interval the volume counts as none (the engine's
    # series would otherwise meet subnormal floats; found by the schemathesis run).
    response = client.post("/api/v1/staffing", json={"volume": [1e-300], "aht_seconds": [240]})
    assert response.status_code == 200, response.text
    assert response.json()["agents"] == [0]


def test_handle_times_below_a_second_are_refused(client: TestClient) -> None:
    response = client.post("/api/v1/staffing", json={"volume": [10], "aht_seconds": [1e-300]})
    assert response.status_code == 422
