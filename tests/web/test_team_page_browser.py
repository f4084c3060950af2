"""The team page's absence buttons in Chromium: the row and the summary above it agree without a
reload (the server and browser of :mod:`tests.web.test_browser`)."""

from __future__ import annotations

from datetime import timedelta

from tests.web import test_browser
from tests.web.conftest import Clock, WebWorld

sync_api = test_browser.sync_api
pytestmark = test_browser.pytestmark
server = test_browser.server
browser = test_browser.browser


def test_report_sick_and_better_update_the_absent_count_and_list_in_place(
    server: str, browser: sync_api.Browser, web_world: WebWorld, clock: Clock
) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    test_browser._log_in(page, server, web_world.base.emails["team_lead"])
    page.wait_for_url(f"{server}/team")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    count = page.locator("#team-absent-now .value")
    absent_today = page.locator("#team-absent-today")
    row = page.locator(f"#agent-{web_world.cas.agent_id}")
    assert count.inner_text() == "0"

    row.get_by_role("button", name="Report sick").click()
    row.get_by_role("button", name="Report better").wait_for(timeout=10_000)
    sync_api.expect(count).to_have_text("1", timeout=10_000)
    sync_api.expect(absent_today).to_contain_text("Cas Bakker")

    clock.advance(timedelta(minutes=2))
    row.get_by_role("button", name="Report better").click()
    sync_api.expect(row).to_contain_text("taken back as a mistake", timeout=10_000)
    sync_api.expect(count).to_have_text("0")
    sync_api.expect(absent_today).to_contain_text("Nobody is absent today.")
    assert row.get_by_role("button", name="Report sick").is_visible()
    assert navigations == []  # HTMX swapped the parts; the page did not reload
    context.close()
