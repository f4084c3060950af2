"""Publishing on the planning page never puts a shift on approved time off: the page says which
shifts were left out, whose, when and on which time off, in English and in Dutch."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from bezetting.store import transaction
from bezetting.store.models import Schedule
from tests.api.conftest import draft_on_approved_leave
from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
HTMX = {"HX-Request": "true"}


def _publish(
    client: TestClient,
    schedule_id: int,
    *,
    version: int,
    csrf: str,
    headers: dict[str, str],
    **fields: str,
) -> Any:  # the test client's response
    return client.post(
        f"/planning/schedules/{schedule_id}/publish",
        data={"version": str(version), "csrf_token": csrf, **fields},
        headers=headers,
    )


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(page))


def _statuses(site: FastAPI) -> dict[str, tuple[int, str, int]]:
    """Every schedule by name: id, status, version."""
    with transaction(site.state.bezetting.sessions) as session:
        return {
            s.name: (s.id, s.status.value, s.version) for s in session.scalars(select(Schedule))
        }


def test_publishing_names_the_shift_left_out_for_approved_time_off(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    draft = draft_on_approved_leave(site, web_world.base, "1001", "1002")
    csrf = log_in(browser_client, web_world, "planner")

    answer = _publish(browser_client, draft, version=1, csrf=csrf, headers={**HTMX, **EN})

    assert answer.status_code == 200, answer.text
    assert answer.headers["HX-Retarget"] == "#schedules"  # the list has a new draft in it
    text = _text(answer.text)
    assert (
        "\u201cweek 16\u201d is published without 1 shift on approved time off, as approving "
        "time off gives a shift back. It is in the draft \u201cweek 16 (given back)\u201d:"
    ) in text
    assert ("Anouk de Vries, Tuesday, April 7 09:00 \u2013 17:00: time off Apr 7, 2020") in text
    assert "Apr 7, 2020 \u2013 Apr 7, 2020" not in text  # one day is named once
    assert re.search(r'id="schedule-\d+">\s*<td>week 16 \(given back\)', answer.text)
    statuses = _statuses(site)
    assert statuses["week 16"][1] == "published"
    assert statuses["week 16 (given back)"][1] == "draft"


def test_a_plain_publish_says_it_in_dutch_and_an_all_clashing_draft_is_refused(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    draft = draft_on_approved_leave(site, web_world.base, "1001", "1002")
    csrf = log_in(browser_client, web_world, "planner")

    queue = str(web_world.base.queue_ids["general"])
    answer = _publish(
        browser_client, draft, version=1, csrf=csrf, headers=NL, queue=queue, day="2020-04-07"
    )  # from the draft's coverage view: a plain post

    assert answer.status_code == 200, answer.text  # the page itself: a redirect would lose it
    text = _text(answer.text)
    assert f'action="/planning/schedules/{draft}/publish"' not in answer.text  # published
    assert 'id="coverage"' in answer.text
    assert (
        "\u201cweek 16\u201d is gepubliceerd zonder 1 dienst in goedgekeurd verlof, want "
        "goedgekeurd verlof geeft een dienst terug. Die staat in het concept "
        "\u201cweek 16 (teruggegeven)\u201d:"  # the stored suffix, in Dutch
    ) in text
    assert ("Anouk de Vries, dinsdag 7 april 09:00 \u2013 17:00: verlof 7 apr 2020") in text
    assert "7 apr 2020 \u2013 7 apr 2020" not in text

    given_back, _, version = _statuses(site)["week 16 (given back)"]
    refused = _publish(
        browser_client, given_back, version=version, csrf=csrf, headers={**HTMX, **NL}
    )
    assert refused.status_code == 409
    assert (
        f"Rooster {given_back} is niet gepubliceerd: elk van zijn diensten valt in goedgekeurd "
        "verlof van de medewerker (1 in totaal), zoals Anouk de Vries die 07-04-2020, 09:00 "
        "\u2013 17:00 werkt"
    ) in _text(refused.text)
    assert _statuses(site)["week 16 (given back)"] == (given_back, "draft", version)
