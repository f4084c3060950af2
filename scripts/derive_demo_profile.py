"""Derive the small figures the demo ships from the public Anonymous Bank 1999 data.

Run from the repository root with the shared data beside it:

    .venv/bin/python scripts/derive_demo_profile.py ../shared/data

It writes ``src/bezetting/data/anonymous_bank_1999_profile_derived.csv``: for each half hour
of a Sunday-Thursday working day (the bank's weekdays), the share of the day's calls that
arrive in it and the mean handle time of the calls answered in it; plus, in comments, the
mean patience estimated from February's queued calls (abandons over total time waited, the
maximum-likelihood estimate for exponential patience with served calls as censored). The demo
scales these shapes to a Dutch municipal service desk; it never reads the raw data.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path


def _seconds(clock: str) -> int:
    h, m, s = (int(p) for p in clock.split(":"))
    return 3600 * h + 60 * m + s


def main(data_dir: Path) -> None:
    bank = data_dir / "anonymous_bank_1999"
    # Arrival shape: the whole year of 6-minute counts, Sunday to Thursday, 07:00-24:00.
    per_half_hour: dict[int, float] = defaultdict(float)
    with (bank / "Callcenter_6min_1999_derived.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["weekday"] in {"Friday", "Saturday"}:
                continue
            h, m = (int(p) for p in row["interval_start"].split(":"))
            per_half_hour[(60 * h + m) // 30] += float(row["calls"])
    total = sum(per_half_hour.values())
    # Handle time per half hour and patience: February's call records, answered calls.
    handle_sum: dict[int, float] = defaultdict(float)
    handle_n: dict[int, int] = defaultdict(int)
    waited = 0.0
    abandons = 0
    with (bank / "data_anonymous_bank_february.txt").open() as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            q_time = int(row["q_time"])
            if q_time > 0:
                waited += q_time
                abandons += row["outcome"] == "HANG"
            if row["outcome"] == "AGENT" and int(row["ser_time"]) > 0:
                slot = _seconds(row["ser_start"]) // 1800
                handle_sum[slot] += int(row["ser_time"])
                handle_n[slot] += 1
    out = Path("src/bezetting/data/anonymous_bank_1999_profile_derived.csv")
    with out.open("w", newline="") as handle:
        handle.write(
            "# Derived from the Anonymous Bank call centre, 1999 (Technion SEE Center; "
            "Brown et al.\n"
            "# 2005, JASA 100:36-50) by scripts/derive_demo_profile.py. Sunday-Thursday days.\n"
            f"# mean_patience_seconds={waited / abandons:.1f} (February, {abandons} abandons)\n"
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["half_hour_start", "share_of_day", "aht_seconds"])
        for slot in range(48):
            share = per_half_hour.get(slot, 0.0) / total
            n = handle_n.get(slot, 0)
            aht = handle_sum[slot] / n if n >= 30 else ""
            writer.writerow(
                [
                    f"{slot // 2:02d}:{30 * (slot % 2):02d}",
                    f"{share:.6f}",
                    f"{aht:.1f}" if aht else "",
                ]
            )
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
