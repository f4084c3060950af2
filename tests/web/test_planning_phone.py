"""The planner's page on a phone (390 x 844) in Chromium: nothing makes the page scroll
sideways; the schedule list keeps its name, period and action in view. Screenshots go to
/tmp/web-shots/ (see test_browser.py for the set-up)."""

from __future__ import annotations

import pytest

from tests.web.conftest import WebWorld
from tests.web.test_browser import SHOTS, _log_in, _shot, browser, server, sync_api

__all__ = ["browser", "server"]  # fixtures of test_browser.py, used here


@pytest.mark.parametrize("locale", ["en-GB", "nl-NL"])
def test_the_planning_page_does_not_scroll_sideways_on_a_phone(
    server: str, browser: sync_api.Browser, web_world: WebWorld, locale: str
) -> None:
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    page = context.new_page()
    _log_in(page, server, web_world.base.emails["planner"])
    page.wait_for_url(f"{server}/planning")
    _shot(page, f"planner-phone-{locale}")
    page_width, phone_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert page_width <= phone_width, "the page is wider than the phone"
    schedules = page.locator("#schedules")
    schedules.screenshot(path=str(SHOTS / f"planner-schedules-phone-{locale}.png"))
    table_width, shown_width = schedules.locator(".table-scroll").evaluate(
        "box => [box.scrollWidth, box.clientWidth]"
    )
    assert table_width <= shown_width, "the schedule list needs no sideways scrolling either"
    publish = page.locator(f"#schedule-{web_world.draft_schedule_id} button[type=submit]")
    place = publish.bounding_box()
    assert place is not None
    assert place["x"] >= 0, "Publish in view"
    assert place["x"] + place["width"] <= phone_width, "Publish in view"
    period = page.locator(f"#schedule-{web_world.draft_schedule_id} td[data-label]").first
    label = period.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == ('"Period"' if locale == "en-GB" else '"Periode"'), "a cell says what it is"
    context.close()
