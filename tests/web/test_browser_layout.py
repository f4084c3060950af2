"""Layout the review found wrong, checked in Chromium (see test_browser.py for the set-up):
the "in place of published shifts" box on the planner's schedule list sits before its words at
a box's size, on a laptop and on a phone. Screenshots go to /tmp/web-shots/."""

from __future__ import annotations

import pytest

from tests.web.conftest import WebWorld
from tests.web.test_browser import SHOTS, _log_in, _shot, browser, server, sync_api

__all__ = ["browser", "server"]  # fixtures of test_browser.py, used here


@pytest.mark.parametrize(("name", "width", "height"), [("laptop", 1366, 768), ("phone", 390, 844)])
def test_the_publish_in_place_box_sits_before_its_words(
    server: str,
    browser: sync_api.Browser,
    web_world: WebWorld,
    name: str,
    width: int,
    height: int,
) -> None:
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": height})
    page = context.new_page()
    _log_in(page, server, web_world.base.emails["planner"])
    page.wait_for_url(f"{server}/planning")
    row = page.locator(f"#schedule-{web_world.draft_schedule_id}")
    box = row.locator("input[name=replace]")
    label = row.locator("label:has(input[name=replace])")
    box.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#schedules").screenshot(path=str(SHOTS / f"planner-publish-in-place-{name}.png"))
    _shot(page, f"planner-schedules-{name}")
    tick, words = box.bounding_box(), label.bounding_box()
    assert tick is not None
    assert words is not None
    assert tick["height"] <= 24, "a box to tick, not a field"
    assert tick["width"] <= 24
    assert words["y"] <= tick["y"]
    assert tick["y"] + tick["height"] <= words["y"] + words["height"]
    text_left = label.evaluate(
        "l => { const r = document.createRange(); r.selectNodeContents(l);"
        " return [...r.getClientRects()].filter(x => x.width > 0).map(x => x.left)"
        ".reduce((a, b) => Math.max(a, b), 0); }"
    )
    assert text_left >= tick["x"] + tick["width"], "the words beside the box, not under it"
    assert words["x"] + words["width"] <= width
    context.close()


def test_the_calendar_address_has_a_copy_button_that_fits_on_a_phone(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    _log_in(page, server, web_world.base.emails["agent"])
    page.wait_for_url(f"{server}/my/schedule")
    section = page.locator("#calendar")
    button = section.locator("button[data-copy]")
    section.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SHOTS / "agent-calendar-phone.png"))
    assert button.is_visible(), "shown once the script runs"
    card, place = section.bounding_box(), button.bounding_box()
    assert card is not None
    assert place is not None
    assert place["x"] + place["width"] <= card["x"] + card["width"], "the button fits the card"
    address = section.locator("input.feed").input_value()
    button.click()
    sync_api.expect(button).to_have_text("Copied")  # the clipboard answers asynchronously
    assert page.evaluate("navigator.clipboard.readText()") == address
    section.locator("summary").click()  # the confirmation step, then the renewal (HTMX)
    section.locator("button[type=submit]").click()
    page.wait_for_selector("#calendar [role=status]")
    assert page.locator("#calendar input.feed").input_value() != address
    # shown again once HTMX settles the swapped section (a moment after the status appears)
    sync_api.expect(page.locator("#calendar button[data-copy]")).to_be_visible()
    context.close()


def test_without_javascript_a_refused_time_off_form_stays_filled_in_on_its_page(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    _log_in(page, server, web_world.base.emails["agent"])
    page.wait_for_url(f"{server}/my/schedule")
    form = page.locator("form[action='/my/time-off']")
    form.locator("input[name=first_day]").fill("2020-03-25")
    form.locator("input[name=last_day]").fill("2020-03-24")
    form.locator("input[name=reason]").fill("bruiloft")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    form = page.locator("form[action='/my/time-off']")
    assert "ligt voor de eerste dag" in form.locator("[role=alert]").inner_text()
    assert form.locator("input[name=last_day]").input_value() == "2020-03-24"
    assert form.locator("input[name=reason]").input_value() == "bruiloft"
    assert page.locator("h1").inner_text() == "Mijn rooster"
    form.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    form.screenshot(path=str(SHOTS / "agent-nojs-time-off-refused-phone.png"))
    page.click("a[hreflang=en]")
    page.wait_for_url(f"{server}/my/schedule")
    assert page.locator("h1").inner_text() == "My schedule"
    context.close()
