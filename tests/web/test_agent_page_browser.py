"""The agent's page in Chromium: the answer to one form replaces a refusal an earlier answer
left in another section (the server and browser of :mod:`tests.web.test_browser`)."""

from __future__ import annotations

from tests.web import test_browser
from tests.web.conftest import WebWorld

sync_api = test_browser.sync_api
pytestmark = test_browser.pytestmark
server = test_browser.server
browser = test_browser.browser


def test_a_later_answer_clears_the_refusal_another_form_left_behind(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    test_browser._log_in(page, server, web_world.base.emails["agent"])
    page.wait_for_url(f"{server}/my/schedule")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    availability = page.locator("#my-availability form[action='/my/availability']")
    availability.locator("input[name=day]").fill("2020-05-04")
    availability.locator("input[name=from]").fill("18:00")
    availability.locator("input[name=to]").fill("18:00")  # the end equals the start: refused
    availability.get_by_role("button", name="Save").click()
    refusal = page.locator("#my-availability .error")
    sync_api.expect(refusal).to_contain_text("the end is the same as the start", timeout=10_000)

    time_off = page.locator("form[action='/my/time-off']")
    time_off.locator("input[name=first_day]").fill("2020-04-20")
    time_off.locator("input[name=last_day]").fill("2020-04-21")
    time_off.get_by_role("button", name="Send request").click()
    sync_api.expect(page.locator("#my-requests")).to_contain_text("Apr 20", timeout=10_000)

    sync_api.expect(refusal).to_have_count(0)
    assert page.locator('[role="alert"]').count() == 0
    # What was typed in the availability form stays: only the stale reason went.
    assert availability.locator("input[name=day]").input_value() == "2020-05-04"

    # A refusal of one form and a later refusal of another: only the newer one stays.
    availability.get_by_role("button", name="Save").click()
    sync_api.expect(refusal).to_have_count(1, timeout=10_000)
    time_off.locator("input[name=first_day]").fill("2020-04-22")
    time_off.locator("input[name=last_day]").fill("2020-04-21")  # before the first day
    time_off.get_by_role("button", name="Send request").click()
    sync_api.expect(page.locator("#my-requests .error")).to_be_visible(timeout=10_000)
    sync_api.expect(refusal).to_have_count(0)
    assert navigations == []  # HTMX swapped the sections; the page did not reload
    context.close()
