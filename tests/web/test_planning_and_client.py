"""The planner's coverage chart and schedules (the client viewer's page: test_client_page)."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from bezetting.store import transaction
from bezetting.store.enums import Channel
from bezetting.store.models import ContactRecord, Schedule
from tests.web.conftest import Clock, WebWorld, draft_with_work, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def _interval_rows(page: str) -> dict[str, list[str]]:
    rows = re.findall(r"<tr[^>]*>\s*<td>(\d\d:\d\d)</td>(.*?)</tr>", page, flags=re.S)
    return {time: re.findall(r"<td>(.*?)</td>", rest) for time, rest in rows}


def test_the_planner_sees_forecast_requirement_and_coverage_per_interval(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "planner")
    queue = web_world.base.queue_ids["general"]
    page = browser_client.get(f"/planning?queue={queue}&day=2020-03-17", headers=EN).text
    rows = _interval_rows(page)
    # 08:00 local: forecast interval 0 (40 contacts, 2 agents needed), nobody scheduled yet.
    # Nothing offered is recorded for that day: a dash, not a zero.
    assert rows["08:00"] == ["40.0", "\u2013", "2", "0"]
    # 09:00 local: interval 2 (50 contacts, 4 needed); both agents work 09:00-17:00 local,
    # but Bram has been reported sick since this morning: his work no longer counts.
    assert rows["09:00"] == ["50.0", "\u2013", "4", "1"]
    assert rows["17:30"] == ["135.0", "\u2013", "3", "0"]
    assert "03:00" not in rows, "the closed night is not listed"
    assert "forecast version 1" in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    for label in ("agents", "contacts"):
        assert f">{label}<" in svg
    assert svg.count('<rect class="scheduled"') == 16  # 16 half-hours
    legend = page[page.index('<ul class="chart-legend">') :]
    legend = legend[: legend.index("</ul>")]
    for label in ("scheduled agents", "required agents", "forecast contacts", "contacts offered"):
        assert f"</span>{label}</li>" in legend


def test_a_past_day_without_a_forecast_shows_the_contacts_offered_on_whole_ticks(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    _add_contacts(site, web_world.base.queue_ids["general"])  # 4 calls from 09:00 UTC
    log_in(browser_client, web_world, "planner")
    queue = web_world.base.queue_ids["general"]
    page = browser_client.get(f"/planning?queue={queue}&day=2020-03-12", headers=EN).text
    assert "no forecast for this day" in page
    rows = _interval_rows(page)
    assert rows["10:00"] == ["\u2013", "4", "\u2013", "0"]  # 10:00 in Amsterdam
    assert rows["09:30"] == ["\u2013", "0", "\u2013", "0"]
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert rows["10:30"][1] == "\u2013", "after the last contact recorded nothing is known"
    assert svg.count('<circle class="offered"') == sum(r[1] != "\u2013" for r in rows.values())
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', svg)
    assert "0.2" not in ticks
    assert "0.8" not in ticks


def test_a_day_without_a_forecast_says_so(browser_client: TestClient, web_world: WebWorld) -> None:
    log_in(browser_client, web_world, "planner")
    page = browser_client.get("/planning?day=2020-03-18", headers=EN).text
    assert "no forecast for this day" in page
    assert "no requirement for this day" in page


def test_a_bad_day_is_named(browser_client: TestClient, web_world: WebWorld) -> None:
    log_in(browser_client, web_world, "planner")
    response = browser_client.get("/planning?day=18-03-2020")
    assert response.status_code == 422
    assert "day" in response.text


def test_the_planner_publishes_a_draft_with_htmx(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    path = f"/planning/schedules/{web_world.draft_schedule_id}/publish"
    stale = browser_client.post(
        path, data={"version": "1", "csrf_token": csrf}, headers={"HX-Request": "true"}
    )
    assert stale.status_code == 409
    assert "version 2" in stale.text
    response = browser_client.post(
        path, data={"version": "2", "csrf_token": csrf}, headers={"HX-Request": "true", **EN}
    )
    assert response.status_code == 200
    assert f'<tr id="schedule-{web_world.draft_schedule_id}">' in response.text
    assert "badge-published" in response.text
    assert "Publish</button>" not in response.text


def test_a_draft_that_double_books_an_agent_is_refused_with_the_agent_and_times(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    # Anouk works 08:00-16:00 (Amsterdam) on Tuesday 24 March in the published week 14.
    start = datetime(2020, 3, 24, 11, 0, tzinfo=UTC)  # 12:00-20:00 Amsterdam
    draft = draft_with_work(
        site.state.bezetting.sessions,
        web_world.base.agent_ids["1001"],
        name="week 14, second try",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        period=(date(2020, 3, 23), date(2020, 3, 29)),
    )
    csrf = log_in(browser_client, web_world, "planner")
    refused = browser_client.post(
        f"/planning/schedules/{draft}/publish",
        data={"version": "1", "csrf_token": csrf},
        headers={"HX-Request": "true", **NL},
    )
    assert refused.status_code == 409
    with transaction(site.state.bezetting.sessions) as session:
        week_14 = session.scalars(select(Schedule.id).where(Schedule.name == "week 14")).one()
    assert html.unescape(refused.text).startswith(f'<tr id="schedule-{draft}">')  # its row again
    assert (
        f'<p class="error" role="alert">Rooster {draft} kan niet gepubliceerd worden: Anouk de '
        "Vries werkt daarin 24-03-2020, 12:00 – 20:00 en in gepubliceerd rooster "
        f"{week_14} 24-03-2020, 08:00 – 16:00; overlappende diensten in totaal: 1; publiceer "
        "het ter vervanging van wat nog niet begonnen is, of verplaats of verwijder ze eerst.</p>"
    ) in html.unescape(refused.text)  # a sentence: a capital first, a full stop last
    page = browser_client.get("/planning", headers=EN).text
    assert f"/planning/schedules/{draft}/publish" in page  # still a draft
    assert "in place of published shifts not yet started" in page
    # The server's clock is before week 14: the re-plan may take the published week's place.
    replaced = browser_client.post(
        f"/planning/schedules/{draft}/publish",
        data={"version": "1", "replace": "1", "csrf_token": csrf},
        headers={"HX-Request": "true", **EN},
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.headers["HX-Redirect"] == "/planning"
    with transaction(site.state.bezetting.sessions) as session:
        statuses = dict(session.execute(select(Schedule.name, Schedule.status)).all())
    assert statuses["week 14, second try"] == "published"
    assert statuses[f"week 14 (replaced by schedule {draft})"] == "draft"


def test_the_jobs_list_shows_progress_and_polls_while_a_job_runs(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "planner")
    job = browser_client.post(
        "/api/v1/jobs",
        json={"kind": "staffing", "params": {"intervals": []}},
        headers={"X-CSRF-Token": browser_client.cookies.get("bezetting_csrf") or ""},
    )
    assert job.status_code == 202, job.text
    site.state.bezetting.runner.wait(job.json()["id"], timeout_seconds=30)
    fragment = browser_client.get("/planning/jobs", headers=EN).text
    assert "staffing" in fragment
    assert "<progress" in fragment
    assert 'hx-trigger="every 2s"' not in fragment  # finished: no more polling


def test_the_jobs_list_shows_only_the_planners_own_organisation(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "planner")
    rows_before = browser_client.get("/planning/jobs", headers=EN).text.count("<tr>")
    runner = site.state.bezetting.runner
    foreign = runner.submit("staffing", {"intervals": []}, organisation_id=999_999)
    unowned = runner.submit("staffing", {"intervals": []})  # from the command line
    for job_id in (foreign, unowned):
        runner.wait(job_id, timeout_seconds=30)
    rows_after = browser_client.get("/planning/jobs", headers=EN).text.count("<tr>")
    assert rows_after == rows_before


def _add_contacts(site: FastAPI, queue_id: int) -> None:
    start = datetime(2020, 3, 12, 9, 0, tzinfo=UTC)
    waits = [(10, False), (30, False), (None, True), (5, False)]
    with transaction(site.state.bezetting.sessions, writes=True) as session:
        for n, (wait, abandoned) in enumerate(waits):
            arrived = start + timedelta(minutes=n)
            session.add(
                ContactRecord(
                    queue_id=queue_id,
                    external_id=f"c{n}",
                    channel=Channel.VOICE,
                    arrived_at=arrived,
                    answered_at=None if wait is None else arrived + timedelta(seconds=wait),
                    ended_at=arrived + timedelta(minutes=5),
                    abandoned=abandoned,
                    csat=8 if n % 2 else None,
                )
            )


def test_a_new_schedule_starts_after_the_published_ones_by_default(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "planner")
    page = browser_client.get("/planning", headers=EN).text
    form = page.split('action="/planning/jobs/schedule"')[1].split("</form>")[0]
    # Today is Monday 16 March; the published "week 14" runs to Monday 30 March, so the next
    # Monday would overlap it and could not be published: the form offers 6 April.
    assert 'name="first_day" value="2020-04-06"' in form
    forecast = page.split('action="/planning/jobs/forecast"')[1].split("</form>")[0]
    assert 'name="first_day" value="2020-03-23"' in forecast  # a forecast may start any time


def test_the_scheduled_column_shows_all_its_numbers_the_same_way(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    """A sick report 30 s into an interval leaves 0.98 of an agent there: shown row by row
    that was "1.0" amid whole numbers; the column is whole as long as each is at one decimal."""
    queue = web_world.base.queue_ids["general"]
    clock.at = datetime(2020, 3, 17, 9, 0, 30, tzinfo=UTC)  # 10:00:30 in Amsterdam
    csrf = log_in(browser_client, web_world, "agent")
    assert browser_client.post("/my/sick", data={"csrf_token": csrf}).status_code == 303
    log_in(browser_client, web_world, "planner")
    for headers in (EN, NL):
        page = browser_client.get(f"/planning?queue={queue}&day=2020-03-17", headers=headers)
        rows = _interval_rows(page.text)
        assert rows["09:30"][3] == "1"
        assert rows["10:00"][3] == "0"  # 0.02 of an agent: what was left 30 s in
        assert all(re.fullmatch(r"\d+", row[3]) for row in rows.values())
    clock.at = datetime(2020, 3, 17, 9, 15, tzinfo=UTC)  # better at 10:15: half an agent
    csrf = log_in(browser_client, web_world, "agent")
    assert browser_client.post("/my/better", data={"csrf_token": csrf}).status_code == 303
    log_in(browser_client, web_world, "planner")
    page = browser_client.get(f"/planning?queue={queue}&day=2020-03-17", headers=NL).text
    rows = _interval_rows(page)
    assert (rows["09:30"][3], rows["10:00"][3], rows["10:30"][3]) == ("1,0", "0,5", "1,0")
    assert all(re.fullmatch(r"\d+,\d", row[3]) for row in rows.values())
