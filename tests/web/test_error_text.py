"""A Dutch page says a service error in Dutch; an English page keeps the service's own words
with its moments in local time; the API keeps the message as the service wrote it."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import bezetting
import bezetting.api.app
import bezetting.cli.jobs
import bezetting.core.simulate
import bezetting.ingest
import bezetting.jobs
from bezetting.core.errors import BezettingError, ConflictError, InputError
from bezetting.web.error_text import (
    BY_CODE,
    FIXED,
    FormError,
    error_text,
    message_text,
    progress_text,
)
from bezetting.web.i18n import translations
from tests.web.conftest import Clock, WebWorld, log_in

NL = {"Accept-Language": "nl"}
EN = {"Accept-Language": "en"}
HTMX = {"HX-Request": "true"}


def _codes(kind: type[BezettingError]) -> set[str]:
    found = {kind.code}
    for sub in kind.__subclasses__():
        found |= _codes(sub)
    return found


def test_every_error_code_has_a_dutch_sentence() -> None:
    dutch = translations("nl")
    assert _codes(BezettingError) <= set(BY_CODE)
    assert [text for text in BY_CODE.values() if dutch.gettext(text) == text] == []


@pytest.mark.parametrize(
    ("code", "message", "dutch"),
    [
        ("conflict",
         "schedule 7 is at version 3, but the change was made to version 2: someone else saved "
         "it in between; reload it and apply your change again",
         "rooster 7 staat op versie 3, niet 2: iemand heeft het gewijzigd sinds je keek; laad de "
         "pagina opnieuw en probeer het nog eens"),
        ("conflict", "swap 5 is withdrawn, not open", "ruil 5: ingetrokken (verwacht: staat open)"),
        ("invalid_input",
         "starts_at: time off cannot start before today (2020-03-17); it starts on 2020-03-16",
         "verlof kan niet voor vandaag beginnen (17 mrt 2020)"),
        ("invalid_input",
         "overlaps your pending time off (2020-03-27T23:00:00+00:00 .. 2020-03-29T22:00:00+00:00)",
         "overlapt met je verlof dat in behandeling is, van 28 mrt 2020 tot en met 29 mrt 2020"),
        ("invalid_input",
         "overlaps your approved time off (2020-03-18T23:00:00+00:00 .. 2020-03-19T23:00:00+00:00)",
         "overlapt met je goedgekeurde verlof op 19 mrt 2020"),
        ("invalid_input",
         "ends_at: time off is at most 42 days at once; 2020-04-01 to 2021-12-31 is 640 days",
         "verlof is ten hoogste 42 dagen achter elkaar; 1 apr 2020 tot en met 31 dec 2021 is 640 "
         "dagen"),
        ("conflict", "request 6 is pending; only approved time off is cancelled",
         "dit verlof is in behandeling; alleen goedgekeurd verlof kan worden geannuleerd"),
        ("conflict",
         "shift 12 is no longer published as it was when the swap was agreed; the swap cannot go "
         "ahead (withdraw or reject it)",
         "dienst 12 is niet meer gepubliceerd zoals bij het afspreken van de ruil; de ruil kan "
         "niet doorgaan (trek hem in of wijs hem af)"),
        ("invalid_input", "you cannot take your own offer",
         "je kunt je eigen aanbod niet overnemen"),
        ("forbidden", "this page is for: admin, planner",
         "deze pagina is voor een andere rol (beheerder, planner)"),
        ("invalid_input", "you answered survey 3 already", "je hebt pulsvraag 3 al beantwoord"),
        ("invalid_input", "the answer must be from 1 to 5, got 9",
         "het antwoord moet van 1 tot en met 5 zijn, niet 9"),
        ("conflict", "a message no pattern knows",
         "Iemand heeft dit intussen gewijzigd; laad de pagina opnieuw en probeer het nog eens."),
        ("a_code_added_later", "something new", "Dat lukte niet."),
        ("invalid_input",
         "no queue of 'stadsbrug' has a requirement between 2020-03-30 and 2020-04-05: "
         "forecast and compute requirements first",
         "geen wachtrij heeft benodigde medewerkers van 30 mrt 2020 tot en met 5 apr 2020: "
         "start eerst een voorspelling"),
    ],
)  # fmt: skip
def test_a_service_message_in_dutch(code: str, message: str, dutch: str) -> None:
    assert message_text(code, message, "nl") == dutch


@pytest.mark.parametrize(
    ("message", "english"),
    [
        ("you cannot take your own offer", "you cannot take your own offer"),
        ("starts_at: time off cannot start before today (2020-03-17); it starts on 2020-03-16",
         "time off cannot start before today (Mar 17, 2020)"),
        ("overlaps your pending time off (2020-03-27T23:00:00+00:00 .. 2020-03-29T22:00:00+00:00)",
         "overlaps your pending time off from Mar 28, 2020 to Mar 29, 2020"),
        ("overlaps your approved time off (2020-03-18T13:00:00+00:00 .. 2020-03-18T17:00:00+00:00)",
         "overlaps your approved time off from Mar 18, 2020, 14:00 to 18:00"),
        ("the time off of request 6 started at 2020-03-16T23:00:00+00:00; only time off that "
         "has not started can be cancelled",
         "this time off started at Mar 17, 2020, 00:00; only time off that has not started can "
         "be cancelled"),
        ("schedule 4 cannot be published: agent 1 (Anouk de Vries) works "
         "2020-03-16T13:00:00+00:00 .. 2020-03-16T18:00:00+00:00 in it and "
         "2020-03-16T07:00:00+00:00 .. 2020-03-16T15:00:00+00:00 in published schedule 1; "
         "overlapping shifts in all: 1; publish it replacing what has not started, or move or "
         "remove them first",
         "schedule 4 cannot be published: Anouk de Vries works Mar 16, 2020, 14:00 – 19:00 in "
         "it and Mar 16, 2020, 08:00 – 16:00 in published schedule 1; overlapping shifts in "
         "all: 1; publish it replacing what has not started, or move or remove them first"),
        ("schedule 2 cannot be published: each of its shifts falls on its agent's approved "
         "time off (2 in all), such as agent 1 (Thijs Bakker) working 2020-03-23T07:00:00+00:00 "
         ".. 2020-03-23T16:00:00+00:00 on time off 2020-03-22T23:00:00+00:00 .. "
         "2020-03-24T23:00:00+00:00; nothing was published: plan other agents for them, or "
         "publish once the time off is withdrawn",
         "schedule 2 is not published: each of its shifts falls on its agent's approved time "
         "off (2 in all), such as Thijs Bakker working Mar 23, 2020, 08:00 – 17:00 on time off "
         "Mar 23, 2020 – Mar 24, 2020; plan other agents for them, or publish once the time off "
         "is withdrawn"),
        ("a message no pattern knows, 2020-03-16T07:00:00+00:00 .. 2020-03-16T15:00:00+00:00",
         "a message no pattern knows, Mar 16, 2020, 08:00 – 16:00"),
        ("across midnight 2020-03-16T22:00:00+00:00 .. 2020-03-17T01:00:00+00:00",
         "across midnight Mar 16, 2020, 23:00 – Mar 17, 2020, 02:00"),
        ("no queue of 'stadsbrug' has a requirement between 2020-03-30 and 2020-04-05: "
         "forecast and compute requirements first",
         "no queue has agents needed from Mar 30, 2020 to Apr 5, 2020: start a forecast first"),
    ],
)  # fmt: skip
def test_an_english_page_shows_moments_in_local_time(message: str, english: str) -> None:
    assert message_text("invalid_input", message, "en") == english


def test_a_form_error_names_the_field_by_its_label() -> None:
    error = FormError(
        "%(field)s: %(value)r is not a date (YYYY-MM-DD)", field="first_day", value="x"
    )
    assert isinstance(error, InputError)
    assert str(error) == "first_day: 'x' is not a date (YYYY-MM-DD)"
    assert error_text(error, "nl") == "Eerste dag: 'x' is geen datum (JJJJ-MM-DD)"
    assert error_text(error, "en") == "First day: 'x' is not a date (YYYY-MM-DD)"
    assert error_text(ConflictError("swap 5 is rejected already"), "nl") == "ruil 5 is al afgewezen"


def test_a_stale_swap_decision_is_dutch_on_the_page_and_english_in_the_api(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "team_lead")
    page = browser_client.post(
        f"/team/swaps/{web_world.cas.team_swap_id}/decision",
        data={"decision": "approve", "schedule_version": "99", "csrf_token": csrf},
        headers={**HTMX, **NL},
    )
    assert page.status_code == 409
    text = html.unescape(page.text)
    assert "staat op versie 3, niet 99: iemand heeft het gewijzigd sinds je keek" in text
    assert "it changed since you looked" not in text
    api = browser_client.post(
        f"/api/v1/swaps/{web_world.cas.team_swap_id}/decision",
        json={"approve": True, "schedule_version": 99},
        headers={"X-CSRF-Token": csrf, **NL},
    )
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "conflict"
    assert "it changed since you looked; reload and decide again" in api.json()["error"]["message"]


def test_an_agent_reads_refusals_in_dutch(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    past = browser_client.post(
        "/my/time-off",
        data={"first_day": "2020-03-02", "last_day": "2020-03-03", "csrf_token": csrf},
        headers={**HTMX, **NL},
    )
    assert past.status_code == 422
    assert "Eerste dag: verlof kan niet voor vandaag beginnen (16 mrt 2020)" in past.text
    first = browser_client.post("/my/sick", data={"csrf_token": csrf}, headers={**HTMX, **NL})
    assert first.status_code == 200
    clock.advance(timedelta(minutes=5))
    again = browser_client.post("/my/sick", data={"csrf_token": csrf}, headers={**HTMX, **NL})
    assert again.status_code == 422
    assert "al gemeld als ziek sinds 16-03-2020, 08:00" in again.text.lower()
    english = browser_client.post("/my/sick", data={"csrf_token": csrf}, headers={**HTMX, **EN})
    assert "Already reported sick since Mar 16, 2020, 08:00" in english.text
    assert "agent 1" not in english.text


def test_a_missing_page_is_dutch(browser_client: TestClient, web_world: WebWorld) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    answer = browser_client.post(
        "/planning/schedules/999999/publish", data={"version": "1", "csrf_token": csrf}, headers=NL
    )
    assert answer.status_code == 303  # the planning page's refusals: Post/Redirect/Get
    response = browser_client.get(answer.headers["location"], headers=NL)
    assert response.status_code == 422
    assert "Rooster 999999 bestaat niet." in response.text
    assert "no schedule with id" not in response.text


def test_every_fixed_message_is_still_raised_word_for_word() -> None:
    """A fixed message that a service rewords would silently fall back to its code's sentence."""
    source = Path(bezetting.__file__).parent
    texts = [
        path.read_text(encoding="utf-8")
        for path in source.rglob("*.py")
        if path.name != "error_text.py"
    ]
    missing = [m for m in FIXED if not any(f'"{m}"' in text for text in texts)]
    assert missing == []


@pytest.mark.parametrize(
    ("message", "dutch"),
    [
        ("reading agents and requirements", "medewerkers en behoefte lezen"),
        ("part 2 of 4: cost 1250, lower bound 980", "deel 2 van 4: kosten 1250, ondergrens 980"),
        ("part 1 of 1: cost 303, no bound yet", "deel 1 van 1: kosten 303, nog geen ondergrens"),
        ("schedule 7 saved as a draft", "rooster 7 als concept bewaard"),
    ],
)
def test_a_schedule_jobs_progress_is_said_in_dutch_to_its_end(message: str, dutch: str) -> None:
    assert progress_text(message, "nl") == dutch
    assert progress_text(message, "en") == message
