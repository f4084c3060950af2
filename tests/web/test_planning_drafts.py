"""A planner judges a draft schedule on the planning page before publishing it: its coverage
against the requirement per queue and day, a link to it from the schedule list and from the
job that built it, the shortfall in the job's message, and Publish where the draft is shown."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from bezetting.jobs import JobState, registry
from bezetting.jobs.lifecycle import create_job
from bezetting.services.schedules import create_schedule
from bezetting.store import transaction
from bezetting.store.models import Schedule
from tests.web.conftest import WebWorld, draft_with_work, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
DAY = date(2020, 3, 17)  # the day of the world's forecast and requirement of "general"


def _interval_rows(page: str) -> dict[str, list[str]]:
    rows = re.findall(r"<tr[^>]*>\s*<td>(\d\d:\d\d)</td>(.*?)</tr>", page, flags=re.S)
    return {time: re.findall(r"<td>(.*?)</td>", rest) for time, rest in rows}


def _add_draft(site: FastAPI, world: WebWorld) -> int:
    """A draft of the week of DAY: Anouk does contact work 07:00-09:00 (Amsterdam) on DAY, before
    her published shift."""
    start = datetime(2020, 3, 17, 6, 0, tzinfo=UTC)
    return draft_with_work(
        site.state.bezetting.sessions,
        world.base.agent_ids["1001"],
        name="proef week 12",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        period=(date(2020, 3, 16), date(2020, 3, 22)),
    )


def test_the_planner_sees_a_drafts_coverage_against_the_requirement_before_publishing(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    draft = _add_draft(site, web_world)
    log_in(browser_client, web_world, "planner")
    queue = web_world.base.queue_ids["general"]
    published = browser_client.get(f"/planning?queue={queue}&day={DAY}", headers=EN).text
    shown = browser_client.get(
        f"/planning?queue={queue}&day={DAY}&schedule={draft}", headers=EN
    ).text
    # Columns: forecast, offered, required, scheduled. The published plan has nobody at 08:00
    # and Anouk from 09:00 (Bram is sick); the draft has Anouk until 09:00 and nobody after.
    assert _interval_rows(published)["08:00"] == ["40.0", "\u2013", "2", "0"]
    assert _interval_rows(published)["09:00"][3] == "1"
    assert _interval_rows(shown)["08:00"] == ["40.0", "\u2013", "2", "1"]
    assert _interval_rows(shown)["08:30"][3] == "1"
    assert _interval_rows(shown)["09:00"][3] == "0"
    assert f"Shown: draft schedule {draft} \u201cproef week 12\u201d" in html.unescape(shown)
    assert "Shown: the published schedules" in html.unescape(published)
    chooser = shown.split('<select name="schedule">')[1].split("</select>")[0]
    assert '<option value="">published schedules</option>' in chooser
    assert f'<option value="{draft}" selected>' in chooser
    assert f'<option value="{web_world.draft_schedule_id}">' in chooser, "every draft"
    coverage = shown.split('id="coverage"')[1].split("</section>")[0]
    assert f'action="/planning/schedules/{draft}/publish"' in coverage
    assert "Publish</button>" not in published.split('id="coverage"')[1].split("</section>")[0]


def test_the_dutch_page_names_the_draft_shown_in_dutch(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    draft = _add_draft(site, web_world)
    log_in(browser_client, web_world, "planner")
    page = html.unescape(browser_client.get(f"/planning?schedule={draft}", headers=NL).text)
    assert f"Getoond: conceptrooster {draft} \u201cproef week 12\u201d" in page
    assert '<option value="">gepubliceerde roosters</option>' in page


def test_a_schedule_is_shown_from_its_first_day_unless_a_day_is_asked(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "planner")
    draft = web_world.draft_schedule_id  # week 15, from Monday 30 March
    page = browser_client.get(f"/planning?schedule={draft}", headers=EN).text
    assert 'name="day" value="2020-03-30"' in page
    asked = browser_client.get(f"/planning?schedule={draft}&day=2020-04-01", headers=EN).text
    assert 'name="day" value="2020-04-01"' in asked


def test_each_draft_in_the_list_links_to_its_coverage(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "planner")
    queue = web_world.base.queue_ids["bank"]
    page = browser_client.get(f"/planning?queue={queue}", headers=EN).text
    rows = dict(re.findall(r'<tr id="schedule-(\d+)">(.*?)</tr>', page, flags=re.S))
    draft = web_world.draft_schedule_id
    link = f'href="/planning?schedule={draft}&amp;day=2020-03-30&amp;queue={queue}">coverage</a>'
    assert link in rows[str(draft)]
    published = [row for row in rows.values() if "badge-published" in row]
    assert published
    assert all(">coverage</a>" not in row for row in published)
    drafts = [row for row in rows.values() if "badge-draft" in row]
    assert all(">coverage</a>" in row for row in drafts)


def test_another_organisations_schedule_or_none_at_all_is_not_found(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    foreign = create_schedule(
        site.state.bezetting.sessions,
        name="theirs",
        period_start=DAY,
        period_end=DAY,
        now=datetime(2020, 3, 16, tzinfo=UTC),
        organisation="ander",
    ).id
    log_in(browser_client, web_world, "planner")
    for unknown in (foreign, foreign + 1000):
        response = browser_client.get(f"/planning?schedule={unknown}", headers=NL)
        assert response.status_code == 404
        assert f"Rooster {unknown} bestaat niet." in response.text
    assert browser_client.get("/planning?schedule=x").status_code == 422


def test_publishing_from_the_coverage_view_returns_to_it(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    draft = _add_draft(site, web_world)
    csrf = log_in(browser_client, web_world, "planner")
    queue = web_world.base.queue_ids["general"]
    page = browser_client.get(f"/planning?queue={queue}&day={DAY}&schedule={draft}", headers=EN)
    coverage = page.text.split('id="coverage"')[1].split("</section>")[0]
    form = coverage.split(f'action="/planning/schedules/{draft}/publish"')[1].split("</form>")[0]
    assert "hx-post" not in form, "a plain post: the whole page changes with it"
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert fields.pop("replace") == "1", "the checkbox, left unticked"
    assert fields == {"csrf_token": csrf, "version": "1", "queue": str(queue), "day": str(DAY)}
    response = browser_client.post(f"/planning/schedules/{draft}/publish", data=fields)
    assert response.status_code == 303
    assert response.headers["location"] == f"/planning?schedule={draft}&queue={queue}&day={DAY}"
    with transaction(site.state.bezetting.sessions) as session:
        assert session.scalars(select(Schedule.status).where(Schedule.id == draft)).one().value == (
            "published"
        )
    after = html.unescape(browser_client.get(response.headers["location"], headers=EN).text)
    assert f"Shown: published schedule {draft} \u201cproef week 12\u201d alone" in after


def _schedule_job_done(site: FastAPI, world: WebWorld, result: dict[str, object]) -> None:
    """A schedule job of the world's organisation that succeeded with ``result``."""
    store = site.state.bezetting.runner.store
    now = datetime.now(UTC)
    job = create_job(
        store,
        registry,
        "schedule",
        {"first_day": "2020-03-30", "organisation_id": world.base.organisation_id},
        now=now,
        organisation_id=world.base.organisation_id,
    )
    store.save(
        replace(
            store.get(job.id),
            state=JobState.SUCCEEDED,
            progress=1.0,
            result=result,
            started_at=now,
            finished_at=now,
        )
    )


def test_the_schedule_jobs_message_gives_the_shortfall_and_links_to_the_drafts_coverage(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    draft = web_world.draft_schedule_id
    _schedule_job_done(
        site,
        web_world,
        {"schedule_id": draft, "shifts": 301, "violations": 0, "shortfall_hours": 102.25,
         "solver_status": "feasible"},
    )  # fmt: skip
    log_in(browser_client, web_world, "planner")
    english = browser_client.get("/planning/jobs", headers=EN).text
    dutch = browser_client.get("/planning/jobs", headers=NL).text
    assert f'<a href="/planning?schedule={draft}">draft schedule {draft}</a>' in english
    assert "301 shifts, 0 labour-rule violations, 102.2 agent-hours short" in english
    assert "(solver: feasible)" in english
    assert f'<a href="/planning?schedule={draft}">conceptrooster {draft}</a>' in dutch
    assert "102,2 medewerkersuren tekort" in dutch
    assert "(oplosser: haalbaar)" in dutch
