"""Shift swaps and reporting sick on the pages: an agent offers, a colleague takes, the team
lead approves; refusals explain the broken labour rule; nobody touches another's offer."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from bezetting.core.schedule import Rule
from bezetting.services.schedules import publish_schedule
from bezetting.services.swaps import EMPLOYMENT_ENDED, SwapRefusedError, SwapViolation
from bezetting.store import transaction
from bezetting.store.models import Agent, Shift
from bezetting.web.labour_rules import COLLEAGUE_TITLE, RULE_TITLES, breaches_of
from tests.web.conftest import NOW, Clock, WebWorld, draft_with_work, log_in, version_shown

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
HTMX = {"HX-Request": "true", **EN}


def _as(client: TestClient, world: WebWorld, who: str) -> str:
    client.cookies.clear()
    return log_in(client, world, who)


def _page(client: TestClient, headers: dict[str, str] = EN) -> str:
    response = client.get("/my/schedule", headers=headers)
    assert response.status_code == 200, response.text
    return response.text


def _offer(client: TestClient, world: WebWorld, shift_id: int) -> int:
    """Cas offers one of his shifts with the plain form; returns the new swap's id."""
    csrf = _as(client, world, "cas")
    response = client.post("/my/swaps", data={"shift_id": str(shift_id), "csrf_token": csrf})
    assert response.status_code == 303, response.text
    page = _page(client)
    assert re.search(rf'id="offer-{shift_id}">\s*<span class="badge badge-pending">', page)
    return max(int(i) for i in re.findall(r'action="/my/swaps/(\d+)/withdraw"', page))


def _version_on_team_page(client: TestClient, swap_id: int) -> str:
    return version_shown(client, "/team", swap_id)


def _reject_on_team_page(
    client: TestClient, swap_id: int, csrf: str, headers: dict[str, str]
) -> Response:
    """The logged-in team lead rejects swap ``swap_id``."""
    return client.post(
        f"/team/swaps/{swap_id}/decision",
        data={"decision": "reject", "csrf_token": csrf},
        headers=headers,
    )


def _approve_on_team_page(client: TestClient, swap_id: int, csrf: str) -> str:
    """The logged-in team lead approves swap ``swap_id`` at the version the team page shows;
    the swap's item that comes back."""
    approved = client.post(
        f"/team/swaps/{swap_id}/decision",
        data={
            "decision": "approve",
            "schedule_version": _version_on_team_page(client, swap_id),
            "csrf_token": csrf,
        },
        headers=HTMX,
    )
    assert approved.status_code == 200, approved.text
    return approved.text


def test_an_offer_taken_and_approved_by_the_team_lead_moves_the_shift_on_both_pages(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    shift = web_world.cas.free_shift_id
    swap = _offer(browser_client, web_world, shift)

    csrf = _as(browser_client, web_world, "agent")
    assert f'action="/my/swaps/{swap}/accept"' in _page(browser_client)
    taken = browser_client.post(f"/my/swaps/{swap}/accept", data={"csrf_token": csrf}, headers=HTMX)
    assert taken.status_code == 200, taken.text
    assert taken.text.lstrip().startswith('<section class="card" id="my-swaps">')
    assert "Shifts you took" in taken.text
    assert "taken, waiting for approval" in taken.text
    assert f'id="shift-{shift}"' not in _page(browser_client)  # not moved before approval

    csrf = _as(browser_client, web_world, "team_lead")
    approved = _approve_on_team_page(browser_client, swap, csrf)
    assert f'id="team-swap-{swap}"' in approved
    assert "badge-approved" in approved
    assert f'id="team-swap-{swap}"' not in browser_client.get("/team").text

    _as(browser_client, web_world, "agent")
    assert f'id="shift-{shift}"' in _page(browser_client)
    _as(browser_client, web_world, "cas")
    assert f'id="shift-{shift}"' not in _page(browser_client)


def test_a_swap_that_breaks_the_rest_rule_shows_the_reason_and_changes_nothing(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    # Cas's late shift ends at 01:00 on 24 March; Anouk starts at 08:00 that morning.
    swap = _offer(browser_client, web_world, web_world.cas.late_shift_id)
    csrf = _as(browser_client, web_world, "agent")
    refused = browser_client.post(
        f"/my/swaps/{swap}/accept", data={"csrf_token": csrf}, headers=HTMX
    )
    assert refused.status_code == 422
    assert "The swap is refused, for these reasons:" in refused.text
    assert "1001 (Anouk de Vries)</strong>: Too little rest between shifts: 7 h, at least 8 h" in (
        refused.text
    )
    assert "Traceback" not in refused.text
    # Without JavaScript: the whole page, in Dutch, with the same reason.
    plain = browser_client.post(f"/my/swaps/{swap}/accept", data={"csrf_token": csrf}, headers=NL)
    assert plain.status_code == 422
    assert "Te weinig rust tussen diensten: 7 uur, minstens 8 uur" in plain.text
    # A contract's hours are no law: the heading names both kinds of rule.
    assert "De ruil is geweigerd, om deze redenen:" in plain.text
    assert "Arbeidstijdenwet" not in plain.text
    assert "<h1>Mijn rooster</h1>" in plain.text
    # Nothing changed: the offer is still open for Anouk and the shift still Cas's.
    assert f'action="/my/swaps/{swap}/accept"' in _page(browser_client)
    _as(browser_client, web_world, "cas")
    assert f'id="shift-{web_world.cas.late_shift_id}"' in _page(browser_client)


def test_another_agent_cannot_withdraw_my_offer(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    own = web_world.base.own_swap_id  # Anouk's open offer
    for intruder in ("agent2", "cas"):
        csrf = _as(browser_client, web_world, intruder)
        for headers in (EN, HTMX):
            response = browser_client.post(
                f"/my/swaps/{own}/withdraw", data={"csrf_token": csrf}, headers=headers
            )
            assert response.status_code == 404, response.text
            assert "Anouk" not in response.text
    _as(browser_client, web_world, "agent")
    page = _page(browser_client)
    assert f'action="/my/swaps/{own}/withdraw"' in page  # still open, still hers


def test_an_agent_withdraws_an_offer_and_can_offer_the_shift_again(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = _as(browser_client, web_world, "agent")
    own = web_world.base.own_swap_id
    shift = web_world.base.shift_ids["1001+3"]
    assert re.search(
        rf'id="offer-{shift}">\s*<span class="badge badge-pending">', _page(browser_client)
    )
    response = browser_client.post(
        f"/my/swaps/{own}/withdraw", data={"csrf_token": csrf}, headers=HTMX
    )
    assert response.status_code == 200, response.text
    assert "badge-withdrawn" in response.text
    # The shift's button comes back out of band, in the same answer.
    assert re.search(rf'id="offer-{shift}" hx-swap-oob="true">\s*<form', response.text)
    again = browser_client.post("/my/swaps", data={"shift_id": str(shift), "csrf_token": csrf})
    assert again.status_code == 303


def test_an_offer_of_someone_elses_shift_is_not_found(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = _as(browser_client, web_world, "agent")
    response = browser_client.post(
        "/my/swaps",
        data={"shift_id": str(web_world.cas.free_shift_id), "csrf_token": csrf},
        headers=HTMX,
    )
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#flash"
    bad = browser_client.post(
        "/my/swaps", data={"shift_id": "twelve", "csrf_token": csrf}, headers=HTMX
    )
    assert bad.status_code == 422
    assert "Shift: &#39;twelve&#39; is not an id" in bad.text


def test_sick_then_better_shows_and_hides_the_open_absence(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    csrf = _as(browser_client, web_world, "agent")
    assert "Report sick" in _page(browser_client)
    sick = browser_client.post("/my/sick", data={"csrf_token": csrf}, headers=HTMX)
    assert sick.status_code == 200, sick.text
    assert "You are reported sick since Mar 16, 2020, 08:00" in sick.text
    assert 'action="/my/better"' in sick.text
    assert "still absent" in _page(browser_client)
    twice = browser_client.post("/my/sick", data={"csrf_token": csrf}, headers=HTMX)
    assert twice.status_code == 422
    assert "Already reported sick" in twice.text

    clock.advance(timedelta(hours=3))
    better = browser_client.post("/my/better", data={"csrf_token": csrf})
    assert better.status_code == 303
    page = _page(browser_client)
    assert "still absent" not in page
    assert "You are reported" not in page
    assert 'action="/my/sick"' in page


def test_an_agent_undoes_a_mis_click_within_ten_minutes(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    csrf = _as(browser_client, web_world, "agent")
    sick = browser_client.post("/my/sick", data={"csrf_token": csrf}, headers=HTMX)
    assert "Undo until 08:10" in sick.text
    assert 'action="/my/sick/undo"' in sick.text
    clock.advance(timedelta(minutes=2))
    undone = browser_client.post("/my/sick/undo", data={"csrf_token": csrf}, headers=HTMX)
    assert undone.status_code == 200
    assert "Your sick report was taken back" in undone.text
    assert "still absent" not in undone.text
    assert 'action="/my/sick"' in undone.text
    browser_client.post("/my/sick", data={"csrf_token": csrf}, headers=HTMX)
    clock.advance(timedelta(minutes=10))
    assert 'action="/my/sick/undo"' not in _page(browser_client)
    late = browser_client.post("/my/sick/undo", data={"csrf_token": csrf}, headers=HTMX)
    assert late.status_code == 422
    assert "can no longer be undone (only within 10 minutes)" in late.text
    assert "still absent" in late.text


def test_a_team_lead_reports_a_team_member_sick_and_better_but_no_other_team(
    browser_client: TestClient, web_world: WebWorld, clock: Clock
) -> None:
    csrf = _as(browser_client, web_world, "team_lead")
    cas = web_world.cas.agent_id
    sick = browser_client.post(f"/team/agents/{cas}/sick", data={"csrf_token": csrf}, headers=HTMX)
    assert sick.status_code == 200, sick.text
    assert sick.text.lstrip().startswith(f'<tr id="agent-{cas}">')
    assert f'action="/team/agents/{cas}/better"' in sick.text
    assert "Cas Bakker" in browser_client.get("/team").text.split("Absent today")[1]
    clock.advance(timedelta(hours=1))
    better = browser_client.post(f"/team/agents/{cas}/better", data={"csrf_token": csrf})
    assert better.status_code == 303
    assert f'action="/team/agents/{cas}/sick"' in browser_client.get("/team").text

    bram = web_world.base.agent_ids["1002"]  # team Zuid
    other = browser_client.post(f"/team/agents/{bram}/sick", data={"csrf_token": csrf})
    assert other.status_code == 404
    assert "Bram" not in other.text


def test_approving_against_a_stale_schedule_version_shows_the_conflict(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    team_swap = web_world.cas.team_swap_id
    _as(browser_client, web_world, "team_lead")
    seen = _version_on_team_page(browser_client, team_swap)
    # Meanwhile another swap in the same schedule is taken and approved: a new version.
    swap = _offer(browser_client, web_world, web_world.cas.free_shift_id)
    csrf = _as(browser_client, web_world, "agent")
    assert browser_client.post(f"/my/swaps/{swap}/accept", data={"csrf_token": csrf}).is_redirect
    csrf = _as(browser_client, web_world, "team_lead")
    version = _version_on_team_page(browser_client, swap)
    assert version == seen
    approved = browser_client.post(
        f"/team/swaps/{swap}/decision",
        data={"decision": "approve", "schedule_version": version, "csrf_token": csrf},
    )
    assert approved.status_code == 303

    stale = browser_client.post(
        f"/team/swaps/{team_swap}/decision",
        data={"decision": "approve", "schedule_version": seen, "csrf_token": csrf},
        headers=EN,
    )
    assert stale.status_code == 409
    assert "someone changed it since you looked; reload the page and try again" in stale.text
    htmx = browser_client.post(
        f"/team/swaps/{team_swap}/decision",
        data={"decision": "approve", "schedule_version": seen, "csrf_token": csrf},
        headers=HTMX,
    )
    assert htmx.status_code == 409
    assert htmx.headers["HX-Retarget"] == "#flash"
    assert f'id="team-swap-{team_swap}"' in browser_client.get("/team").text  # still to decide


def test_a_team_lead_rejects_a_swap_and_the_shift_stays(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = _as(browser_client, web_world, "team_lead")
    team_swap = web_world.cas.team_swap_id
    rejected = _reject_on_team_page(browser_client, team_swap, csrf, HTMX)
    assert rejected.status_code == 200
    assert "badge-rejected" in rejected.text
    _as(browser_client, web_world, "cas")
    assert f'id="shift-{web_world.cas.taken_shift_id}"' in _page(browser_client)


NEW_POSTS: list[tuple[str, Callable[[WebWorld], str], Callable[[WebWorld], dict[str, str]]]] = [
    ("cas", lambda w: "/my/swaps", lambda w: {"shift_id": str(w.cas.free_shift_id)}),
    ("agent", lambda w: f"/my/swaps/{w.base.open_swap_id}/accept", lambda w: {}),
    ("agent", lambda w: f"/my/swaps/{w.base.own_swap_id}/withdraw", lambda w: {}),
    ("agent", lambda w: "/my/sick", lambda w: {}),
    ("agent2", lambda w: "/my/better", lambda w: {}),
    ("team_lead", lambda w: f"/team/swaps/{w.cas.team_swap_id}/decision",
     lambda w: {"decision": "reject"}),
    ("team_lead", lambda w: f"/team/agents/{w.cas.agent_id}/sick", lambda w: {}),
]  # fmt: skip


@pytest.mark.parametrize(("who", "path", "form"), NEW_POSTS, ids=[p[0] for p in NEW_POSTS])
def test_the_new_forms_refuse_a_post_without_the_token_and_change_nothing(
    browser_client: TestClient,
    web_world: WebWorld,
    who: str,
    path,
    form,  # type: ignore[no-untyped-def]
) -> None:
    _as(browser_client, web_world, who)
    before = browser_client.get("/team" if who == "team_lead" else "/my/schedule").text
    for token in ("", "0" * 64):
        refused = browser_client.post(
            path(web_world), data={**form(web_world), "csrf_token": token}
        )
        assert refused.status_code == 403
        assert "security token" in refused.text
    after = browser_client.get("/team" if who == "team_lead" else "/my/schedule").text
    strip = re.compile(r'name="csrf_token" value="\w+"')
    assert strip.sub("", after) == strip.sub("", before)


def test_the_swap_forms_speak_dutch(browser_client: TestClient, web_world: WebWorld) -> None:
    _as(browser_client, web_world, "agent")
    page = _page(browser_client, NL)
    dutch = ("Ruilen", "Mijn aanbiedingen", "Aanbieden om te ruilen",
             "Diensten die je kunt overnemen", "Deze dienst overnemen", "Ziek melden")  # fmt: skip
    for text in dutch:
        assert text in page
    _as(browser_client, web_world, "team_lead")
    team = browser_client.get("/team", headers=NL).text
    assert "Ruilverzoeken om te beslissen" in team
    assert "Afwijzen" in team


def test_every_labour_rule_has_a_plain_title() -> None:
    assert set(RULE_TITLES) == {rule.value for rule in Rule} | {EMPLOYMENT_ENDED}


def _offer_section(page: str, swap_id: int) -> str:
    """The item of offer ``swap_id`` under "Offers you can take"."""
    item = re.search(rf'<li class="request" id="swap-{swap_id}">.*?</li>', page, re.S)
    assert item, f"swap {swap_id} is not offered on the page"
    return item.group(0)


def _anouks_shift_of_24_march(page: str) -> int:
    """Anouk's shift of 24 March: of her shifts on the page (17, 20 and 24 March) the one made
    last (see tests/web/conftest.py)."""
    return max(int(i) for i in re.findall(r'id="shift-(\d+)"', page))


def test_a_refusal_about_the_colleague_shows_the_agent_no_data_of_theirs(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    # Anouk takes Cas's Thursday shift, giving him her shift of Tuesday 24 March in return:
    # Cas's late Monday shift ends 7 hours before it (his rest: his data). Anouk learns only
    # that her colleague cannot take the swap: no name, employee number, rule or figure.
    swap = _offer(browser_client, web_world, web_world.cas.free_shift_id)
    csrf = _as(browser_client, web_world, "agent")
    given = _anouks_shift_of_24_march(_page(browser_client))
    for headers, expected, rest in (
        (HTMX, "Your colleague cannot take this swap.", "rest"),
        (NL, "Je collega kan deze ruil niet overnemen.", "rust"),
    ):
        refused = browser_client.post(
            f"/my/swaps/{swap}/accept",
            data={"csrf_token": csrf, "shift_in_return_id": str(given)},
            headers=headers,
        )
        assert refused.status_code == 422, refused.text
        reasons = re.search(r'<ul class="breaches">(.*?)</ul>', refused.text, re.S)
        assert reasons, refused.text
        assert re.findall(r"<li>(.*?)</li>", reasons.group(1), re.S) == [expected]
        for private in ("Cas", "1003", rest):
            assert private not in refused.text


def _return_options(page: str, swap_id: int) -> list[str]:
    """The ids of the own shifts offered "In return" for offer ``swap_id`` (not "nothing")."""
    item = re.search(rf'<li class="request" id="swap-{swap_id}">.*?</li>', page, re.S)
    assert item, f"swap {swap_id} is not offered on the page"
    return re.findall(r'<option value="(\d+)">', item.group(0))


def test_in_return_lists_only_own_shifts_the_colleague_can_take(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    # Anouk's shifts that could go back for Cas's Thursday shift: 17 March (fine for Cas) and
    # 24 March (7 hours after his late shift ends: the swap check refuses it). Her offered
    # shift of 20 March is busy with her own offer.
    swap = _offer(browser_client, web_world, web_world.cas.free_shift_id)
    csrf = _as(browser_client, web_world, "agent")
    page = _page(browser_client)
    # The page itself runs no check: the list comes for the offer the agent opens.
    assert _return_options(page, swap) == []
    assert f'hx-get="/my/swaps/{swap}/returns"' in page
    first = str(web_world.base.shift_ids["1001"])
    assert str(_anouks_shift_of_24_march(page)) != first
    section = browser_client.get(f"/my/swaps/{swap}/returns", headers=HTMX)
    assert section.status_code == 200, section.text
    assert section.text.lstrip().startswith('<section class="card" id="my-swaps">')
    assert _return_options(section.text, swap) == [first]
    # Without JavaScript: the whole page, in Dutch, with the same list.
    plain = browser_client.get(f"/my/swaps/{swap}/returns", headers=NL)
    assert plain.status_code == 200
    assert "<h1>Mijn rooster</h1>" in plain.text
    assert _return_options(plain.text, swap) == [first]
    # What the list offers, taking accepts.
    taken = browser_client.post(
        f"/my/swaps/{swap}/accept",
        data={"csrf_token": csrf, "shift_in_return_id": first},
        headers=HTMX,
    )
    assert taken.status_code == 200, taken.text


def test_my_offers_are_listed_by_the_shifts_start(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    # Cas's offers: Wednesday 18 March (taken by Anouk), then he offers Monday 23 and
    # Thursday 19 March, in that order.
    late = _offer(browser_client, web_world, web_world.cas.late_shift_id)
    thursday = _offer(browser_client, web_world, web_world.cas.free_shift_id)
    mine = _page(browser_client).split("My offers")[1].split("Offers you can take")[0]
    listed = [int(i) for i in re.findall(r'id="swap-(\d+)"', mine)]
    assert listed == [web_world.cas.team_swap_id, thursday, late]


def test_a_swap_decided_in_another_tab_says_so_and_shows_its_state(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    swap = web_world.cas.team_swap_id
    csrf = _as(browser_client, web_world, "team_lead")
    _approve_on_team_page(browser_client, swap, csrf)
    # The second tab still shows the buttons and rejects.
    stale = _reject_on_team_page(browser_client, swap, csrf, HTMX)
    assert stale.status_code == 409, stale.text
    assert "HX-Retarget" not in stale.headers  # the row itself shows what happened
    assert stale.text.lstrip().startswith(f'<li class="request" id="team-swap-{swap}">')
    assert "This swap was already approved, by lead@example.nl on Mar 16, 2020, 08:00." in (
        stale.text
    )
    assert "badge-approved" in stale.text
    assert 'name="decision"' not in stale.text
    assert "not taken, waiting for approval" not in stale.text
    # Without JavaScript, in Dutch: the page as it is now, with the message.
    plain = _reject_on_team_page(browser_client, swap, csrf, NL)
    assert plain.status_code == 409
    assert "Deze ruil is al goedgekeurd, door lead@example.nl op 16-03-2020, 08:00." in plain.text
    assert f'id="team-swap-{swap}"' not in plain.text


def test_the_team_lead_rejects_with_the_word_the_agent_sees(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    _as(browser_client, web_world, "team_lead")
    page = browser_client.get("/team", headers=EN).text
    item = re.search(rf'id="request-{web_world.team_request_id}".*?</li>', page, re.S)
    assert item
    assert ">Reject</button>" in item.group(0)
    assert "Deny" not in page


def test_a_refusal_reads_each_reason_once_names_the_skill_and_ends_with_the_colleague() -> None:
    def missing(hour: int) -> SwapViolation:
        return SwapViolation(
            agent_id=7, agent="1001 (Anouk de Vries)", rule=Rule.SKILL,
            at=NOW + timedelta(hours=hour), measured=0, limit=0, unit="",
            message="works 'chat' without that skill", skill="chat", skill_name="Chat",
        )  # fmt: skip

    refusal = SwapRefusedError([missing(1), missing(3), missing(5)], colleague_cannot_take=True)
    lines = [(b.agent, b.title, b.skill) for b in breaches_of(refusal)]
    assert lines == [
        ("1001 (Anouk de Vries)", RULE_TITLES[Rule.SKILL], "Chat"),
        ("", COLLEAGUE_TITLE, None),
    ]


def _cas_shift_overlapping_anouks_first(site: FastAPI) -> int:
    """A published shift of Cas on Tuesday 17 March, 12:00-20:00 UTC (13:00-21:00 in
    Amsterdam): it overlaps Anouk's shift of that day, 08:00-16:00 UTC (09:00-17:00)."""
    sessions = site.state.bezetting.sessions
    with transaction(sessions) as session:
        cas = session.scalars(select(Agent.id).where(Agent.external_id == "1003")).one()
    starts_at = datetime(2020, 3, 17, 12, 0, tzinfo=UTC)
    ends_at = starts_at + timedelta(hours=8)
    draft = draft_with_work(
        sessions,
        cas,
        name="Cas late Tuesday",
        starts_at=starts_at,
        ends_at=ends_at,
        period=(starts_at.date(), starts_at.date()),
    )
    publish_schedule(sessions, draft, expected_version=1, now=NOW)
    with transaction(sessions) as session:
        return session.scalars(select(Shift.id).where(Shift.schedule_id == draft)).one()


def test_an_offer_overlapping_my_shift_can_be_taken_only_with_a_shift_in_return(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    # Cas offers his late Tuesday; Anouk works that Tuesday early. Taking it for nothing would
    # give her two shifts at once, so the page says why and offers only a swap.
    swap = _offer(browser_client, web_world, _cas_shift_overlapping_anouks_first(site))
    csrf = _as(browser_client, web_world, "agent")
    for headers, says in (
        (
            EN,
            "Overlaps your shift Tuesday, March 17 09:00 – 17:00: you can take it only by "
            "giving a shift in return",
        ),
        (
            NL,
            "Overlapt met je dienst dinsdag 17 maart 09:00 – 17:00: je kunt hem alleen "
            "overnemen als je een dienst teruggeeft",
        ),
    ):
        item = _offer_section(_page(browser_client, headers), swap)
        assert says in item
        assert "<button" not in item  # no "take it for nothing"
        assert f'hx-get="/my/swaps/{swap}/returns"' in item
    # An offer that overlaps nothing of hers keeps its plain button.
    plain = _offer_section(_page(browser_client), web_world.base.open_swap_id)
    assert "Overlaps your shift" not in plain
    assert "Take this shift" in plain
    # Choosing what to give back: no "nothing" to choose.
    chosen = browser_client.get(f"/my/swaps/{swap}/returns", headers=HTMX)
    assert chosen.status_code == 200, chosen.text
    item = _offer_section(chosen.text, swap)
    assert "nothing, I just take it" not in item
    assert "Overlaps your shift Tuesday, March 17" in item
    # Giving the overlapping shift back is a real swap: listed, and taking accepts it.
    first = str(web_world.base.shift_ids["1001"])
    assert first in _return_options(chosen.text, swap)
    assert "Take this shift" in item
    taken = browser_client.post(
        f"/my/swaps/{swap}/accept",
        data={"csrf_token": csrf, "shift_in_return_id": first},
        headers=HTMX,
    )
    assert taken.status_code == 200, taken.text


def test_the_shift_that_goes_back_is_named_for_the_taker_and_the_team_lead(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    # Anouk takes Cas's Thursday 19 March, giving her Tuesday 17 March (09:00-17:00) back.
    swap = _offer(browser_client, web_world, web_world.cas.free_shift_id)
    csrf = _as(browser_client, web_world, "agent")
    given = str(web_world.base.shift_ids["1001"])
    taken = browser_client.post(
        f"/my/swaps/{swap}/accept",
        data={"csrf_token": csrf, "shift_in_return_id": given},
        headers=HTMX,
    )
    assert taken.status_code == 200, taken.text
    for headers, says in (
        (EN, "In return you give: Tuesday, March 17 09:00 – 17:00"),
        (NL, "In ruil geef je: dinsdag 17 maart 09:00 – 17:00"),
    ):
        took = _page(browser_client, headers).split(f'id="swap-{swap}"')[1].split("</li>")[0]
        assert says in took
    _as(browser_client, web_world, "team_lead")
    for headers, says in (
        (EN, "in return: Tuesday, March 17 09:00 – 17:00"),
        (NL, "in ruil: dinsdag 17 maart 09:00 – 17:00"),
    ):
        page = browser_client.get("/team", headers=headers).text
        row = re.search(rf'id="team-swap-{swap}".*?</li>', page, re.S)
        assert row, page
        assert says in row.group(0)
        assert "a shift goes back in return" not in row.group(0)


def test_an_offer_that_would_take_me_above_my_maximum_hours_says_so_without_a_take_button(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    # Anouk works 17 and 20 March (8 h each) in the planning week of Cas's Thursday 19 March
    # (his schedule's weeks start on Tuesday 17 March); with a maximum of 20 h a week, taking
    # it for nothing would make 24 h. Giving a shift of that week back is still offered.
    with transaction(site.state.bezetting.sessions, writes=True) as session:
        anouk = session.scalars(select(Agent).where(Agent.external_id == "1001")).one()
        anouk.contract_hours_min = anouk.contract_hours_target = anouk.contract_hours_max = 20
    swap = _offer(browser_client, web_world, web_world.cas.free_shift_id)
    _as(browser_client, web_world, "agent")
    for headers, says in (
        (
            EN,
            "Would take you above your maximum of 20 h a week (24 h in the week from Mar 17, "
            "2020): you can take it only by giving a shift of that week in return",
        ),
        (
            NL,
            "Zou je boven je maximum van 20 uur per week brengen (24 uur in de week vanaf 17 mrt "
            "2020): je kunt hem alleen overnemen als je een dienst uit die week teruggeeft",
        ),
    ):
        item = _offer_section(_page(browser_client, headers), swap)
        assert says in item
        assert "<button" not in item  # no "take it for nothing"
        assert f'hx-get="/my/swaps/{swap}/returns"' in item
    chosen = _offer_section(
        browser_client.get(f"/my/swaps/{swap}/returns", headers=HTMX).text, swap
    )
    assert "nothing, I just take it" not in chosen
    # With a maximum of 24 h it fits: the plain button is back.
    with transaction(site.state.bezetting.sessions, writes=True) as session:
        anouk = session.scalars(select(Agent).where(Agent.external_id == "1001")).one()
        anouk.contract_hours_target = anouk.contract_hours_max = 24
    item = _offer_section(_page(browser_client), swap)
    assert "above your maximum" not in item
    assert "Take this shift" in item
    # The team lead's view of swaps is unchanged: no such remark.
    _as(browser_client, web_world, "team_lead")
    assert "above your maximum" not in browser_client.get("/team", headers=EN).text


def _form_problem(page: str) -> str:
    """The text of the refusal shown beside its form (``#form-problem``), checking that the
    top of the page points to it."""
    flash = re.search(r'<div id="flash"[^>]*>(.*?)</div>', page, re.S)
    assert flash is not None
    assert 'href="#form-problem"' in flash.group(1)
    assert page.count('id="form-problem"') == 1
    return page[page.index('id="form-problem"') :]


def test_without_javascript_a_refused_swap_form_shows_why_beside_itself(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    # Offering a shift that is offered already: the reason at that shift's offer slot.
    csrf = _as(browser_client, web_world, "agent")
    offered = web_world.base.shift_ids["1001+3"]
    twice = browser_client.post(
        "/my/swaps", data={"shift_id": str(offered), "csrf_token": csrf}, headers=NL
    )
    assert twice.status_code == 409
    beside = _form_problem(twice.text)
    slot = twice.text[twice.text.index(f'id="offer-{offered}"') :]
    assert slot.index('id="form-problem"') < slot.index("</div>")  # inside the slot
    assert "Die dienst is al aangeboden om te ruilen." in html.unescape(beside[:300])
    assert f"dienst {offered}" not in html.unescape(beside[:300])  # no internal id
    # Taking an offer that breaks the rest rule: the broken rules at that offer's form.
    swap = _offer(browser_client, web_world, web_world.cas.late_shift_id)
    csrf = _as(browser_client, web_world, "agent")
    take = f"/my/swaps/{swap}/accept"
    refused = browser_client.post(take, data={"csrf_token": csrf}, headers=EN)
    assert refused.status_code == 422
    beside = _form_problem(refused.text)
    form = refused.text[refused.text.index(f'action="{take}"') :]
    assert form.index('id="form-problem"') < form.index("</form>")
    assert "Too little rest between shifts: 7 h, at least 8 h" in beside[: beside.index("</form>")]
    assert refused.text.count("The swap is refused") == 1  # not at the section's top too
    # Withdrawing an offer that is withdrawn already: the reason at that offer.
    own = web_world.base.own_swap_id
    withdraw = f"/my/swaps/{own}/withdraw"
    assert browser_client.post(withdraw, data={"csrf_token": csrf}).status_code == 303
    again = browser_client.post(withdraw, data={"csrf_token": csrf}, headers=EN)
    assert again.status_code == 409
    beside = _form_problem(again.text)
    item = again.text[again.text.index(f'<li class="request" id="swap-{own}">') :]
    assert item.index('id="form-problem"') < item.index("</li>")
    assert "withdrawn already" in beside[:300]


def test_without_javascript_a_refused_take_with_a_shift_in_return_keeps_the_choice_open(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    # Anouk gives her shift of 20 March, which she has offered herself, for Bram's offer.
    csrf = _as(browser_client, web_world, "agent")
    swap = web_world.base.open_swap_id
    given = str(web_world.base.shift_ids["1001+3"])
    refused = browser_client.post(
        f"/my/swaps/{swap}/accept",
        data={"shift_in_return_id": given, "csrf_token": csrf},
        headers=EN,
    )
    assert refused.status_code == 409
    problem = _form_problem(refused.text)[:300]
    assert "That shift is offered for a swap already." in problem
    assert given not in problem  # the page never names an internal shift id
    item = _offer_section(refused.text, swap)
    assert 'name="shift_in_return_id"' in item  # the shifts to give are still shown
