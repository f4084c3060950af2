"""Pulse questions on the pages: a planner opens one, an agent answers once on their own page,
the team lead sees the mean grow; nobody's page shows a single answer."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
HTMX = {"HX-Request": "true", **EN}
QUESTION = "How well can you work from home this week?"  # the API world's open question


def _buttons(page: str) -> list[str]:
    return re.findall(r'<button type="submit" name="value" value="(\d+)"', page)


def test_an_agent_answers_the_open_question_once_and_is_thanked(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    page = browser_client.get("/my/schedule", headers=EN).text
    assert QUESTION in page
    assert _buttons(page) == ["1", "2", "3", "4", "5"]
    assert "only once at least 5 people of your team answered" in page
    path = f"/my/pulse/{web_world.base.open_survey_id}"
    answered = browser_client.post(path, data={"value": "5", "csrf_token": csrf}, headers=HTMX)
    assert answered.status_code == 200
    assert answered.text.strip().startswith('<section class="card" id="my-pulse"')
    assert "Thank you for your answer." in answered.text
    assert _buttons(answered.text) == []
    again = browser_client.post(path, data={"value": "1", "csrf_token": csrf}, headers=HTMX)
    assert again.status_code == 422
    assert "already" in again.text
    page = browser_client.get("/my/schedule", headers=EN).text
    assert "Thank you for your answer." in page
    assert _buttons(page) == []


def test_an_answer_off_the_scale_is_refused_and_the_buttons_stay(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "agent")
    path = f"/my/pulse/{web_world.base.open_survey_id}"
    refused = browser_client.post(path, data={"value": "6", "csrf_token": csrf}, headers=HTMX)
    assert refused.status_code == 422
    assert _buttons(refused.text) == ["1", "2", "3", "4", "5"]


def test_the_team_leads_figure_leaves_out_a_question_fewer_than_five_of_the_team_answered(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "team_lead")
    page = browser_client.get("/team", headers=NL).text
    # Team Noord answered "Hoe gaat het?" 4, 5, 3, 4, 4 on a 1-5 scale: mean share 75%.
    assert "75%" in page
    assert "5 anonieme antwoorden" in page
    assert "minstens 5 mensen van het team" in page  # the rule, stated to the team lead
    csrf = log_in(browser_client, web_world, "agent")
    browser_client.post(
        f"/my/pulse/{web_world.base.open_survey_id}", data={"value": "1", "csrf_token": csrf}
    )
    log_in(browser_client, web_world, "team_lead")
    page = browser_client.get("/team", headers=NL).text
    # Anouk alone answered the other question: her 1 would pull the mean to 3.75 / 6; it must not.
    assert "5 anonieme antwoorden" in page
    assert "75%" in page


def test_a_planner_opens_a_question_from_the_planning_page_and_agents_see_it(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "planner")
    assert "No pulse questions yet." not in browser_client.get("/planning", headers=EN).text
    form = {
        "question": "Do you have what you need at home?",
        "scale_max": "4",
        "first_day": "2020-03-16",
        "last_day": "2020-03-20",
        "csrf_token": csrf,
    }
    opened = browser_client.post("/planning/surveys", data=form, headers=HTMX)
    assert opened.status_code == 200
    assert "Do you have what you need at home?" in opened.text
    assert "1–4" in opened.text
    assert "Mar 16, 2020 – Mar 20, 2020" in opened.text  # the local days, the last one included
    backwards = browser_client.post(
        "/planning/surveys", data={**form, "last_day": "2020-03-15"}, headers=HTMX
    )
    assert backwards.status_code == 422
    assert "Last day: Mar 15, 2020 is before the first day Mar 16, 2020" in backwards.text
    dutch = browser_client.post(
        "/planning/surveys",
        data={**form, "question": " "},
        headers={**HTMX, "Accept-Language": "nl"},
    )
    assert dutch.status_code == 422
    assert "Vraag: 1 tot 400 tekens" in dutch.text  # the form's label, not the field's name
    closed = browser_client.post(
        "/planning/surveys",
        data={**form, "first_day": "2020-03-02", "last_day": "2020-03-08"},
        headers={**HTMX, "Accept-Language": "nl"},
    )
    assert closed.status_code == 422
    assert (
        "De vraag zou sluiten op 09-03-2020, 00:00, en dat is voorbij, dus niemand kan hem "
        "beantwoorden: kies een latere laatste dag."
    ) in closed.text
    assert "Mar 2, 2020" not in browser_client.get("/planning", headers=EN).text  # not opened
    log_in(browser_client, web_world, "cas")
    page = browser_client.get("/my/schedule", headers=EN).text
    assert "Do you have what you need at home?" in page
    # The API world's question opened a day before this one: it comes first.
    assert _buttons(page) == ["1", "2", "3", "4", "5", "1", "2", "3", "4"]


def test_only_a_planner_or_admin_opens_and_only_an_agent_answers(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    csrf = log_in(browser_client, web_world, "team_lead")
    form = {"question": "Q?", "first_day": "2020-03-16", "last_day": "2020-03-20"}
    refused = browser_client.post("/planning/surveys", data={**form, "csrf_token": csrf})
    assert refused.status_code == 403
    answer = browser_client.post(
        f"/my/pulse/{web_world.base.open_survey_id}", data={"value": "3", "csrf_token": csrf}
    )
    assert answer.status_code == 403
