"""The planner starts forecast and schedule jobs from the planning page, for their own
organisation, and follows them in the jobs list; nobody else starts one."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bezetting.jobs import InProcessRunner, JobState, registry
from bezetting.jobs.lifecycle import create_job
from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
HTMX = {"HX-Request": "true"}


def _runner(site: FastAPI) -> InProcessRunner:
    runner: InProcessRunner = site.state.bezetting.runner
    return runner


def _jobs_started_from_now(site: FastAPI, world: WebWorld) -> Callable[[], list[str]]:
    """A function that lists the ids of the jobs of the world's organisation started since."""
    organisation = world.base.organisation_id

    def ids() -> list[str]:
        return [j.id for j in _runner(site).store.recent(limit=200, organisation_id=organisation)]

    before = set(ids())
    return lambda: [j for j in ids() if j not in before]


def test_the_planning_page_has_a_form_for_each_kind_of_job(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "planner")
    page = browser_client.get("/planning?day=2020-03-17", headers=EN).text
    assert 'hx-post="/planning/jobs/forecast"' in page
    assert 'hx-post="/planning/jobs/schedule"' in page
    assert '<option value="all">All queues</option>' in page
    assert 'name="time_limit_seconds"' in page
    assert 'value="2020-03-23"' in page  # the next Monday is the suggested first day
    dutch = browser_client.get("/planning?day=2020-03-17", headers=NL).text
    assert "Voorspelling starten" in dutch
    assert "Rooster starten" in dutch


def test_the_planner_starts_a_forecast_of_one_queue_for_their_own_organisation(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    started = _jobs_started_from_now(site, web_world)
    csrf = log_in(browser_client, web_world, "planner")
    queue = web_world.base.queue_ids["general"]
    response = browser_client.post(
        "/planning/jobs/forecast",
        data={"queue": str(queue), "first_day": "2020-03-23", "days": "14", "csrf_token": csrf,
              "organisation_id": "999999"},
        headers={**HTMX, **EN},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.text.startswith('<div id="jobs"')
    (job_id,) = started()
    runner = _runner(site)
    assert runner.store.params(job_id) == {
        "queue_id": queue,
        "first_day": "2020-03-23",
        "days": 14,
        "organisation_id": web_world.base.organisation_id,
    }
    job = runner.status(job_id)
    assert job.kind == "forecast"
    assert job.created_by_user_id is not None
    assert "<td>forecast</td>" in response.text


def test_a_forecast_of_all_queues_is_one_job_per_queue(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    started = _jobs_started_from_now(site, web_world)
    csrf = log_in(browser_client, web_world, "planner")
    response = browser_client.post(
        "/planning/jobs/forecast",
        data={"queue": "all", "first_day": "2020-03-23", "csrf_token": csrf},
        headers=HTMX,
    )
    assert response.status_code == 200, response.text
    queues = sorted(_runner(site).store.params(j)["queue_id"] for j in started())  # type: ignore[type-var]
    assert queues == sorted(web_world.base.queue_ids.values())


def test_a_failed_forecast_shows_its_reason_in_the_pages_language(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    started = _jobs_started_from_now(site, web_world)
    csrf = log_in(browser_client, web_world, "planner")
    queue = web_world.base.queue_ids["general"]
    browser_client.post(
        "/planning/jobs/forecast",
        data={"queue": str(queue), "first_day": "2020-03-23", "csrf_token": csrf},
        headers=HTMX,
    )
    (job_id,) = started()
    job = _runner(site).wait(job_id, timeout_seconds=60)
    assert job.state is JobState.FAILED  # the test world has no contact history
    dutch = browser_client.get("/planning/jobs", headers=NL).text
    english = browser_client.get("/planning/jobs", headers=EN).text
    assert "mislukt" in dutch
    assert "wachtrij general heeft geen contacten in de 364 dagen voor 2020-03-23" in dutch
    assert "importeer eerst de contacthistorie" in dutch
    assert "has no contact records" not in dutch
    assert "queue general has no contacts in the 364 days before 2020-03-23" in english
    assert 'hx-trigger="every 2s"' not in dutch  # nothing runs: no more polling


def test_the_planner_starts_a_schedule_and_follows_it_in_the_jobs_list(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    started = _jobs_started_from_now(site, web_world)
    csrf = log_in(browser_client, web_world, "planner")
    response = browser_client.post(
        "/planning/jobs/schedule",
        data={"first_day": "2020-03-16", "weeks": "1", "time_limit_seconds": "2",
              "name": "week 12 uit de pagina", "csrf_token": csrf},
        headers={**HTMX, **NL},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert "<td>rooster</td>" in response.text
    (job_id,) = started()
    runner = _runner(site)
    assert runner.store.params(job_id) == {
        "first_day": "2020-03-16",
        "weeks": 1,
        "time_limit_seconds": 2,
        "name": "week 12 uit de pagina",
        "organisation_id": web_world.base.organisation_id,
    }
    job = runner.wait(job_id, timeout_seconds=120)
    # The test world's queues have no skills, so the job stops before solving, and says why.
    assert job.state is JobState.FAILED
    page = browser_client.get("/planning", headers=NL).text
    assert "wachtrij general heeft geen vaardigheid; koppel er een vaardigheid aan" in page


def test_a_plain_form_post_returns_to_the_jobs_list(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    response = browser_client.post(
        "/planning/jobs/schedule",
        data={"first_day": "2020-03-23", "weeks": "1", "time_limit_seconds": "1",
              "csrf_token": csrf},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/planning#jobs"


def test_a_bad_field_starts_nothing_and_is_named_in_dutch(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    started = _jobs_started_from_now(site, web_world)
    csrf = log_in(browser_client, web_world, "planner")
    cases = [
        ("/planning/jobs/schedule", {"first_day": "23-03-2020"}, "Eerste dag: '23-03-2020' is "
         "geen datum (JJJJ-MM-DD)"),
        ("/planning/jobs/schedule", {"first_day": "2020-03-23", "weeks": "7"},
         "Weken: '7' is geen heel getal van 1 tot en met 6"),
        ("/planning/jobs/forecast", {"queue": "999999", "first_day": "2020-03-23"},
         "kies een van je wachtrijen, of alle"),
    ]  # fmt: skip
    for path, fields, message in cases:
        response = browser_client.post(
            path, data={**fields, "csrf_token": csrf}, headers={**HTMX, **NL}
        )
        assert response.status_code == 422
        assert response.headers["HX-Retarget"] == "#flash"
        assert message in html.unescape(response.text)
    assert started() == []


def test_an_agent_a_team_lead_or_a_client_viewer_starts_no_job(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    started = _jobs_started_from_now(site, web_world)
    for who in ("agent", "team_lead", "client_viewer"):
        browser_client.cookies.clear()
        csrf = log_in(browser_client, web_world, who)
        for path, fields in (
            ("/planning/jobs/forecast", {"queue": "all", "first_day": "2020-03-23"}),
            ("/planning/jobs/schedule", {"first_day": "2020-03-23"}),
        ):
            response = browser_client.post(
                path, data={**fields, "csrf_token": csrf}, headers={**HTMX, **NL}
            )
            assert response.status_code == 403
            assert "Deze pagina is voor een andere rol (beheerder, planner)." in response.text
    assert started() == []


def test_starting_a_job_needs_the_sessions_security_token(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    started = _jobs_started_from_now(site, web_world)
    log_in(browser_client, web_world, "planner")
    response = browser_client.post(
        "/planning/jobs/schedule",
        data={"first_day": "2020-03-23", "csrf_token": "forged"},
        headers={**HTMX, **NL},
    )
    assert response.status_code == 403
    assert "beveiligingscode van het formulier ontbreekt of klopt niet" in response.text
    assert started() == []


def _queued_job(site: FastAPI, organisation_id: int) -> str:
    """A job of ``organisation_id`` that waits in the queue (no worker has taken it yet)."""
    return create_job(
        _runner(site).store,
        registry,
        "staffing",
        {"intervals": []},
        now=datetime.now(UTC),
        organisation_id=organisation_id,
    ).id


def test_the_planner_cancels_a_waiting_job_from_the_list(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    job_id = _queued_job(site, web_world.base.organisation_id)
    csrf = log_in(browser_client, web_world, "planner")
    listed = browser_client.get("/planning/jobs", headers=NL).text
    assert f'hx-post="/planning/jobs/{job_id}/cancel"' in listed
    response = browser_client.post(
        f"/planning/jobs/{job_id}/cancel", data={"csrf_token": csrf}, headers={**HTMX, **NL}
    )
    assert response.status_code == 200, response.text
    assert _runner(site).status(job_id).state is JobState.CANCELLED
    assert f'hx-post="/planning/jobs/{job_id}/cancel"' not in response.text
    assert '<span class="badge badge-cancelled">geannuleerd</span>' in response.text


def test_a_job_of_another_organisation_cannot_be_cancelled(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    job_id = _queued_job(site, web_world.base.organisation_id + 999)
    csrf = log_in(browser_client, web_world, "planner")
    try:
        response = browser_client.post(
            f"/planning/jobs/{job_id}/cancel", data={"csrf_token": csrf}, headers=HTMX
        )
        assert response.status_code == 404
        assert _runner(site).status(job_id).state is JobState.QUEUED
    finally:
        _runner(site).cancel(job_id)  # nothing runs it: it would wait for ever
