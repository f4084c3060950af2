"""What the planning page says when publishing is refused, and about the drafts the services
keep: a refusal is a sentence (a capital first, a full stop last) in English and in Dutch, at
the form that was sent; a draft of replaced shifts offers no Publish button and says why, and
is refused if posted anyway; a "(given back)" draft names the rules its shifts were built by."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from bezetting.services.given_back import give_back
from bezetting.store import transaction
from bezetting.store.models import Schedule
from tests.web.conftest import WebWorld, draft_with_work, log_in
from tests.web.test_form_plumbing import redirected_refusal

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
HTMX = {"HX-Request": "true"}
CAO = {"rules": {"name": "CAO Klantcontact"}}


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(page))


def _replan_week_14(
    site: FastAPI, web_world: WebWorld, client: TestClient, csrf: str
) -> tuple[int, int]:
    """Week 14 (built by the CAO) replaced by a re-plan: the re-plan's id and the id of the
    draft that keeps week 14's replaced shifts."""
    sessions = site.state.bezetting.sessions
    with transaction(sessions, writes=True) as session:
        week_14 = session.scalars(select(Schedule).where(Schedule.name == "week 14")).one()
        week_14.built_with = CAO
    start = datetime(2020, 3, 24, 11, 0, tzinfo=UTC)
    draft = draft_with_work(
        sessions,
        web_world.base.agent_ids["1001"],
        name="week 14, second try",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        period=(date(2020, 3, 23), date(2020, 3, 29)),
    )
    replaced = client.post(
        f"/planning/schedules/{draft}/publish",
        data={"version": "1", "replace": "1", "csrf_token": csrf},
        headers={**HTMX, **EN},
    )
    assert replaced.status_code == 200, replaced.text
    with transaction(sessions) as session:
        kept: int = session.scalars(
            select(Schedule.id).where(Schedule.name == f"week 14 (replaced by schedule {draft})")
        ).one()
    return draft, kept


@pytest.mark.parametrize(
    ("headers", "note", "refusal"),
    [
        (
            EN,
            "Kept to look back at, not to publish: publishing it would bring back the shifts "
            "that schedule {draft} replaced.",
            "Schedule {kept} is not published: it keeps the shifts that schedule {draft} "
            "replaced, and publishing it would bring them back; build a new draft instead.",
        ),
        (
            NL,
            "Bewaard om terug te kijken, niet om te publiceren: publiceren zou de diensten "
            "terugbrengen die rooster {draft} heeft vervangen.",
            "Rooster {kept} is niet gepubliceerd: het bewaart de diensten die rooster {draft} "
            "heeft vervangen, en publiceren zou ze terugbrengen; maak in plaats daarvan een "
            "nieuw conceptrooster.",
        ),
    ],
    ids=["en", "nl"],
)
def test_a_draft_of_replaced_shifts_offers_no_publish_and_is_refused_if_posted(
    site: FastAPI,
    browser_client: TestClient,
    web_world: WebWorld,
    headers: dict[str, str],
    note: str,
    refusal: str,
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    draft, kept = _replan_week_14(site, web_world, browser_client, csrf)
    with transaction(site.state.bezetting.sessions) as session:
        version = session.get(Schedule, kept).version  # type: ignore[union-attr]

    page = browser_client.get("/planning", headers=headers).text
    row = re.search(rf'<tr id="schedule-{kept}">.*?</tr>', page, re.S)
    assert row is not None
    assert note.format(draft=draft) in _text(row.group(0))
    assert "CAO Klantcontact" in row.group(0)  # the rules its shifts were built by
    assert f'action="/planning/schedules/{kept}/publish"' not in row.group(0)

    stale = browser_client.post(  # a page opened before the replace still has the button
        f"/planning/schedules/{kept}/publish",
        data={"version": str(version), "replace": "1", "csrf_token": csrf},
        headers={**HTMX, **headers},
    )
    assert stale.status_code == 409
    assert stale.text.lstrip().startswith(f'<tr id="schedule-{kept}">')
    expected = refusal.format(kept=kept, draft=draft)
    assert f'<p class="error" role="alert">{expected}</p>' in _text(stale.text)


def test_without_javascript_a_refusal_is_a_sentence_at_the_publish_form(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    answer = browser_client.post(  # the draft is at version 2
        f"/planning/schedules/{web_world.draft_schedule_id}/publish",
        data={"version": "7", "csrf_token": csrf},
        headers=EN,
    )
    refused = redirected_refusal(browser_client, answer, EN)
    assert refused.status_code == 409
    draft = web_world.draft_schedule_id
    row = re.search(rf'<tr id="schedule-{draft}">.*?</tr>', refused.text, re.S)
    assert row is not None
    assert (
        f'<p class="error" role="alert" id="form-problem">Schedule {web_world.draft_schedule_id} '
        "is at version 2, not 7: someone changed it since you looked; reload the page and try "
        "again.</p>"
    ) in _text(row.group(0))
    assert "Not sent: see why at the form." in refused.text  # the top points to it


def test_a_given_back_draft_names_the_rules_of_its_schedule(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    sessions = site.state.bezetting.sessions
    with transaction(sessions, writes=True) as session:
        week_14 = session.scalars(select(Schedule).where(Schedule.name == "week 14")).one()
        week_14.built_with = CAO
        shift_id = week_14.shifts[0].id
    with transaction(sessions, writes=True) as session:
        give_back(session, [shift_id], now=datetime(2020, 3, 16, tzinfo=UTC), by_user_id=None)
    log_in(browser_client, web_world, "planner")
    page = browser_client.get("/planning", headers=EN).text
    row = re.search(r'<tr id="schedule-\d+">\s*<td>week 14 \(given back\).*?</tr>', page, re.S)
    assert row is not None
    assert "CAO Klantcontact" in row.group(0)
    assert "not recorded" not in row.group(0)
