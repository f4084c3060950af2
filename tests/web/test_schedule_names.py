"""Schedule names in the viewer's language: the suffixes the services store in English (a
draft of shifts given back, a schedule replaced by a republish) read in Dutch on a Dutch page,
and the name the planner typed stays as typed."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bezetting.web.schedule_names import schedule_name
from tests.web.conftest import WebWorld, draft_with_work, log_in

STORED = "Demo rooster vanaf 16-03-2020 (given back) (replaced by schedule 3)"


@pytest.mark.parametrize(
    ("stored", "language", "shown"),
    [
        (STORED, "nl", "Demo rooster vanaf 16-03-2020 (teruggegeven) (vervangen door rooster 3)"),
        (STORED, "en", STORED),
        ("Week 12 (given back)", "nl", "Week 12 (teruggegeven)"),
        ("Week 12 (replaced by schedule 41)", "nl", "Week 12 (vervangen door rooster 41)"),
        ("Week 12 (given back) extra", "nl", "Week 12 (given back) extra"),  # not at the end
        ("(given back)", "nl", "(given back)"),  # the whole name is what was typed
        ("Week 12 (replaced by schedule x)", "nl", "Week 12 (replaced by schedule x)"),
    ],
)
def test_known_suffixes_are_shown_in_the_language_of_the_page(
    stored: str, language: str, shown: str
) -> None:
    assert schedule_name(stored, language) == shown


def test_the_schedule_list_of_a_dutch_planner_has_no_english_suffixes(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    start = datetime(2020, 3, 24, 11, 0, tzinfo=UTC)
    draft_with_work(
        site.state.bezetting.sessions,
        web_world.base.agent_ids["1001"],
        name=STORED,
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        period=(date(2020, 3, 23), date(2020, 3, 29)),
    )
    log_in(browser_client, web_world, "planner")
    dutch = html.unescape(browser_client.get("/planning", headers={"Accept-Language": "nl"}).text)
    assert "Demo rooster vanaf 16-03-2020 (teruggegeven) (vervangen door rooster 3)" in dutch
    assert "(given back)" not in dutch
    assert "replaced by" not in dutch
    english = html.unescape(browser_client.get("/planning", headers={"Accept-Language": "en"}).text)
    assert STORED in english
