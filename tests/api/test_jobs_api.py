"""Jobs belong to the organisation of whoever submitted them; others see no such job."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from bezetting.jobs import InProcessRunner
from tests.api.conftest import World, bearer


def _staffing_params(**extra: Any) -> dict[str, Any]:
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
        **extra,
    }


def test_a_submitted_job_records_the_callers_organisation_and_user(
    client: TestClient, world: World, runner: InProcessRunner
) -> None:
    response = client.post(
        "/api/v1/jobs",
        json={"kind": "staffing", "params": _staffing_params()},
        headers=bearer(world, "planner"),
    )
    assert response.status_code == 202, response.text
    status = runner.status(response.json()["id"])
    assert status.organisation_id == world.organisation_id
    assert status.created_by_user_id == world.user_ids["planner"]


def test_the_organisation_in_the_params_is_the_callers_whatever_the_client_sent(
    client: TestClient, world: World, runner: InProcessRunner
) -> None:
    response = client.post(
        "/api/v1/jobs",
        json={
            "kind": "staffing",
            "params": _staffing_params(organisation_id=world.other_organisation_id),
        },
        headers=bearer(world, "planner"),
    )
    assert response.status_code == 202, response.text
    params = runner.store.params(response.json()["id"])
    assert params["organisation_id"] == world.organisation_id


def test_a_job_of_another_organisation_cannot_be_seen_or_cancelled(
    client: TestClient, world: World, runner: InProcessRunner
) -> None:
    theirs = runner.submit(
        "staffing", _staffing_params(), organisation_id=world.other_organisation_id
    )
    headers = bearer(world, "admin")
    for response in (
        client.get(f"/api/v1/jobs/{theirs}", headers=headers),
        client.post(f"/api/v1/jobs/{theirs}/cancel", headers=headers),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "unknown_job"
    listed = client.get("/api/v1/jobs", params={"limit": 200}, headers=headers).json()
    assert theirs not in {job["id"] for job in listed}
    assert not runner.status(theirs).cancel_requested


def test_a_job_started_from_the_command_line_is_not_shown_by_the_api(
    client: TestClient, world: World, runner: InProcessRunner
) -> None:
    cli_job = runner.submit("staffing", _staffing_params())
    response = client.get(f"/api/v1/jobs/{cli_job}", headers=bearer(world, "planner"))
    assert response.status_code == 404


def test_the_job_list_shows_the_organisations_jobs_newest_first(
    client: TestClient, world: World, runner: InProcessRunner
) -> None:
    headers = bearer(world, "team_lead")
    submitted = [
        client.post(
            "/api/v1/jobs", json={"kind": "staffing", "params": _staffing_params()}, headers=headers
        ).json()["id"]
        for _ in range(2)
    ]
    listed = [job["id"] for job in client.get("/api/v1/jobs", headers=headers).json()]
    assert set(submitted) <= set(listed)
    assert listed.index(submitted[1]) < listed.index(submitted[0])
