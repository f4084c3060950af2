"""A small organisation to plan for, built with the real imports (shared by the planning tests).

Queue ``general`` (voice, Mon-Fri 08:00-20:00) has five weeks of contacts, 10 February to 15
March 2020, with a known weekly pattern that repeats exactly: per quarter-hour, Monday 3
contacts and other weekdays 2, one more from 11:00 to 14:00; each answered after 10 s and
handled in 240 s. Four agents have skill ``general`` and 8-36 contract hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bezetting.services.imports import import_agents, import_contact_records
from bezetting.services.organisations import QueueSpec, create_organisation, create_queue
from bezetting.services.schedules import ShiftPlan, create_schedule
from bezetting.store import SessionFactory, transaction
from bezetting.store.models import OpeningHours, PlanningSettings

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2020, 3, 15, 12, 0, tzinfo=UTC)
HISTORY_FIRST_DAY = date(2020, 2, 10)
FIRST_DAY = date(2020, 3, 16)  # a Monday, the day after the history
KEY = b"planning-test-key"

AGENTS_CSV = (
    "external_id,name,contract_hours,contract_hours_min,contract_hours_max,skills\n"
    "A1,Anouk,24,8,36,general\n"
    "B2,Bram,24,8,36,general\n"
    "C3,Cas,24,8,36,general\n"
    "D4,Dewi,24,8,36,general\n"
)


def pattern(moment_local: datetime) -> int:
    """Contacts arriving in the local quarter-hour starting at ``moment_local``."""
    if moment_local.weekday() >= 5 or not time(8) <= moment_local.time() < time(20):
        return 0
    base = 3 if moment_local.weekday() == 0 else 2
    return base + (1 if time(11) <= moment_local.time() < time(14) else 0)


def contacts_csv(first_day: date, days: int) -> bytes:
    lines = ["queue,external_id,arrived_at,answered_at,ended_at"]
    for d in range(days):
        day = first_day + timedelta(days=d)
        for quarter in range(96):
            start = datetime.combine(day, time(0), tzinfo=AMSTERDAM) + timedelta(
                minutes=15 * quarter
            )
            for k in range(pattern(start)):
                arrived = start + timedelta(minutes=1 + 4 * k)
                answered = arrived + timedelta(seconds=10)
                ended = answered + timedelta(seconds=240)
                lines.append(
                    f"general,{day.isoformat()}-{quarter}-{k},{arrived.isoformat()},"
                    f"{answered.isoformat()},{ended.isoformat()}"
                )
    return ("\n".join(lines) + "\n").encode()


def build_world(sessions: SessionFactory) -> tuple[int, int]:
    """Create the organisation, queue, hours, agents and history; returns (org id, queue id)."""
    org = create_organisation(sessions, "planbureau", name="Planbureau", now=NOW)
    queue_id = create_queue(
        sessions, "planbureau", QueueSpec(code="general", name="General", interval_minutes=15)
    )
    with transaction(sessions) as session:
        for weekday in range(5):
            session.add(
                OpeningHours(queue_id=queue_id, weekday=weekday, opens=time(8), closes=time(20))
            )
    import_agents(sessions, AGENTS_CSV.encode(), file_name="agents.csv", now=NOW)
    report = import_contact_records(
        sessions,
        contacts_csv(HISTORY_FIRST_DAY, (FIRST_DAY - HISTORY_FIRST_DAY).days),
        file_name="contacts.csv",
        pseudonym_key=KEY,
        now=NOW,
    )
    assert report.rejected_rows == 0, report
    return org.id, queue_id


def draft_by_hand(sessions: SessionFactory, *shifts: ShiftPlan) -> int:
    """A draft of the first planning week holding ``shifts``, as a planner makes one by hand
    (no optimiser checked them); returns its id."""
    return create_schedule(
        sessions,
        name="by hand",
        period_start=FIRST_DAY,
        period_end=FIRST_DAY + timedelta(days=6),
        now=NOW,
        organisation="planbureau",
        shifts=shifts,
    ).id


RENAMED_RULE: dict[str, dict[str, Any]] = {
    "rules": {"name": "CAO Klantcontact", "daily_rest_minutes": 720, "break_minutes": 45},
    "weights": {"wish_not_met": 60.0},
}
"""Stored settings as a release that renamed ``min_daily_rest_minutes`` leaves them: they no
longer parse (``rules: unknown rule(s) ['daily_rest_minutes']``)."""


def store_settings_unchecked(
    sessions: SessionFactory, organisation_id: int, sections: Mapping[str, Any]
) -> None:
    """Write the ``planning_settings`` row as given, past the service's checks: what an upgrade
    that renames or tightens a rule, or a hand edit of the row, leaves behind."""
    with transaction(sessions, writes=True) as session:
        row = session.get(PlanningSettings, organisation_id)
        if row is None:
            row = PlanningSettings(organisation_id=organisation_id)
            session.add(row)
        row.rules = sections.get("rules", {})
        row.breaks = sections.get("breaks", {})
        row.weights = sections.get("weights", {})
        row.updated_at = NOW
        row.updated_by_user_id = None
