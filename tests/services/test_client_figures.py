"""The client viewer's figures per day: service, forecast against actual, today so far, and
satisfaction only where at least five customers answered."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bezetting.services.errors import PermissionDeniedError
from bezetting.services.organisations import OrganisationRef, QueueSpec, create_queue
from bezetting.services.overview import (
    MIN_ANSWERS_SHOWN,
    CsatWithheld,
    queue_weeks,
    service_figures,
)
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import Channel, Role
from bezetting.store.models import Client, ContactRecord, Forecast, ForecastInterval, Queue
from tests.services.conftest import principal as _who

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")
MONDAY = date(2020, 3, 9)
# Tuesday 17 March, 10:30 in Amsterdam: the period 11-17 March has today as its last day.
NOW = datetime(2020, 3, 17, 9, 30, tzinfo=UTC)


@pytest.fixture
def bank(sessions: SessionFactory, organisation: OrganisationRef) -> tuple[int, int]:
    """A second client, ``bank``, with one queue (30 s target): (client id, queue id)."""
    with transaction(sessions, writes=True) as session:
        client = Client(organisation_id=organisation.id, code="bank", name="De Bank")
        session.add(client)
        session.flush()
        client_id = client.id
    create_queue(
        sessions,
        organisation.code,
        QueueSpec(code="bank", name="Bank", client_code="bank", service_target_seconds=30),
    )
    with transaction(sessions) as session:
        queue_id = session.scalars(select(Queue.id).where(Queue.code == "bank")).one()
    return client_id, queue_id


def _contact(
    queue_id: int,
    n: int,
    arrived: datetime,
    *,
    wait_seconds: int | None,
    csat: int | None = None,
) -> ContactRecord:
    return ContactRecord(
        queue_id=queue_id,
        external_id=f"c{queue_id}-{n}",
        channel=Channel.VOICE,
        arrived_at=arrived,
        answered_at=None if wait_seconds is None else arrived + timedelta(seconds=wait_seconds),
        ended_at=arrived + timedelta(minutes=5),
        abandoned=wait_seconds is None,
        csat=csat,
    )


def _add(sessions: SessionFactory, contacts: list[ContactRecord]) -> None:
    with transaction(sessions, writes=True) as session:
        session.add_all(contacts)


def test_figures_follow_their_definitions() -> None:
    at = datetime(2020, 3, 9, 9, 0, tzinfo=UTC)
    # Waits 10 s and 30 s (both within a 30 s target), 45 s (not), and one abandoned.
    rows = [
        (at, at + timedelta(seconds=10), False, None),
        (at, at + timedelta(seconds=30), False, None),
        (at, at + timedelta(seconds=45), False, None),
        (at, None, True, None),
    ]
    figures = service_figures(rows, target_seconds=30, csat_scores=[6, 9])
    assert (figures.offered, figures.answered, figures.abandoned) == (4, 3, 1)
    assert figures.service_level == 0.5  # 2 of 4, the abandoned one counts as offered
    assert figures.abandon_share == 0.25
    assert figures.asa_seconds == pytest.approx(85 / 3)  # answered ones only
    assert figures.csat_mean == 7.5
    empty = service_figures([], target_seconds=30, csat_scores=[])
    assert empty.service_level is None
    assert empty.asa_seconds is None
    assert empty.csat_mean is None


def test_a_client_viewer_gets_its_own_queues_per_day_and_nothing_of_another_client(
    sessions: SessionFactory, organisation: OrganisationRef, bank: tuple[int, int]
) -> None:
    client_id, bank_queue = bank
    with transaction(sessions) as session:
        general = session.scalars(select(Queue.id).where(Queue.code == "general")).one()
    thursday = datetime(2020, 3, 12, 9, 0, tzinfo=UTC)
    _add(
        sessions,
        [_contact(bank_queue, n, thursday, wait_seconds=w) for n, w in enumerate([5, 40, None])]
        + [_contact(general, n, thursday, wait_seconds=5) for n in range(9)],
    )
    viewer = _who(organisation, Role.CLIENT_VIEWER, client_id=client_id)
    weeks = queue_weeks(sessions, viewer, first_day=MONDAY, now=NOW, zone=AMSTERDAM)
    assert [w.code for w in weeks] == ["bank"]
    (week,) = weeks
    assert [d.day for d in week.days] == [MONDAY + timedelta(days=k) for k in range(7)]
    by_day = {d.day: d.figures for d in week.days}
    assert by_day[date(2020, 3, 12)].offered == 3
    assert by_day[date(2020, 3, 12)].service_level == pytest.approx(1 / 3)
    assert by_day[date(2020, 3, 11)].offered == 0
    recorded = {d.day for d in week.days if d.recorded}
    assert recorded == {MONDAY + timedelta(days=k) for k in range(4)}, "none stored after 12 March"
    assert week.total.offered == 3
    assert week.last_arrival == thursday
    nobody = _who(organisation, Role.CLIENT_VIEWER, client_id=-5)
    assert queue_weeks(sessions, nobody, first_day=MONDAY, now=NOW, zone=AMSTERDAM) == []
    with pytest.raises(PermissionDeniedError):
        queue_weeks(
            sessions, _who(organisation, Role.AGENT), first_day=MONDAY, now=NOW, zone=AMSTERDAM
        )


def test_today_counts_up_to_now_and_no_day_after_it_is_shown(
    sessions: SessionFactory, organisation: OrganisationRef, bank: tuple[int, int]
) -> None:
    client_id, queue = bank
    before, after = NOW - timedelta(minutes=10), NOW + timedelta(minutes=10)
    _add(
        sessions,
        [
            _contact(queue, 1, before, wait_seconds=5),
            _contact(queue, 2, after, wait_seconds=5),  # stored ahead of the clock: not yet
        ],
    )
    viewer = _who(organisation, Role.CLIENT_VIEWER, client_id=client_id)
    (week,) = queue_weeks(sessions, viewer, first_day=date(2020, 3, 16), now=NOW, zone=AMSTERDAM)
    assert [d.day for d in week.days] == [date(2020, 3, 16), date(2020, 3, 17)]
    today = week.days[-1]
    assert today.so_far == NOW
    assert today.figures.offered == 1
    assert today.recorded
    assert week.days[0].so_far is None
    assert week.days[0].figures.offered == 0
    assert week.days[0].recorded, "a day nobody called, before one with a contact"


def test_satisfaction_shows_from_five_answers_on_and_for_today_from_tomorrow(
    sessions: SessionFactory, organisation: OrganisationRef, bank: tuple[int, int]
) -> None:
    client_id, queue = bank
    assert MIN_ANSWERS_SHOWN == 5
    wednesday = datetime(2020, 3, 11, 9, 0, tzinfo=UTC)
    thursday = datetime(2020, 3, 12, 9, 0, tzinfo=UTC)
    five = [
        _contact(queue, n, wednesday, wait_seconds=5, csat=s)
        for n, s in enumerate([6, 7, 8, 9, 10])
    ]
    four = [_contact(queue, 10 + n, thursday, wait_seconds=5, csat=1) for n in range(4)]
    today = [
        _contact(queue, 20 + n, NOW - timedelta(minutes=n + 1), wait_seconds=5, csat=9)
        for n in range(6)
    ]
    _add(sessions, five + four + today)
    viewer = _who(organisation, Role.CLIENT_VIEWER, client_id=client_id)
    (week,) = queue_weeks(sessions, viewer, first_day=date(2020, 3, 11), now=NOW, zone=AMSTERDAM)
    by_day = {d.day: d.figures for d in week.days}
    assert by_day[date(2020, 3, 11)].csat_mean == 8.0
    assert by_day[date(2020, 3, 12)].csat_mean is None
    assert by_day[date(2020, 3, 12)].csat_withheld is CsatWithheld.FEW_ANSWERS
    assert by_day[date(2020, 3, 17)].csat_mean is None
    assert by_day[date(2020, 3, 17)].csat_withheld is CsatWithheld.DAY_RUNNING
    assert by_day[date(2020, 3, 13)].csat_withheld is None, "no answers: nothing to withhold"
    # The week's mean rests only on the day shown, so the four ones cannot be told from it.
    assert week.total.csat_mean == 8.0
    assert week.total.csat_answers == 5


def test_the_newest_forecast_covering_a_day_is_set_against_the_contacts_offered(
    sessions: SessionFactory, organisation: OrganisationRef, bank: tuple[int, int]
) -> None:
    client_id, queue = bank
    # Two versions over 16-17 March, half-hours from 08:00 to 12:00 in Amsterdam: version 2
    # (10 a half-hour) counts, not version 1.
    with transaction(sessions, writes=True) as session:
        for version, volume in ((1, 99.0), (2, 10.0)):
            forecast = Forecast(
                queue_id=queue,
                version=version,
                model="test",
                interval_minutes=30,
                starts_at=datetime(2020, 3, 16, 7, 0, tzinfo=UTC),
                ends_at=datetime(2020, 3, 17, 11, 0, tzinfo=UTC),
                backtest=None,
                created_at=NOW,
            )
            session.add(forecast)
            session.flush()
            for day in (16, 17):
                for k in range(8):
                    session.add(
                        ForecastInterval(
                            forecast_id=forecast.id,
                            interval_start=datetime(2020, 3, day, 7, 0, tzinfo=UTC)
                            + k * timedelta(minutes=30),
                            volume=volume,
                            aht_seconds=300.0,
                        )
                    )
    viewer = _who(organisation, Role.CLIENT_VIEWER, client_id=client_id)
    (week,) = queue_weeks(sessions, viewer, first_day=date(2020, 3, 15), now=NOW, zone=AMSTERDAM)
    by_day = {d.day: d for d in week.days}
    assert by_day[date(2020, 3, 15)].forecast_contacts is None
    assert by_day[date(2020, 3, 16)].forecast_contacts == 80.0
    assert by_day[date(2020, 3, 16)].forecast_version == 2
    # Today up to 10:30 in Amsterdam: the half-hours from 08:00 to 10:00 and none of 10:30.
    assert by_day[date(2020, 3, 17)].forecast_contacts == 50.0
    assert week.forecast_contacts is None, "15 March has no forecast: no week total"
