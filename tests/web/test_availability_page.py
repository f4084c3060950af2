"""The agent's availability and standing wishes on "My schedule": given, shown, taken back."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def test_an_agent_says_when_they_cannot_work_and_sees_it_in_local_time(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    answer = browser_client.post(
        "/my/availability",
        data={"kind": "unavailable", "day": "2020-05-04", "from": "19:00", "to": "01:00",
              "note": "koor", "csrf_token": csrf},
        headers={"HX-Request": "true", **EN},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert 'id="my-availability"' in answer.text
    assert "I cannot work" in answer.text
    assert "koor" in answer.text
    # An end before the start is the next day; CEST is UTC+2.
    windows = browser_client.get("/api/v1/me/availability").json()["windows"]
    declared = [w for w in windows if w["note"] == "koor"]
    assert declared[0]["starts_at"].startswith("2020-05-04T17:00:00")
    assert declared[0]["ends_at"].startswith("2020-05-04T23:00:00")
    page = browser_client.get("/my/schedule", headers=EN).text
    assert "Monday, May 4 19:00 – Tuesday, May 5 01:00" in page


def test_a_published_shift_is_refused_in_the_pages_language_with_what_to_do(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    # Anouk works Tuesday 17 March (see the web world).
    answer = browser_client.post(
        "/my/availability",
        data={"kind": "unavailable", "day": "2020-03-17", "from": "06:00", "to": "23:00",
              "csrf_token": csrf},
        headers={"HX-Request": "true", **NL},
    )  # fmt: skip
    assert answer.status_code == 409, answer.text
    assert "je hebt dan een gepubliceerde dienst" in answer.text.lower()
    assert "vraag verlof aan of bied de dienst aan om te ruilen" in answer.text


def test_a_bad_time_names_the_fields_label(browser_client: TestClient, web_world: WebWorld) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    answer = browser_client.post(
        "/my/availability",
        data={"kind": "preferred", "day": "2020-05-04", "from": "7 uur", "to": "12:00",
              "csrf_token": csrf},
        headers={"HX-Request": "true", **EN},
    )  # fmt: skip
    assert answer.status_code == 422
    assert "From: &#39;7 uur&#39; is not a time of day (HH:MM)" in answer.text


def test_an_agent_withdraws_a_time_and_keeps_wishes_of_their_own(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    htmx = {"HX-Request": "true", **EN}
    own = web_world.base.own_window_id
    withdrawn = browser_client.post(
        f"/my/availability/{own}/withdraw", data={"csrf_token": csrf}, headers=htmx
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert f"/my/availability/{own}/withdraw" not in withdrawn.text
    added = browser_client.post(
        "/my/wishes",
        data={"kind": "late", "weekday": "4", "weight": "3", "csrf_token": csrf},
        headers=htmx,
    )
    assert added.status_code == 200, added.text
    assert "Late shifts" in added.text
    assert "on Friday" in added.text
    assert "(strong)" in added.text
    again = browser_client.post(
        "/my/wishes",
        data={"kind": "late", "weekday": "4", "weight": "1", "csrf_token": csrf},
        headers=htmx,
    )
    assert again.status_code == 409
    assert "You have this wish already." in again.text
    wishes = browser_client.get("/api/v1/me/availability").json()["wishes"]
    assert {(w["kind"], w["weekday"], w["weight"]) for w in wishes} == {
        ("day_off", 2, 1),
        ("late", 4, 3),
    }


def test_a_long_run_of_times_folds_away_after_the_next_six(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    before = len(browser_client.get("/api/v1/me/availability").json()["windows"])
    for day in range(4, 12):  # eight evenings in May
        answer = browser_client.post(
            "/my/availability",
            data={"kind": "unavailable", "day": f"2020-05-{day:02d}", "from": "19:00",
                  "to": "22:00", "note": f"avond {day}", "csrf_token": csrf},
            headers={"HX-Request": "true", **NL},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
    page = browser_client.get("/my/schedule", headers=NL).text
    section = page[page.index('id="my-availability"') :]
    folded = section[section.index('class="more-windows"') :]
    total = before + 8
    assert f"nog {total - 6} tijden" in folded
    assert "avond 11" in folded  # the latest is folded away, the earliest stay in view
    shown = section[: section.index('class="more-windows"')]
    assert [f"avond {d}" in shown for d in range(4, 12)] == [d < 10 - before for d in range(4, 12)]


def test_the_wish_forms_defaults_are_a_wish_it_takes_and_a_day_off_needs_its_weekday(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    page = browser_client.get("/my/schedule", headers=NL).text
    form = page[page.index('action="/my/wishes"') :]
    form = form[: form.index("</form>")]
    chosen = {
        name: re.search(r'<option value="([^"]*)"[^>]*selected', select).group(1)  # type: ignore[union-attr]
        if "selected" in select
        else re.search(r'<option value="([^"]*)"', select).group(1)  # type: ignore[union-attr]
        for name, select in re.findall(r'<select name="(\w+)">(.*?)</select>', form, flags=re.S)
    }
    assert chosen == {"kind": "day_off", "weekday": "0", "weight": "1"}
    htmx = {"HX-Request": "true", **NL}
    every_day = browser_client.post(
        "/my/wishes",
        data={"kind": "day_off", "weekday": "every", "weight": "1", "csrf_token": csrf},
        headers=htmx,
    )
    assert every_day.status_code == 422
    assert "Wanneer: een vrije dag valt op één weekdag; kies die" in every_day.text
    added = browser_client.post("/my/wishes", data={**chosen, "csrf_token": csrf}, headers=htmx)
    assert added.status_code == 200, added.text


def test_without_javascript_a_refused_time_comes_back_beside_its_form_with_what_was_typed(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    answer = browser_client.post(
        "/my/availability",
        data={"kind": "preferred", "day": "2020-05-04", "from": "10:00", "to": "10:00",
              "note": "na de tandarts", "csrf_token": csrf},
        headers=NL,
    )  # fmt: skip
    assert answer.status_code == 422, answer.text
    section = answer.text[answer.text.index('id="my-availability"') :]
    section = section[: section.index("</section>")]
    assert 'class="error"' in section  # the reason beside the form, not only at the top
    assert 'value="na de tandarts"' in section
    assert 'value="2020-05-04"' in section
    assert '<option value="preferred" selected>' in section


def test_without_javascript_a_refused_wish_keeps_the_chosen_day(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    answer = browser_client.post(
        "/my/wishes",
        data={"kind": "day_off", "weekday": "every", "weight": "3", "csrf_token": csrf},
        headers=EN,
    )
    assert answer.status_code == 422, answer.text
    section = answer.text[answer.text.index('id="my-availability"') :]
    section = section[: section.index("</section>")]
    assert 'class="error"' in section
    assert '<option value="every" selected>' in section
    assert '<option value="3" selected>' in section


def test_with_javascript_a_refused_time_comes_back_with_what_was_typed(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    answer = browser_client.post(
        "/my/availability",
        data={"kind": "preferred", "day": "2020-05-04", "from": "10:00", "to": "10:00",
              "note": "sport", "csrf_token": csrf},
        headers={"HX-Request": "true", **NL},
    )  # fmt: skip
    assert answer.status_code == 422, answer.text
    assert "het einde is gelijk aan het begin" in answer.text
    assert answer.text.count('role="alert"') == 1
    assert 'value="sport"' in answer.text
    assert 'value="2020-05-04"' in answer.text
    assert '<option value="preferred" selected>' in answer.text
