"""Write the small example inputs of ``bezetting forecast`` (deterministic, seed 7).

``contacts.csv``: five weeks of synthetic contact records for two queues, 2020-03-02 to
2020-04-05 local time (Europe/Amsterdam, written without offset), across the spring
daylight-saving switch (2020-03-29), opening 08:00-20:00 on weekdays and 10:00-16:00 on
Saturdays, with a surge from 2020-03-16 on (spring 2020).
``history.csv``: the same volumes as an hourly interval-series file.
Run: python examples/forecast/make_examples.py
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

HERE = Path(__file__).resolve().parent
TZ = ZoneInfo("Europe/Amsterdam")
DAILY = {"service": 50.0, "sales": 20.0}
WEEKDAY_FACTOR = (1.3, 1.1, 1.0, 1.0, 0.9, 0.5, 0.0)


def main() -> None:
    rng = np.random.default_rng(7)
    contacts: list[list[str]] = []
    hourly: dict[tuple[str, datetime], list[float]] = {}
    day = date(2020, 3, 2)
    number = 0
    while day <= date(2020, 4, 5):
        weekday = day.weekday()
        opening, closing = (10, 16) if weekday == 5 else (8, 20)
        surge = 1.6 if day >= date(2020, 3, 16) else 1.0
        for queue, base in DAILY.items():
            expected = base * WEEKDAY_FACTOR[weekday] * surge
            for hour in range(opening, closing):
                shape = 1.0 + 0.6 * np.sin(np.pi * (hour - opening) / (closing - opening))
                rate = expected * shape / (closing - opening) / 1.38
                count = int(rng.poisson(rate))
                start = datetime(day.year, day.month, day.day, hour, tzinfo=TZ)
                handled = []
                for _ in range(count):
                    number += 1
                    arrived = start + timedelta(seconds=float(rng.uniform(0, 3600)))
                    abandoned = bool(rng.uniform() < 0.08)
                    answered = arrived + timedelta(seconds=float(rng.exponential(40)))
                    handle = float(rng.gamma(4.0, 60.0 if queue == "service" else 90.0))
                    ended = answered + timedelta(seconds=handle)
                    fmt = "%Y-%m-%d %H:%M:%S"
                    contacts.append(
                        [
                            f"C{number:06d}",
                            queue,
                            "voice",
                            arrived.strftime(fmt),
                            "" if abandoned else answered.strftime(fmt),
                            (answered if abandoned else ended).strftime(fmt),
                            "true" if abandoned else "false",
                            "" if abandoned else f"A{int(rng.integers(1, 20)):02d}",
                            f"K{int(rng.integers(1, 900)):05d}",
                            "abandoned" if abandoned else "solved",
                        ]
                    )
                    if not abandoned:
                        handled.append(handle)
                hourly[(queue, start)] = [float(count), float(np.mean(handled)) if handled else 0]
        day += timedelta(days=1)
    contacts.sort(key=lambda row: row[3])
    with (HERE / "contacts.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "queue", "channel", "arrived_at", "answered_at", "ended_at",
                         "abandoned", "agent", "customer", "outcome"])  # fmt: skip
        writer.writerows(contacts)
    with (HERE / "history.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["queue", "interval_start", "volume", "aht_seconds"])
        for (queue, start), (count, aht) in sorted(hourly.items()):
            writer.writerow([queue, start.isoformat(), f"{count:g}", f"{aht:.1f}" if count else ""])


if __name__ == "__main__":
    main()
