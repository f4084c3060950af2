"""Derive the figures the demo organisation's contact history follows from the public data.

Run from the repository root with the shared data beside it:

    .venv/bin/python scripts/derive_demo_history_figures.py ../shared/data

It writes two small files next to the intraday profile (``derive_demo_profile.py``):

``src/bezetting/data/anonymous_bank_1999_weekdays_derived.csv``
    the share of a week's calls per weekday over the whole of 1999, mapped onto a Dutch week:
    the bank worked Sunday to Thursday with a short Friday, so its first working day (Sunday)
    becomes Monday, ..., Thursday becomes Friday, and its short Friday becomes the Dutch
    Saturday morning. The bank's Saturday (open only from about 20:00) is left out.

``src/bezetting/data/anonymous_bank_1999_handle_times_derived.csv``
    the distribution of handle time of February's answered calls (``ser_time`` > 0, an agent
    named), as 101 quantiles (0%, 1%, ..., 100%) divided by the mean: a shape the demo scales
    to each queue's own mean handle time.

The demo never reads the raw data; only these derived figures ship with it.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

_DUTCH_DAY_FOR_BANK_DAY = {
    "Sunday": "Monday",
    "Monday": "Tuesday",
    "Tuesday": "Wednesday",
    "Wednesday": "Thursday",
    "Thursday": "Friday",
    "Friday": "Saturday",
}
_OUT = Path("src/bezetting/data")
_SOURCE = (
    "# Derived from the Anonymous Bank call centre, 1999 (Technion SEE Center; Brown et al.\n"
    "# 2005, JASA 100:36-50) by scripts/derive_demo_history_figures.py.\n"
)


def _weekday_shares(bank: Path) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    days: dict[str, set[str]] = defaultdict(set)
    with (bank / "Callcenter_6min_1999_derived.csv").open() as handle:
        for row in csv.DictReader(handle):
            totals[row["weekday"]] += float(row["calls"])
            days[row["weekday"]].add(row["date"])
    mean_per_day = {
        day: totals[day] / len(days[day]) for day in _DUTCH_DAY_FOR_BANK_DAY if days[day]
    }
    week = sum(mean_per_day.values())
    return {day: value / week for day, value in mean_per_day.items()}


def _handle_time_quantiles(bank: Path) -> tuple[np.ndarray, int]:
    handle_seconds: list[int] = []
    with (bank / "data_anonymous_bank_february.txt").open() as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            served = int(row["ser_time"])
            if row["outcome"] == "AGENT" and served > 0 and row["server"] != "NO_SERVER":
                handle_seconds.append(served)
    values = np.asarray(handle_seconds, dtype=float)
    return np.quantile(values, np.linspace(0.0, 1.0, 101)) / values.mean(), len(values)


def main(data_dir: Path, out_dir: Path = _OUT) -> None:
    bank = data_dir / "anonymous_bank_1999"
    shares = _weekday_shares(bank)
    weekdays = out_dir / "anonymous_bank_1999_weekdays_derived.csv"
    with weekdays.open("w", newline="") as handle:
        handle.write(
            _SOURCE + "# Mean calls per weekday over 1999 as a share of the week; the bank's\n"
            "# Sunday-Thursday working days mapped onto Monday-Friday, its short Friday onto\n"
            "# Saturday.\n"
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["weekday", "bank_weekday", "share_of_week"])
        for bank_day, dutch_day in _DUTCH_DAY_FOR_BANK_DAY.items():
            writer.writerow([dutch_day, bank_day, f"{shares[bank_day]:.6f}"])
    quantiles, n = _handle_time_quantiles(bank)
    handle_times = out_dir / "anonymous_bank_1999_handle_times_derived.csv"
    with handle_times.open("w", newline="") as handle:
        handle.write(
            _SOURCE + f"# Handle time quantiles of February's {n} answered calls, over the mean.\n"
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["quantile", "handle_time_over_mean"])
        for i, value in enumerate(quantiles):
            writer.writerow([f"{i / 100:.2f}", f"{value:.4f}"])
    print(f"wrote {weekdays} and {handle_times}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
