"""The demo: one surge day at a fictional Dutch municipal customer-service centre.

Monday 16 March 2020, the first week of the spring-2020 surge: calls about income support and
unemployment benefits more than doubled. The centre is open 08:00-20:00 (extended hours) on
three phone queues, a chat queue (two chats per agent at once) and an e-mail inbox (95% within
24 hours). Arrival shapes and handle-time shapes come from the public Anonymous Bank call centre
data (1999), shipped as a small derived profile (see ``data/`` and
``scripts/derive_demo_profile.py``); the volumes and handle-time levels are invented but of a
realistic size. Nothing here reads the raw data.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from bezetting.core.queueing import (
    BacklogPlan,
    QueueModel,
    ServiceTarget,
    backlog_staffing,
    chat_required_agents,
    gross_from_net,
    offered_load,
    required_agents,
)

__all__ = ["DemoDay", "DemoQueue", "build_demo_day"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PROFILE_FILE = "anonymous_bank_1999_profile_derived.csv"
INTERVAL_SECONDS = 1800
OPEN_FROM, OPEN_UNTIL = time(8, 0), time(20, 0)
SHRINKAGE = 0.35  # breaks, training, coaching, absence: a typical Dutch figure during the surge


@dataclass(frozen=True)
class DemoQueue:
    """One queue's day: what arrives and what it needs, per half hour while open.

    Attributes:
        name: queue name.
        channel: voice, chat or email.
        volume: contacts per half hour.
        aht_seconds: handle time per half hour.
        agents: net agents needed per half hour.
        agents_fractional: the interpolated fraction per half hour.
        service_level: predicted service level at ``agents`` (share within the target time).
        model: the formula that produced the figures, with its target.
    """

    name: str
    channel: str
    volume: NDArray[np.float64]
    aht_seconds: NDArray[np.float64]
    agents: NDArray[np.int64]
    agents_fractional: NDArray[np.float64]
    service_level: NDArray[np.float64]
    model: str


@dataclass(frozen=True)
class DemoDay:
    """The demo day: interval starts (aware, Europe/Amsterdam) and every queue's figures."""

    day: date
    starts: tuple[datetime, ...]
    queues: tuple[DemoQueue, ...]
    shrinkage: float
    patience_seconds: float

    def total_net(self) -> NDArray[np.int64]:
        return np.asarray(np.sum([q.agents for q in self.queues], axis=0), dtype=np.int64)

    def total_gross(self) -> NDArray[np.float64]:
        return gross_from_net(
            np.sum([q.agents_fractional for q in self.queues], axis=0), shrinkage=self.shrinkage
        )


@dataclass(frozen=True)
class _Profile:
    share: NDArray[np.float64]  # per half hour of the open window, summing to 1
    aht_shape: NDArray[np.float64]  # per half hour, mean 1
    patience_seconds: float


def _load_profile(open_slots: slice) -> _Profile:
    text = resources.files("bezetting.data").joinpath(PROFILE_FILE).read_text(encoding="utf-8")
    patience = float("nan")
    for line in text.splitlines():
        if line.startswith("# mean_patience_seconds="):
            patience = float(line.split("=")[1].split()[0])
    rows = list(
        csv.DictReader(
            io.StringIO("\n".join(ln for ln in text.splitlines() if not ln.startswith("#")))
        )
    )
    share = np.array([float(r["share_of_day"]) for r in rows])[open_slots]
    aht = np.array([float(r["aht_seconds"] or "nan") for r in rows])[open_slots]
    aht = np.where(np.isnan(aht), np.nanmean(aht), aht)
    return _Profile(share / share.sum(), aht / aht.mean(), patience)


def build_demo_day(day: date = date(2020, 3, 16)) -> DemoDay:
    """Forecast-shaped volumes for the demo day and the agents every queue needs."""
    first = (OPEN_FROM.hour * 60 + OPEN_FROM.minute) // 30
    last = (OPEN_UNTIL.hour * 60 + OPEN_UNTIL.minute) // 30
    profile = _load_profile(slice(first, last))
    opening = datetime.combine(day, OPEN_FROM, tzinfo=AMSTERDAM)
    starts = tuple(opening + timedelta(minutes=30 * i) for i in range(last - first))
    patience = profile.patience_seconds
    voice_target = ServiceTarget(service_level=0.8, answer_within_seconds=30, max_abandon_rate=0.05)
    queues: list[DemoQueue] = []
    # (name, calls that day, mean handle time): the surge doubled the first two.
    for name, calls, mean_aht in (
        ("income-support", 2600.0, 420.0),
        ("unemployment-benefits", 1900.0, 480.0),
        ("general-questions", 1300.0, 240.0),
    ):
        volume = np.round(calls * profile.share)
        aht = mean_aht * profile.aht_shape
        load = offered_load(volume, aht_seconds=aht, interval_seconds=INTERVAL_SECONDS)
        result = required_agents(
            load,
            aht_seconds=aht,
            target=voice_target,
            model=QueueModel.ERLANG_A,
            patience_seconds=patience,
        )
        queues.append(
            DemoQueue(
                name=name,
                channel="voice",
                volume=volume,
                aht_seconds=aht,
                agents=result.agents,
                agents_fractional=result.agents_fractional,
                service_level=result.metrics.service_level_offered,
                model=f"Erlang A, patience {patience:.0f} s; 80% in 30 s, at most 5% abandoned",
            )
        )
    chat_volume = np.round(900.0 * profile.share)
    chat_aht = np.full(chat_volume.shape, 720.0)  # per chat, with two chats at once
    chat = chat_required_agents(
        offered_load(chat_volume, aht_seconds=chat_aht, interval_seconds=INTERVAL_SECONDS),
        aht_seconds=chat_aht,
        concurrency=2,
        target=ServiceTarget(service_level=0.8, answer_within_seconds=60),
    )
    queues.append(
        DemoQueue(
            name="chat",
            channel="chat",
            volume=chat_volume,
            aht_seconds=chat_aht,
            agents=chat.agents,
            agents_fractional=chat.agents_fractional,
            service_level=chat.slots.metrics.service_level_offered,
            model="Erlang C on chat slots, 2 chats per agent; 80% in 60 s",
        )
    )
    email = _email_plan(profile)
    email_volume = np.round(700.0 * 2 / 3 * profile.share)  # the part arriving while open
    queues.append(
        DemoQueue(
            name="email",
            channel="email",
            volume=email_volume,
            aht_seconds=np.full(email_volume.shape, 480.0),
            agents=email.agents[: len(starts)],
            agents_fractional=np.full(len(starts), email.agents_fractional),
            service_level=np.full(len(starts), email.share_within_deadline),
            model="backlog over the week, worked while open; 95% within 24 h",
        )
    )
    return DemoDay(
        day=day, starts=starts, queues=tuple(queues), shrinkage=SHRINKAGE, patience_seconds=patience
    )


def _email_plan(profile: _Profile) -> BacklogPlan:
    """E-mail arrives around the clock (a third of it outside opening hours) for a week."""
    open_slots = profile.share.size
    per_day = 700.0
    day_arrivals = np.full(48, per_day / 3 / (48 - open_slots))
    first = (OPEN_FROM.hour * 60) // 30
    day_arrivals[first : first + open_slots] = per_day * 2 / 3 * profile.share
    is_open = np.zeros(48, dtype=bool)
    is_open[first : first + open_slots] = True
    plan = backlog_staffing(
        np.tile(day_arrivals, 7),
        open_intervals=np.tile(is_open, 7),
        interval_seconds=INTERVAL_SECONDS,
        aht_seconds=480.0,
        deadline_seconds=86_400.0,
        target_share=0.95,
    )
    return BacklogPlan(
        agents_fractional=plan.agents_fractional,
        agents=plan.agents[first : first + open_slots],
        share_within_deadline=plan.share_within_deadline,
        backlog_items=plan.backlog_items,
        judged_items=plan.judged_items,
    )
