"""The pages in a real browser: Debian's Chromium driven by Playwright, against uvicorn.

The server runs in a thread of the test process on a free port, on a private copy of the test
world at the pinned clock. Screenshots of every page go to /tmp/web-shots/ (not the repository)
for a human to look at. Skipped, saying why, when /usr/bin/chromium or Playwright is missing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from tests.web.conftest import PASSWORD, WebWorld

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path("/tmp/web-shots")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no browser at {CHROMIUM} (install Debian's chromium package)"
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (dev extra)"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(site: FastAPI) -> Iterator[str]:
    """uvicorn serving the site in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(site, host="127.0.0.1", port=port, log_level="warning", ws="none")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start in 20 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            chromium.close()


def _log_in(page: sync_api.Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _shot(page: sync_api.Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_agent_logs_in_and_sees_their_schedule(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/login")
    assert page.locator("h1").inner_text() == "Inloggen"
    _shot(page, "login-nl")
    _log_in(page, server, web_world.base.emails["agent"])
    page.wait_for_url(f"{server}/my/schedule")
    assert page.locator("h1").inner_text() == "Mijn rooster"
    day = page.locator("article.day").first
    assert "dinsdag 17 maart" in day.inner_text().lower()
    assert "09:00 – 17:00" in day.inner_text()  # 08:00 UTC is 09:00 in Amsterdam
    _shot(page, "agent-laptop-nl")
    phone = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    phone_page = phone.new_page()
    _log_in(phone_page, server, web_world.base.emails["agent"])
    phone_page.wait_for_url(f"{server}/my/schedule")
    _shot(phone_page, "agent-phone-nl")
    denied = phone_page.goto(f"{server}/planning")
    assert denied is not None
    assert denied.status == 403
    assert phone_page.locator("h1").inner_text() == "Niet voor jou"
    _shot(phone_page, "agent-phone-nl-403")
    phone.close()
    context.close()


def test_a_team_lead_approves_a_request_with_htmx(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, server, web_world.base.emails["team_lead"])
    page.wait_for_url(f"{server}/team")
    item = page.locator(f"#request-{web_world.team_request_id}")
    assert "Anouk de Vries" in item.inner_text()
    _shot(page, "team-lead-en")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    item.get_by_role("button", name="Approve").click()
    badge = page.locator(f"#request-{web_world.team_request_id} .badge-approved")
    badge.wait_for(timeout=10_000)
    assert badge.inner_text() == "approved"
    assert navigations == []  # HTMX swapped the row; the page did not reload
    _shot(page, "team-lead-en-approved")
    context.close()


@pytest.mark.parametrize(
    ("who", "path", "heading"),
    [
        ("planner", "/planning?day=2020-03-17", "Planning"),
        ("client_viewer", "/client", "Onze wachtrijen"),
        ("admin", "/admin/users", "Gebruikers"),
    ],
)
def test_every_other_page_renders_in_the_browser(
    server: str, browser: sync_api.Browser, web_world: WebWorld, who: str, path: str, heading: str
) -> None:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    _log_in(page, server, web_world.base.emails[who])
    page.wait_for_load_state()
    page.goto(f"{server}{path}")
    assert page.locator("h1").inner_text() == heading
    _shot(page, f"{who}-nl")
    assert errors == []
    context.close()


def test_an_agent_offers_a_shift_and_a_colleague_takes_it_with_htmx(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    cas = web_world.cas
    errors: list[str] = []
    offering = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = offering.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _log_in(page, server, cas.email)
    page.wait_for_url(f"{server}/my/schedule")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    for shift_id in (cas.free_shift_id, cas.late_shift_id):
        page.locator(f"#offer-{shift_id}").get_by_role("button", name="Offer for swap").click()
        page.locator(f"#offer-{shift_id} .badge-pending").wait_for(timeout=10_000)
    # The two new offers and the one Anouk took already, waiting for the team lead.
    assert page.locator("#my-swaps").get_by_role("button", name="Withdraw").count() == 3
    assert navigations == []  # the section and the buttons were swapped in place
    _shot(page, "agent-offers-en")
    actions = page.locator("#my-swaps form[action$='/withdraw']").evaluate_all(
        "forms => forms.map(f => f.getAttribute('action'))"
    )
    free_swap, late_swap = sorted(int(a.split("/")[3]) for a in actions)[-2:]

    taking = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = taking.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _log_in(page, server, web_world.base.emails["agent"])
    page.wait_for_url(f"{server}/my/schedule")
    late = page.locator(f"#swap-{late_swap}")
    assert "21:00 – 01:00" in late.inner_text()
    late.get_by_role("button", name="Deze dienst overnemen").click()
    reason = page.locator("#my-swaps .breaches")
    reason.wait_for(timeout=10_000)
    assert "Te weinig rust tussen diensten: 7 uur, minstens 8 uur" in reason.inner_text()
    _shot(page, "agent-swap-refused-nl")
    free = page.locator(f"#swap-{free_swap}")
    assert "donderdag 19 maart" in free.inner_text().lower()
    free.get_by_role("button", name="Deze dienst overnemen").click()
    taken = page.locator(f"#swap-{free_swap} .badge-accepted")
    taken.wait_for(timeout=10_000)
    assert taken.inner_text() == "overgenomen, wacht op goedkeuring"
    _shot(page, "agent-swap-taken-nl")
    lead = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = lead.new_page()
    _log_in(page, server, web_world.base.emails["team_lead"])
    page.wait_for_url(f"{server}/team")
    assert page.locator(f"#team-swap-{free_swap}").get_by_role("button", name="Goedkeuren").count()
    _shot(page, "team-lead-swaps-nl")
    assert [e for e in errors if "422" not in e] == []  # the refusal is an answer, not a fault
    for context in (offering, taking, lead):
        context.close()


def test_a_planner_decides_a_swap_and_starts_a_schedule_job_with_htmx(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _log_in(page, server, web_world.base.emails["planner"])
    page.wait_for_url(f"{server}/planning")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    swap = page.locator(f"#team-swap-{web_world.cas.team_swap_id}")
    assert "Cas Bakker" in swap.inner_text()
    _shot(page, "planner-nl")
    swap.get_by_role("button", name="Goedkeuren").click()
    page.locator(f"#team-swap-{web_world.cas.team_swap_id} .badge-approved").wait_for(
        timeout=10_000
    )
    form = page.locator("#start-schedule")
    form.locator("input[name=weeks]").evaluate("input => input.removeAttribute('max')")
    form.locator("input[name=weeks]").fill("9")
    form.get_by_role("button", name="Rooster starten").click()
    flash = page.locator("#flash .error")
    flash.wait_for(timeout=10_000)
    assert flash.inner_text() == "Weken: '9' is geen heel getal van 1 tot en met 6."
    form.locator("input[name=weeks]").fill("1")
    form.locator("input[name=time_limit_seconds]").fill("1")
    form.get_by_role("button", name="Rooster starten").click()
    row = page.locator("#jobs tbody tr").filter(has_text="rooster").first
    row.wait_for(timeout=10_000)
    # The earlier message is gone (waits: the jobs list and the flash are separate swaps).
    sync_api.expect(page.locator("#flash")).to_have_text("", timeout=10_000)
    row.locator(".badge-failed").wait_for(timeout=60_000)  # it polled until the job ended
    assert "geen wachtrij heeft benodigde medewerkers van 6 apr 2020 tot en met 12 apr 2020" in (
        row.inner_text()
    )
    assert navigations == []
    _shot(page, "planner-swap-approved-and-job-nl")
    assert [e for e in errors if "422" not in e] == []  # the refused field is an answer
    context.close()


def test_a_refusal_scrolls_into_view_on_a_phone(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    """The start-schedule form lies far below the message area at the top of the page."""
    phone = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    _log_in(page, server, web_world.base.emails["planner"])
    page.wait_for_url(f"{server}/planning")
    form = page.locator("#start-schedule")
    form.locator("input[name=weeks]").evaluate("input => input.removeAttribute('max')")
    form.locator("input[name=weeks]").fill("9")
    form.get_by_role("button", name="Rooster starten").click()
    flash = page.locator("#flash .error")
    flash.wait_for(timeout=10_000)
    sync_api.expect(flash).to_be_in_viewport(timeout=5_000)
    _shot(page, "planner-phone-refusal-nl")
    phone.close()


# What sticks out on a phone: every element shown whose right edge passes the viewport or its
# card, except inside a `.table-scroll` wrapper (a wide table scrolls there); and every table
# that is not in such a wrapper.
_STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const classes = e => typeof e.className === 'string' ? e.className.trim().split(/\\s+/) : [];
  const name = e => [e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''), ...classes(e)]
    .filter(Boolean).join('.');
  const found = [];
  for (const e of document.body.querySelectorAll('*')) {
    const box = e.getBoundingClientRect();
    if ((box.width === 0 && box.height === 0) || e.parentElement.closest('.table-scroll')) continue;
    const card = e.parentElement.closest('.card');
    const limit = card ? Math.min(width, card.getBoundingClientRect().right) : width;
    if (box.right > limit + 1) {
      found.push(`${name(e)} ends at ${Math.round(box.right)} > ${Math.round(limit)}`);
    }
  }
  for (const table of document.querySelectorAll('table')) {
    const wrapper = table.closest('.table-scroll');
    if (!wrapper || !['auto', 'scroll'].includes(getComputedStyle(wrapper).overflowX)) {
      found.push(`${name(table)} in ${name(table.parentElement)}: no scrolling .table-scroll`);
    }
  }
  return found;
}"""


@pytest.mark.parametrize(
    ("who", "path"),
    [("planner", "/planning?day=2020-03-17"), ("team_lead", "/team"), ("agent", "/my/schedule")],
)
def test_nothing_sticks_out_on_a_phone(
    server: str, browser: sync_api.Browser, web_world: WebWorld, who: str, path: str
) -> None:
    phone = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    _log_in(page, server, web_world.base.emails[who])
    page.wait_for_load_state()
    page.goto(f"{server}{path}")
    if who == "planner":  # a queue with a long name, as real ones have, must not widen the form
        page.locator("select[name=queue] option").first.evaluate(
            "option => { option.textContent += ' Werkplein inkomen en uitkeringen Rivierdal' }"
        )
    _shot(page, f"{who}-phone-layout-nl")
    assert page.evaluate(_STICKING_OUT) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if who == "team_lead":  # reporting someone sick needs no sideways scrolling
        button = page.locator("tr[id^=agent-] button").first.bounding_box()
        assert button is not None
        assert button["x"] + button["width"] <= 390
    if who == "planner":
        chart = page.locator("svg.chart").bounding_box()
        card = page.locator("section.card", has=page.locator("svg.chart")).bounding_box()
        assert chart is not None
        assert card is not None
        # The whole day is drawn inside the card, scaled to its width (16 px padding each side).
        assert card["x"] < chart["x"]
        assert chart["x"] + chart["width"] <= card["x"] + card["width"]
        assert chart["width"] >= card["width"] - 2 * 16 - 2
    phone.close()


def test_a_planner_changes_the_planning_settings_on_a_phone_with_htmx(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    phone = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _log_in(page, server, web_world.base.emails["planner"])
    page.wait_for_url(f"{server}/planning")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    settings = page.locator("#planning-settings")
    settings.locator("summary").click()
    assert page.evaluate(_STICKING_OUT) == []  # the open form fits the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    settings.get_by_label("Naam van de regels (bijv. de cao)").fill("CAO Contactcentra 2026")
    settings.get_by_label("Rust tussen diensten, minstens (minuten)", exact=True).fill("720")
    settings.get_by_label("Verkorte rust tussen diensten, minstens (minuten)").fill("720")
    settings.get_by_role("button", name="Planningsinstellingen opslaan").click()
    saved = page.locator("#planning-settings [role=status]")
    saved.wait_for(timeout=10_000)
    assert saved.inner_text() == "De planningsinstellingen zijn opgeslagen."
    changed = page.locator("#planning-settings tr.setting-changed")
    assert changed.count() == 2
    assert "Rust tussen diensten" in changed.first.inner_text()
    assert "Regels: CAO Contactcentra 2026" in page.locator("#planning-settings").inner_text()
    # The new-schedule form says what it goes by now.
    assert page.locator("#schedule-rules").inner_text() == (
        "Volgt: CAO Contactcentra 2026 · 2 waarden wijken af van de standaard"
    )
    _shot(page, "planner-settings-phone-nl")
    page.locator("#planning-settings summary").click()
    page.get_by_role("button", name="Terug naar de wet en de standaard").click()
    page.locator("#planning-settings .settings-default").wait_for(timeout=10_000)
    assert page.locator("#schedule-rules").inner_text() == "Volgt: de Arbeidstijdenwet"
    assert navigations == []
    assert errors == []
    phone.close()
