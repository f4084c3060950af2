"""The client viewer's page: its own queues per day of a week, forecast against actual, today
so far, satisfaction only over five or more customers, in Dutch and English."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bezetting.store import transaction
from bezetting.store.enums import Channel
from bezetting.store.models import ContactRecord, Forecast, ForecastInterval
from tests.web.conftest import WebWorld, log_in

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
THURSDAY = datetime(2020, 3, 12, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam; the site's now is
# Monday 16 March 08:00 in Amsterdam, so the default period is 9-15 March.


def _add_contacts(
    site: FastAPI,
    queue_id: int,
    start: datetime,
    waits: list[int | None],
    *,
    scores: list[int | None] | None = None,
) -> None:
    """Contacts a minute apart from ``start``: answered after ``waits`` seconds (None:
    abandoned), with satisfaction ``scores``."""
    scores = scores or [None] * len(waits)
    with transaction(site.state.bezetting.sessions, writes=True) as session:
        for n, (wait, score) in enumerate(zip(waits, scores, strict=True)):
            arrived = start + timedelta(minutes=n)
            session.add(
                ContactRecord(
                    queue_id=queue_id,
                    external_id=f"{start:%d%H%M}-{n}",
                    channel=Channel.VOICE,
                    arrived_at=arrived,
                    answered_at=None if wait is None else arrived + timedelta(seconds=wait),
                    ended_at=arrived + timedelta(minutes=5),
                    abandoned=wait is None,
                    csat=score,
                )
            )


def _add_forecast(site: FastAPI, queue_id: int, start: datetime, volumes: list[float]) -> None:
    with transaction(site.state.bezetting.sessions, writes=True) as session:
        forecast = Forecast(
            queue_id=queue_id,
            version=1,
            model="test",
            interval_minutes=30,
            starts_at=start,
            ends_at=start + len(volumes) * timedelta(minutes=30),
            backtest=None,
            created_at=start - timedelta(days=7),
        )
        session.add(forecast)
        session.flush()
        session.add_all(
            ForecastInterval(
                forecast_id=forecast.id,
                interval_start=start + k * timedelta(minutes=30),
                volume=volume,
                aht_seconds=300.0,
            )
            for k, volume in enumerate(volumes)
        )


def _rows(page: str) -> dict[str, list[str]]:
    """The table's rows by their first cell (day or total), the other cells' text."""
    rows = re.findall(r'<tr[^>]*>\s*<th scope="row">(.*?)</th>(.*?)</tr>', page, flags=re.S)
    return {
        re.sub(r"<[^>]+>", "", head).strip(): [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", rest)
        ]
        for head, rest in rows
    }


def test_a_client_viewer_sees_its_own_queue_per_day_against_the_forecast(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    bank, general = web_world.base.queue_ids["bank"], web_world.base.queue_ids["general"]
    # Bank: waits of 10 s and 5 s within its 20 s target, 30 s not, one abandoned.
    _add_contacts(site, bank, THURSDAY, [10, 30, None, 5])
    _add_forecast(site, bank, THURSDAY, [2.5, 2.5, 2.5, 2.5])
    # Another client's queue, busier, must not appear nor be counted.
    _add_contacts(site, general, THURSDAY, [1] * 9)
    log_in(browser_client, web_world, "client_viewer")
    page = browser_client.get("/client", headers=EN).text
    assert "Bank" in page
    assert "General" not in page
    rows = _rows(page)
    assert list(rows) == [
        "Monday, March 9",
        "Tuesday, March 10",
        "Wednesday, March 11",
        "Thursday, March 12",
        "Friday, March 13",
        "Saturday, March 14",
        "Sunday, March 15",
        "Total",
    ]
    # forecast, offered, against forecast, answered, SL, abandoned, mean wait, satisfaction
    assert rows["Thursday, March 12"] == ["10", "4", "-60%", "3", "50.0%", "25.0%", "15", "–"]
    assert rows["Wednesday, March 11"][:4] == ["–", "0", "–", "0"], "nobody called"
    assert rows["Friday, March 13"][:4] == ["–", "–", "–", "–"], "nothing stored after the 12th"
    assert rows["Total"] == ["–", "4", "–", "3", "50.0%", "25.0%", "15", "–"]
    assert "Contacts recorded up to Mar 12, 2020, 10:03: the days after it count none." in page
    # The chart: a bar per day up to the last stored contact, the forecast where there is one.
    svg = page[page.index('<svg class="chart daily"') : page.index("</svg>")]
    assert svg.count('<rect class="offered-bar"') == 4  # 9-12 March
    assert svg.count('<line class="forecast"') == 1
    assert "Thu 12: contacts offered 4" in svg
    # Changing the address to the other client's queue changes nothing.
    edited = browser_client.get(f"/client?queue={general}", headers=EN).text
    assert "General" not in edited
    assert _rows(edited)["Thursday, March 12"][1] == "4"


def test_satisfaction_shows_only_where_five_customers_answered(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    bank = web_world.base.queue_ids["bank"]
    wednesday = THURSDAY - timedelta(days=1)
    _add_contacts(site, bank, wednesday, [5] * 5, scores=[6, 7, 8, 9, 10])
    _add_contacts(site, bank, THURSDAY, [5] * 4, scores=[1, 1, 1, 1])
    log_in(browser_client, web_world, "client_viewer")
    page = browser_client.get("/client", headers=EN).text
    rows = _rows(page)
    assert rows["Wednesday, March 11"][-1] == "8.0"
    assert rows["Thursday, March 12"][-1] == "–1"  # a dash and its footnote
    assert 'href="#note-few-answers"' in page
    assert "Fewer than 5 customers gave a score that day" in page
    # The week's mean rests on Wednesday alone: Thursday's four ones cannot be told from it.
    assert rows["Total"][-1] == "8.0"
    dutch = _rows(browser_client.get("/client", headers=NL).text)
    assert dutch["woensdag 11 maart"][-1] == "8,0"


def test_the_week_is_chosen_by_plain_links_and_today_counts_so_far(
    site: FastAPI, browser_client: TestClient, web_world: WebWorld
) -> None:
    bank = web_world.base.queue_ids["bank"]
    # Today (16 March): one call at 07:30 in Amsterdam, one stored for 08:30, after now.
    _add_contacts(site, bank, datetime(2020, 3, 16, 6, 30, tzinfo=UTC), [5], scores=[9])
    _add_contacts(site, bank, datetime(2020, 3, 16, 7, 30, tzinfo=UTC), [5])
    log_in(browser_client, web_world, "client_viewer")
    default = browser_client.get("/client", headers=EN).text
    assert 'href="/client?week=2020-03-02"' in default  # previous week
    assert 'href="/client?week=2020-03-16"' in default  # next: up to today
    assert 'href="/client?week=2020-03-10"' in default  # the last 7 days with today
    assert "so far today" not in default
    earlier = browser_client.get("/client?week=2020-03-02", headers=EN).text
    assert next(iter(_rows(earlier))) == "Monday, March 2"
    assert 'href="/client?week=2020-03-09"' in earlier
    live = browser_client.get("/client?week=2020-03-10", headers=EN).text
    rows = _rows(live)
    assert list(rows)[-2:] == ["Monday, March 16 so far today", "Total, today so far"]
    assert rows["Monday, March 16 so far today"][1] == "1"
    assert rows["Monday, March 16 so far today"][-1] == "–2", "today's score waits a day"
    assert "Today so far (until 08:00)" in live
    assert 'rel="next"' not in live, "never a week after today"
    dutch = browser_client.get("/client?week=2020-03-10", headers=NL).text
    assert "vandaag tot nu toe" in dutch
    assert "vorige week" in dutch


def test_a_bad_week_is_said_at_the_top_over_the_default_week(
    browser_client: TestClient, web_world: WebWorld
) -> None:
    log_in(browser_client, web_world, "client_viewer")
    bad = browser_client.get("/client?week=16-03-2020", headers=EN)
    assert bad.status_code == 422
    top = bad.text[bad.text.index("<h1>") : bad.text.index('class="week-nav"')]
    assert "Week: &#39;16-03-2020&#39; is not a date (YYYY-MM-DD)." in top
    assert "Monday, March 9" in bad.text, "the default week below it"
    later = browser_client.get("/client?week=2020-03-17", headers=NL)
    assert later.status_code == 422
    assert "Week: 17 mrt 2020 ligt na vandaag; de cijfers lopen tot en met vandaag." in later.text
    ancient = browser_client.get("/client?week=0001-01-01", headers=EN)
    assert ancient.status_code == 422
    assert "Week: Jan 1, 1 is before Jan 1, 1970; no figures go back that far." in ancient.text
    first = browser_client.get("/client?week=1970-01-01", headers=EN).text
    assert 'rel="prev"' not in first, "no link to a refusal"
