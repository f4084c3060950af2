"""The planning settings on the planning page: a planner sees what differs from the law and
changes it; a bad value is named in the page's language and changes nothing; nobody else
changes them. Stored settings that no longer parse do not break the page: it says why, shows
what is stored, fills the form with it, and a new schedule is refused until they are fixed."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bezetting.core.schedule.rules import DUTCH_RULES
from bezetting.jobs import InProcessRunner, JobState
from bezetting.services.planning_settings import (
    PLANNING_BREAKS,
    OrganisationPlanningSettings,
    planning_settings,
    set_planning_settings,
)
from bezetting.store import transaction
from bezetting.store.models import Schedule
from bezetting.web.planning_settings import settings_rows
from bezetting.web.setting_labels import RULE_PACK_NAME_FIELD, SETTING_LABELS
from tests.services.planning_world import RENAMED_RULE, store_settings_unchecked
from tests.web.conftest import NOW, WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
HTMX = {"HX-Request": "true"}


def _stored(site: FastAPI, world: WebWorld) -> OrganisationPlanningSettings:
    return planning_settings(
        site.state.bezetting.sessions, organisation_id=world.base.organisation_id
    )


def _form(page: str) -> dict[str, str]:
    """The settings form's fields with the values the page filled in."""
    section = page[page.index('id="planning-settings"') :]
    fields = dict(re.findall(r'<input type="number" name="(\w+)" value="([^"]*)"', section))
    fields[RULE_PACK_NAME_FIELD] = html.unescape(
        re.search(rf'name="{RULE_PACK_NAME_FIELD}" value="([^"]*)"', section).group(1)  # type: ignore[union-attr]
    )
    return fields


def _saved_in_dutch(client: TestClient, csrf: str, fields: dict[str, str]) -> str:
    """Post the settings form as the page's button does; the section the page swaps in."""
    answer = client.post(
        "/planning/settings", data={**fields, "csrf_token": csrf}, headers={**HTMX, **NL}
    )
    assert answer.status_code == 200, answer.text
    text = html.unescape(answer.text)
    assert "De planningsinstellingen zijn opgeslagen." in text
    return text


def _changed_keys(page: str) -> list[str]:
    return re.findall(r'class="setting-changed[^"]*" data-key="(\w+)"', page)


def test_every_setting_has_a_label_and_the_form_a_field_for_each(
    browser_client: TestClient, web_world: WebWorld, site: FastAPI
) -> None:
    rows = settings_rows(_stored(site, web_world))
    assert {row.key for row in rows} | {RULE_PACK_NAME_FIELD} == set(SETTING_LABELS)
    log_in(browser_client, web_world, "planner")
    page = browser_client.get("/planning?day=2020-03-17", headers=EN).text
    fields = _form(page)
    assert set(fields) == set(SETTING_LABELS)
    assert fields["min_daily_rest_minutes"] == "660"
    assert fields["part_minutes"] == "30"  # the planning lunch
    assert fields["under_coverage_per_slot"] == "100"


def test_the_planner_sees_that_every_value_is_the_default_in_english_and_dutch(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "planner")
    page = browser_client.get("/planning?day=2020-03-17", headers=EN).text
    assert "Planning settings" in page
    assert "Rules: the Arbeidstijdenwet" in page
    assert "never changed" in page
    assert "Every value is the default" in page
    assert "Goes by: the Arbeidstijdenwet" in page  # on the new-schedule form
    dutch = html.unescape(browser_client.get("/planning?day=2020-03-17", headers=NL).text)
    assert "Planningsinstellingen" in dutch
    assert "Elke waarde is de standaard" in dutch
    assert "Rust tussen diensten, minstens (minuten)" in dutch
    assert "Volgt: de Arbeidstijdenwet" in dutch


def test_the_planner_stores_a_collective_agreement_and_the_page_shows_what_differs(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    fields = _form(browser_client.get("/planning?day=2020-03-17", headers=EN).text)
    fields.update(
        {
            RULE_PACK_NAME_FIELD: "CAO Contactcentra 2026",
            "min_daily_rest_minutes": "720",
            "min_shortened_daily_rest_minutes": "720",
            "part_minutes": "45",
            "wish_not_met": "60",
        }
    )
    text = _saved_in_dutch(browser_client, csrf, fields)
    assert "Regels: CAO Contactcentra 2026" in text
    assert "door planner@example.nl" in text
    assert _changed_keys(text) == [
        "min_daily_rest_minutes",
        "min_shortened_daily_rest_minutes",
        "part_minutes",
        "wish_not_met",
    ]
    stored = _stored(site, web_world)
    assert dict(stored.rules) == {
        "name": "CAO Contactcentra 2026",
        "min_daily_rest_minutes": 720,
        "min_shortened_daily_rest_minutes": 720,
    }
    # One break value changed: the whole policy is stored, so it reads back as shown.
    assert dict(stored.breaks) == {
        "part_minutes": 45,
        "earliest_after_start_minutes": 150,
        "latest_before_end_minutes": 150,
    }
    assert dict(stored.weights) == {"wish_not_met": 60.0}
    assert stored.updated_by == "planner@example.nl"
    page = html.unescape(browser_client.get("/planning?day=2020-03-17", headers=EN).text)
    assert "Goes by: CAO Contactcentra 2026 · " in page
    assert "4 values differ from the defaults" in page
    assert "less protection than" not in page, "stricter than the law: no warning"
    # Saving the form as shown changes nothing.
    again = browser_client.post(
        "/planning/settings", data={**_form(page), "csrf_token": csrf}, headers=HTMX
    )
    assert again.status_code == 200
    assert _stored(site, web_world).as_mapping() == stored.as_mapping()


def test_back_to_the_law_and_the_defaults(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    set_planning_settings(
        site.state.bezetting.sessions,
        organisation_id=web_world.base.organisation_id,
        settings={
            "rules": {"min_daily_rest_minutes": 720, "min_shortened_daily_rest_minutes": 720}
        },
        now=NOW,
    )
    csrf = log_in(browser_client, web_world, "admin")
    answer = browser_client.post(
        "/planning/settings", data={"reset": "1", "csrf_token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/planning#planning-settings"
    stored = _stored(site, web_world)
    assert stored.is_default
    assert stored.rule_pack == DUTCH_RULES
    assert stored.updated_by == "admin@example.nl"


def test_a_bad_value_is_named_in_dutch_and_changes_nothing(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    fields = _form(browser_client.get("/planning?day=2020-03-17", headers=EN).text)
    before = _stored(site, web_world)
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"min_daily_rest_minutes": "11u"},
            "Rust tussen diensten, minstens (minuten): '11u' is geen heel getal van 0 tot en "
            "met 100000",
        ),
        (
            {"wish_not_met": "veel"},
            "Kosten van een niet vervulde wens: 'veel' is geen getal van 0 tot en met 100000",
        ),
        (
            {"min_shortened_daily_rest_minutes": "700"},
            "de verkorte rust tussen diensten is langer dan de rust zelf",
        ),
        (
            {"part_minutes": "10"},
            "pauzes worden gepland in delen van 10 minuten, korter dan het kortste pauzedeel van "
            "de regels (15 minuten)",
        ),
        ({"week_starts_on_weekday": "7"}, "de week begint op een dag van 0 (maandag) tot en met"),
    ]
    for change, message in cases:
        answer = browser_client.post(
            "/planning/settings",
            data={**fields, **change, "csrf_token": csrf},
            headers={**HTMX, **NL},
        )
        assert answer.status_code == 422, change
        assert answer.headers["HX-Retarget"] == "#flash"
        assert message.lower() in html.unescape(answer.text).lower(), answer.text
    assert _stored(site, web_world) == before


def test_only_a_planner_or_an_admin_changes_the_settings(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    for who in ("agent", "team_lead", "client_viewer"):
        browser_client.cookies.clear()
        csrf = log_in(browser_client, web_world, who)
        answer = browser_client.post(
            "/planning/settings",
            data={"min_daily_rest_minutes": "720", "csrf_token": csrf},
            headers={**HTMX, **NL},
        )
        assert answer.status_code == 403
    browser_client.cookies.clear()
    log_in(browser_client, web_world, "planner")
    forged = browser_client.post(
        "/planning/settings",
        data={"min_daily_rest_minutes": "720", "csrf_token": "forged"},
        headers={**HTMX, **NL},
    )
    assert forged.status_code == 403
    assert _stored(site, web_world).is_default


def _schedule_row(page: str, schedule_id: int) -> str:
    row = re.search(rf'<tr id="schedule-{schedule_id}">(.*?)</tr>', page, re.S)
    assert row is not None, f"no row for schedule {schedule_id}"
    return " ".join(html.unescape(row.group(1)).split())


def test_each_schedule_says_which_rules_it_was_built_by_and_whether_they_still_hold(
    browser_client: TestClient, web_world: WebWorld, site: FastAPI
) -> None:
    sessions = site.state.bezetting.sessions
    with transaction(sessions, writes=True) as session:
        draft = session.get(Schedule, web_world.draft_schedule_id)
        assert draft is not None
        draft.built_with = {
            "rules": {"name": "CAO Klantcontact", "min_daily_rest_minutes": 720},
            "breaks": dict(PLANNING_BREAKS),
            "weights": {},
        }
    log_in(browser_client, web_world, "planner")
    page = browser_client.get("/planning?day=2020-03-17", headers=EN).text
    assert "<th>Rules</th>" in page
    row = _schedule_row(page, web_world.draft_schedule_id)
    assert "CAO Klantcontact" in row
    assert "not the planning settings in force now" in row  # nothing is stored: the law
    others = re.findall(r'<tr id="schedule-(\d+)">', page)
    assert len(others) > 1
    for other in others:
        if int(other) != web_world.draft_schedule_id:
            assert "not recorded" in _schedule_row(page, int(other))  # made by hand

    set_planning_settings(
        sessions,
        organisation_id=web_world.base.organisation_id,
        settings={"rules": {"name": "CAO Klantcontact", "min_daily_rest_minutes": 720}},
        now=NOW,
    )
    page = browser_client.get("/planning?day=2020-03-17", headers=EN).text
    row = _schedule_row(page, web_world.draft_schedule_id)
    assert "CAO Klantcontact" in row
    assert "in force now" not in row
    dutch = browser_client.get("/planning?day=2020-03-17", headers=NL).text
    assert "<th>Regels</th>" in dutch


def test_saving_the_form_keeps_a_precise_weight_set_elsewhere_as_it_was(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    set_planning_settings(
        site.state.bezetting.sessions,
        organisation_id=web_world.base.organisation_id,
        settings={"weights": {"wish_not_met": 12345.67, "unfair_share": 0.1234567}},
        now=NOW,
    )
    csrf = log_in(browser_client, web_world, "planner")
    fields = _form(browser_client.get("/planning?day=2020-03-17", headers=EN).text)
    assert (fields["wish_not_met"], fields["under_coverage_per_slot"]) == ("12345.67", "100")
    fields["min_daily_rest_minutes"] = "720"  # the planner changes a rule, not the weights
    fields["min_shortened_daily_rest_minutes"] = "720"
    answer = browser_client.post(
        "/planning/settings", data={**fields, "csrf_token": csrf}, headers={**HTMX, **EN}
    )
    assert answer.status_code == 200, answer.text
    assert dict(_stored(site, web_world).weights) == {
        "wish_not_met": 12345.67,
        "unfair_share": 0.1234567,
    }


def test_saving_the_settings_refreshes_the_schedule_lists_marks_at_once(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    with transaction(site.state.bezetting.sessions, writes=True) as session:
        draft = session.get(Schedule, web_world.draft_schedule_id)
        assert draft is not None
        draft.built_with = {"rules": {}, "breaks": dict(PLANNING_BREAKS), "weights": {}}
    csrf = log_in(browser_client, web_world, "planner")
    page = browser_client.get("/planning?day=2020-03-17", headers=EN).text
    assert "in force now" not in _schedule_row(page, web_world.draft_schedule_id)
    fields = {**_form(page), "min_daily_rest_minutes": "720"}
    fields["min_shortened_daily_rest_minutes"] = "720"
    answer = browser_client.post(
        "/planning/settings", data={**fields, "csrf_token": csrf}, headers={**HTMX, **EN}
    )
    assert answer.status_code == 200, answer.text
    assert 'id="schedules" hx-swap-oob="true"' in answer.text
    row = _schedule_row(answer.text, web_world.draft_schedule_id)
    assert "not the planning settings in force now" in row


def _store_renamed_rule(site: FastAPI, world: WebWorld) -> None:
    """Settings stored by an older release, with a rule since renamed, on a schedule built by
    them."""
    sessions = site.state.bezetting.sessions
    with transaction(sessions, writes=True) as session:
        draft = session.get(Schedule, world.draft_schedule_id)
        assert draft is not None
        draft.built_with = {**RENAMED_RULE, "breaks": dict(PLANNING_BREAKS)}
    store_settings_unchecked(sessions, world.base.organisation_id, RENAMED_RULE)


def test_unreadable_stored_settings_are_named_in_dutch_shown_as_stored_and_fill_the_form(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    _store_renamed_rule(site, web_world)
    log_in(browser_client, web_world, "planner")
    answer = browser_client.get("/planning?day=2020-03-17", headers=NL)
    assert answer.status_code == 200, answer.text
    page = html.unescape(answer.text)
    settings = page[page.index('id="planning-settings"') :]
    assert (
        "De opgeslagen planningsinstellingen zijn niet geldig (rules: unknown rule(s) "
        "['daily_rest_minutes']" in settings
    )
    assert "Verbeter ze en sla ze op, of ga terug naar de wet en de standaard." in settings
    assert "daily_rest_minutes: 720" in settings  # what is stored, to correct
    assert "Planningsinstellingen opslaan" in settings
    assert "Terug naar de wet" in settings
    fields = _form(page)
    assert fields[RULE_PACK_NAME_FIELD] == "CAO Klantcontact"
    assert (fields["break_minutes"], fields["wish_not_met"]) == ("45", "60")  # kept from it
    assert fields["min_daily_rest_minutes"] == "660"  # the renamed rule: the law, to correct
    assert "een nieuw rooster wordt geweigerd tot ze verbeterd zijn" in page  # new-schedule form
    row = _schedule_row(answer.text, web_world.draft_schedule_id)
    assert "CAO Klantcontact" in row
    assert "onbekend of dit de planningsinstellingen van nu zijn" in row
    english = html.unescape(browser_client.get("/planning?day=2020-03-17", headers=EN).text)
    assert "The stored planning settings are not valid (rules: unknown rule(s)" in english


def test_correcting_the_one_bad_value_in_the_form_keeps_the_rest_of_the_agreement(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    _store_renamed_rule(site, web_world)
    csrf = log_in(browser_client, web_world, "planner")
    fields = _form(browser_client.get("/planning?day=2020-03-17", headers=EN).text)
    fields["min_daily_rest_minutes"] = "720"  # what the renamed rule said
    answer = browser_client.post(
        "/planning/settings", data={**fields, "csrf_token": csrf}, headers={**HTMX, **EN}
    )
    assert answer.status_code == 200, answer.text
    assert "The planning settings are saved." in answer.text
    assert "not valid" not in answer.text
    stored = _stored(site, web_world)
    assert dict(stored.rules) == {
        "name": "CAO Klantcontact",
        "min_daily_rest_minutes": 720,
        "break_minutes": 45,
    }
    assert dict(stored.weights) == {"wish_not_met": 60.0}
    # Known again: the draft's recorded rule no longer parses, so it counts as other settings.
    row = _schedule_row(answer.text, web_world.draft_schedule_id)
    assert "not the planning settings in force now" in row
    assert "not known whether" not in row


def test_unreadable_stored_settings_can_be_set_back_to_the_law_from_the_page(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    _store_renamed_rule(site, web_world)
    csrf = log_in(browser_client, web_world, "planner")
    answer = browser_client.post(
        "/planning/settings", data={"reset": "1", "csrf_token": csrf}, headers=HTMX
    )
    assert answer.status_code == 200, answer.text
    assert _stored(site, web_world).is_default


def test_a_schedule_started_on_unreadable_settings_fails_saying_why_in_dutch(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    _store_renamed_rule(site, web_world)
    csrf = log_in(browser_client, web_world, "planner")
    runner: InProcessRunner = site.state.bezetting.runner
    before = {j.id for j in runner.store.recent(limit=200)}
    browser_client.post(
        "/planning/jobs/schedule",
        data={"first_day": "2020-03-16", "weeks": "1", "time_limit_seconds": "2",
              "csrf_token": csrf},
        headers=HTMX,
    )  # fmt: skip
    (job_id,) = [j.id for j in runner.store.recent(limit=200) if j.id not in before]
    job = runner.wait(job_id, timeout_seconds=60)
    assert job.state is JobState.FAILED
    assert job.error is not None
    assert job.error.code == "unreadable_planning_settings"
    jobs = html.unescape(browser_client.get("/planning/jobs", headers=NL).text)
    assert "De opgeslagen planningsinstellingen zijn niet geldig (rules: unknown rule(s)" in jobs


def test_values_below_the_law_are_saved_with_a_warning_that_names_them(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    fields = _form(browser_client.get("/planning?day=2020-03-17", headers=EN).text)
    fields.update(
        {
            "min_daily_rest_minutes": "300",  # 5 h: the law asks 11 h
            "min_shortened_daily_rest_minutes": "240",
            "max_work_minutes_per_shift": "900",  # 15 h: the law allows 12 h
            "max_work_minutes_per_week": "3000",  # 50 h: stricter than 60 h, no warning
        }
    )
    text = _saved_in_dutch(browser_client, csrf, fields)
    assert "3 waarden beschermen minder dan de Arbeidstijdenwet" in text
    below = re.findall(r'class="setting-changed below-law" data-key="(\w+)"', text)
    assert below == [
        "max_work_minutes_per_shift",
        "min_daily_rest_minutes",
        "min_shortened_daily_rest_minutes",
    ]
    assert "max_work_minutes_per_week" in _changed_keys(text)
    assert text.count("(minder bescherming dan de wet)") == 3
