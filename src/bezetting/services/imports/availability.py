"""Import agents' availability windows from CSV or Excel.

Columns: ``agent`` (employee number), ``date``, ``start``, ``end`` (local times HH:MM in the
organisation's time zone; an end at or before the start is on the next day; ``24:00`` is
midnight), optional ``kind`` (available, unavailable, preferred; Dutch beschikbaar,
niet beschikbaar, voorkeur) and ``note``. A window already stored counts as unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bezetting.core.errors import RowError
from bezetting.services.imports._run import (
    Cells,
    ImportContext,
    ImportOptions,
    Outcome,
    ProgressCallback,
    run_import,
)
from bezetting.services.imports._table import Field
from bezetting.services.imports._values import (
    day_end,
    localise,
    parse_date,
    parse_enum,
    parse_local_time,
)
from bezetting.services.imports.report import ImportReport
from bezetting.store import Session, SessionFactory, queries
from bezetting.store.enums import AvailabilityKind, ImportKind
from bezetting.store.queries import AvailabilityValues

__all__ = ["AVAILABILITY_FIELDS", "import_availability"]

AVAILABILITY_FIELDS: tuple[Field, ...] = (
    Field("agent", required=True, aliases=("agent_id", "employee_id", "external_id", "medewerker")),
    Field("date", required=True, aliases=("day", "datum", "on_date")),
    Field("start", required=True, aliases=("from", "van", "starts", "start_time", "begin")),
    Field("end", required=True, aliases=("to", "tot", "until", "ends", "end_time", "eind")),
    Field("kind", aliases=("type", "soort", "availability")),
    Field("note", aliases=("comment", "opmerking")),
)

_KIND_ALIASES = {
    "beschikbaar": AvailabilityKind.AVAILABLE,
    "niet_beschikbaar": AvailabilityKind.UNAVAILABLE,
    "voorkeur": AvailabilityKind.PREFERRED,
}


def import_availability(
    sessions: SessionFactory,
    content: bytes,
    *,
    file_name: str,
    now: datetime,
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import availability windows; see the module docstring for the columns.

    Raises:
        InputError: the file cannot be read or lacks a required column.
    """
    return run_import(
        sessions,
        kind=ImportKind.AVAILABILITY,
        content=content,
        file_name=file_name,
        fields=AVAILABILITY_FIELDS,
        options=options or ImportOptions(),
        now=now,
        handle_rows=_handle_rows,
        progress=progress,
    )


def _handle_rows(session: Session, context: ImportContext, rows: Sequence[Cells]) -> Outcome:
    outcome = Outcome()
    agents = queries.agents_by_external_id(session, context.organisation.id)
    stored = queries.existing_availability(session, (a.id for a in agents.values()))
    first_line: dict[tuple[int, datetime, datetime, AvailabilityKind], int] = {}
    new_rows: list[AvailabilityValues] = []
    agent_ids = {code: agent.id for code, agent in agents.items()}
    for cells in rows:
        values = _parse(cells, context, agent_ids, outcome.errors)
        if values is None:
            continue
        key = (values.agent_id, values.starts_at, values.ends_at, values.kind)
        if key in first_line:
            outcome.errors.append(
                RowError(cells.line, "date", f"duplicate of line {first_line[key]}")
            )
            continue
        first_line[key] = cells.line
        if key in stored:
            outcome.unchanged += 1
        else:
            new_rows.append(values)
    queries.insert_availability(session, new_rows)
    outcome.accepted = len(new_rows)
    return outcome


def _parse(
    cells: Cells, context: ImportContext, agents: dict[str, int], errors: list[RowError]
) -> AvailabilityValues | None:
    line = cells.line
    count = len(errors)
    code = cells.get("agent")
    agent_id = agents.get(code)
    if not code:
        errors.append(RowError(line, "agent", "is empty; give the employee number"))
    elif agent_id is None:
        errors.append(RowError(line, "agent", f"unknown agent {code!r}; import agents first"))
    day = start = end = None
    try:
        day = parse_date(cells.get("date"))
    except ValueError as exc:
        errors.append(RowError(line, "date", str(exc)))
    try:
        start = parse_local_time(cells.get("start"))
        if start is None:
            errors.append(RowError(line, "start", "24:00 is an end, not a start"))
    except ValueError as exc:
        errors.append(RowError(line, "start", str(exc)))
    try:
        end = parse_local_time(cells.get("end"))
    except ValueError as exc:
        errors.append(RowError(line, "end", str(exc)))
    kind = AvailabilityKind.AVAILABLE
    if cells.get("kind"):
        try:
            kind = parse_enum(cells.get("kind"), AvailabilityKind, aliases=_KIND_ALIASES)
        except ValueError as exc:
            errors.append(RowError(line, "kind", str(exc)))
    note = cells.get("note") or None
    if note is not None and len(note) > 200:
        errors.append(RowError(line, "note", "is longer than 200 characters"))
    if len(errors) > count or agent_id is None or day is None or start is None:
        return None
    naive_start = datetime.combine(day, start)
    naive_end = day_end(day, end)
    if naive_end <= naive_start:
        naive_end += timedelta(days=1)
    try:
        starts_at = localise(naive_start, context.zone).astimezone(UTC)
    except ValueError as exc:
        errors.append(RowError(line, "start", str(exc)))
        return None
    try:
        ends_at = localise(naive_end, context.zone).astimezone(UTC)
    except ValueError as exc:
        errors.append(RowError(line, "end", str(exc)))
        return None
    return AvailabilityValues(agent_id, starts_at, ends_at, kind, note, context.batch_id)
