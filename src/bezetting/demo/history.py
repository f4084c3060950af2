"""The demo centre's contact history: one record per call, chat and e-mail, drawn from a seed.

What follows the public data (see :mod:`bezetting.demo.figures`): how a week's contacts spread
over the weekdays, how a day's spread over the half hours, how handle time varies over the day
and from contact to contact (its distribution around the mean), and how long callers wait
before they hang up (exponential patience with the bank's mean). What is invented: each
queue's volume and mean handle time, the surge (volume times the queue's ``surge_factor`` from
Monday 9 March 2020), how waiting grows with load, repeat contacts and outcomes.

The model per contact: arrivals are a Poisson process per half hour; a caller waits ``W``
(exponential, mean growing steeply with the half hour's load against a normal day) and hangs
up after ``P`` (exponential patience); ``P < W`` is an abandoned call. An answered contact goes
to an agent with the queue's skill who could work at that hour, with the agent's proficiency
stretching the handle time. E-mail never abandons and is answered while the centre is open.
About one contact in five comes from a customer whose earlier contact was abandoned or left
unresolved in the past week (those contacts are not first-time-right).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from bezetting.demo.figures import PublicDataFigures
from bezetting.demo.organisation import (
    SATURDAY_HOURS,
    SURGE_FIRST_DAY,
    WEEKDAY_HOURS,
    DemoAgent,
    DemoQueueSpec,
)

__all__ = ["OUTCOME_FOLLOW_UP", "OUTCOME_RESOLVED", "DemoContact", "demo_history", "open_span"]

OUTCOME_RESOLVED = "resolved"
OUTCOME_FOLLOW_UP = "follow-up needed"
_AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_SLOT_SECONDS = 1800
_NORMAL_WAIT_SECONDS = 10.0  # a half hour at the usual load
_WAIT_GROWTH = 1.2  # the mean wait grows e^1.2 (3.3) times when the load doubles
_EMAIL_NORMAL_WAIT_SECONDS = 3 * 3600.0
_REPEAT_SHARE = 0.2
_REPEAT_WINDOW = timedelta(days=7)
_RESOLVED_SHARE = {False: 0.84, True: 0.74}  # before and during the surge
_CSAT_SHARE = 0.12
_EMAIL_OFF_HOURS_SHARE = 0.3  # of e-mail, spread evenly round the clock


@dataclass(frozen=True, slots=True)
class DemoContact:
    """One contact before storage; ``customer`` is the raw id the service pseudonymises."""

    queue: str
    external_id: str
    channel: str
    customer: str
    arrived_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    abandoned: bool
    agent: str | None
    reason: str
    outcome: str | None
    csat: int | None


def open_span(day: date, closed_days: frozenset[date]) -> tuple[time, time] | None:
    """The centre's hours on ``day`` (local), or None when closed (Sunday, public holiday)."""
    if day in closed_days or day.weekday() == 6:
        return None
    return SATURDAY_HOURS if day.weekday() == 5 else WEEKDAY_HOURS


def _slots(span: tuple[time, time]) -> range:
    return range(span[0].hour * 2 + span[0].minute // 30, span[1].hour * 2 + span[1].minute // 30)


class _Customers:
    """Raw customer ids: new ones, or one whose recent contact did not settle their question."""

    def __init__(self, queue: str) -> None:
        self._prefix = f"{queue[:2].upper()}"
        self._count = 0
        self._unsettled: deque[tuple[datetime, str]] = deque()  # in arrival order

    def next(self, arrived_at: datetime, rng: np.random.Generator) -> str:
        while self._unsettled and arrived_at - self._unsettled[0][0] > _REPEAT_WINDOW:
            self._unsettled.popleft()
        if self._unsettled and rng.random() < _REPEAT_SHARE:
            index = int(rng.integers(len(self._unsettled)))
            customer = self._unsettled[index][1]
            del self._unsettled[index]
            return customer
        self._count += 1
        return f"klant-{self._prefix}{self._count:07d}"

    def unsettled(self, arrived_at: datetime, customer: str) -> None:
        self._unsettled.append((arrived_at, customer))


@dataclass(frozen=True)
class _Pool:
    """Agents who could take a contact, drawn in proportion to their contract hours."""

    agents: tuple[tuple[DemoAgent, float], ...]
    cumulative: np.ndarray

    @classmethod
    def of(cls, agents: Sequence[tuple[DemoAgent, float]]) -> _Pool:
        weights = np.cumsum([a.hours_target for a, _ in agents])
        return cls(tuple(agents), weights / weights[-1])

    def draw(self, rng: np.random.Generator) -> tuple[DemoAgent, float]:
        index = int(np.searchsorted(self.cumulative, rng.random(), side="right"))
        return self.agents[min(index, len(self.agents) - 1)]


def demo_history(
    queues: Sequence[DemoQueueSpec],
    agents: Sequence[DemoAgent],
    *,
    first_day: date,
    days: int,
    figures: PublicDataFigures,
    rng: np.random.Generator,
    closed_days: frozenset[date] = frozenset(),
) -> list[DemoContact]:
    """Every contact from ``first_day`` for ``days`` days, in arrival order per queue."""
    contacts: list[DemoContact] = []
    weekday_mean = float(figures.weekday_share[:5].mean())
    for queue in queues:
        skilled = [(a, p) for a in agents for code, p in a.skills if code == queue.skill]
        eligible: dict[tuple[date, int], _Pool] = {}
        customers = _Customers(queue.code)
        reference = queue.calls_per_weekday * _normal_slot_share(figures)
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            span = open_span(day, closed_days)
            if span is None and not queue.around_the_clock:
                continue
            surge = day >= SURGE_FIRST_DAY
            weekday = day.weekday()
            share = figures.weekday_share[min(weekday, 5)] / weekday_mean
            level = queue.calls_per_weekday * share * (queue.surge_factor if surge else 1.0)
            level *= float(np.clip(rng.normal(1.0, 0.05), 0.85, 1.15))
            per_slot = _slot_shares(queue, span, figures) * level
            arrivals = rng.poisson(per_slot)
            number = 0
            for slot in np.flatnonzero(arrivals):
                n = int(arrivals[slot])
                slot_start = datetime.combine(day, time(slot // 2, 30 * (slot % 2)), _AMSTERDAM)
                offsets = np.sort(rng.uniform(0, _SLOT_SECONDS, size=n))
                load = per_slot[slot] / reference if reference > 0 else 1.0
                waits = rng.exponential(_mean_wait(queue, load), size=n)
                patience = rng.exponential(_patience(queue, figures), size=n)
                handle = queue.mean_handle_seconds * figures.half_hour_aht_shape[slot]
                handle_factors = figures.handle_time_factors(rng.uniform(size=n))
                for i in range(n):
                    number += 1
                    arrived = (slot_start + timedelta(seconds=float(offsets[i]))).astimezone(UTC)
                    customer = customers.next(arrived, rng)
                    external_id = f"{queue.code}-{day:%Y%m%d}-{number:05d}"
                    reason = queue.reasons[int(rng.integers(len(queue.reasons)))]
                    if not queue.around_the_clock and patience[i] < waits[i]:
                        customers.unsettled(arrived, customer)
                        contacts.append(
                            DemoContact(
                                queue=queue.code,
                                external_id=external_id,
                                channel=queue.channel,
                                customer=customer,
                                arrived_at=arrived,
                                answered_at=None,
                                ended_at=arrived + timedelta(seconds=round(patience[i])),
                                abandoned=True,
                                agent=None,
                                reason=reason,
                                outcome=None,
                                csat=None,
                            )
                        )
                        continue
                    answered = arrived + timedelta(seconds=round(waits[i]))
                    if queue.around_the_clock:
                        answered = _next_open_moment(answered, closed_days)
                    local = answered.astimezone(_AMSTERDAM)
                    key = (local.date(), local.hour)
                    if key not in eligible:
                        eligible[key] = _Pool.of(
                            [(a, p) for a, p in skilled if a.works_at(local.date(), local.hour)]
                            or skilled
                        )
                    agent, proficiency = eligible[key].draw(rng)
                    seconds = max(10.0, handle * handle_factors[i] * proficiency)
                    resolved = rng.random() < _RESOLVED_SHARE[surge]
                    if not resolved:
                        customers.unsettled(arrived, customer)
                    csat: int | None = None
                    if rng.random() < _CSAT_SHARE:
                        csat = int(rng.integers(7, 11) if resolved else rng.integers(3, 8))
                    contacts.append(
                        DemoContact(
                            queue=queue.code,
                            external_id=external_id,
                            channel=queue.channel,
                            customer=customer,
                            arrived_at=arrived,
                            answered_at=answered,
                            ended_at=answered + timedelta(seconds=round(seconds)),
                            abandoned=False,
                            agent=agent.external_id,
                            reason=reason,
                            outcome=OUTCOME_RESOLVED if resolved else OUTCOME_FOLLOW_UP,
                            csat=csat,
                        )
                    )
    return contacts


def _normal_slot_share(figures: PublicDataFigures) -> float:
    """A normal weekday's mean share per open half hour: the load that waits the usual time."""
    return float(figures.half_hour_share[_slots(WEEKDAY_HOURS)].sum()) / len(_slots(WEEKDAY_HOURS))


def _slot_shares(
    queue: DemoQueueSpec, span: tuple[time, time] | None, figures: PublicDataFigures
) -> np.ndarray:
    """Each half hour's share of the day's contacts (48 values)."""
    if queue.around_the_clock:  # e-mail: mostly daytime, some of it round the clock
        return (1 - _EMAIL_OFF_HOURS_SHARE) * figures.half_hour_share + _EMAIL_OFF_HOURS_SHARE / 48
    shares = np.zeros(48)
    if span is not None:
        slots = _slots(span)
        shares[slots] = figures.half_hour_share[slots]
        # A day's volume is that of the weekday file; the open window holds all of it.
        shares /= shares.sum()
    return shares


def _mean_wait(queue: DemoQueueSpec, load: float) -> float:
    normal = _EMAIL_NORMAL_WAIT_SECONDS if queue.around_the_clock else _NORMAL_WAIT_SECONDS
    return normal * float(np.exp(_WAIT_GROWTH * (load - 1.0)))


def _patience(queue: DemoQueueSpec, figures: PublicDataFigures) -> float:
    # Chatters keep the window open in the background: twice a caller's patience.
    factor = 2.0 if queue.channel == "chat" else 1.0
    return figures.patience_seconds * factor


def _next_open_moment(moment: datetime, closed_days: frozenset[date]) -> datetime:
    """``moment`` when the centre is open then, else its next opening (an e-mail waits)."""
    local = moment.astimezone(_AMSTERDAM)
    for _ in range(14):
        span = open_span(local.date(), closed_days)
        if span is not None:
            opens = datetime.combine(local.date(), span[0], _AMSTERDAM)
            closes = datetime.combine(local.date(), span[1], _AMSTERDAM)
            if local < opens:
                return opens.astimezone(UTC)
            if local < closes:
                return local.astimezone(UTC)
        local = datetime.combine(local.date() + timedelta(days=1), time(0), _AMSTERDAM)
    return moment  # not reached: the centre opens every week
