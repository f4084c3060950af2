"""Import contact history (calls, chats, e-mails) from CSV or Excel.

Columns (names are matched ignoring case and spaces; ``--map`` for others):

===============  ========  =====================================================================
field            required  meaning
===============  ========  =====================================================================
queue            yes       queue code
external_id      yes       the contact's id in the source system (unique per queue)
arrived_at       yes       ISO 8601; without offset read in the organisation's time zone
answered_at                when an agent picked it up (blank: never)
ended_at                   when it ended (hang-up, chat closed, mail answered)
abandoned                  yes/no; blank column: abandoned when never answered
customer_id                the caller's number or customer number: stored only pseudonymised
agent                      handling agent's employee number
channel                    voice, chat, email, callback (must match the queue's)
reason, outcome            free text (a few words)
csat                       customer satisfaction 1..10
===============  ========  =====================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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
    parse_bool,
    parse_datetime,
    parse_enum,
    parse_int,
)
from bezetting.services.imports.report import ImportReport
from bezetting.services.organisations import QueueSpec, add_queue
from bezetting.services.pseudonym import pseudonymise
from bezetting.store import Session, SessionFactory, queries
from bezetting.store.enums import Channel, ImportKind
from bezetting.store.models import Queue
from bezetting.store.queries import ContactRecordValues

__all__ = ["CONTACT_FIELDS", "import_contact_records"]

CONTACT_FIELDS: tuple[Field, ...] = (
    Field("queue", required=True, aliases=("queue_code", "wachtrij", "skill_group")),
    Field("external_id", required=True, aliases=("contact_id", "call_id", "id", "chat_id")),
    Field("arrived_at", required=True, aliases=("arrived", "start", "started_at", "offered_at")),
    Field("answered_at", aliases=("answered", "connected_at")),
    Field("ended_at", aliases=("ended", "end", "finished_at")),
    Field("abandoned", aliases=("is_abandoned", "opgehangen")),
    Field("customer_id", aliases=("customer", "caller", "ani", "klantnummer", "phone_number")),
    Field("agent", aliases=("agent_id", "agent_code", "employee_id", "handled_by")),
    Field("channel", aliases=("kanaal", "media_type")),
    Field("reason", aliases=("contact_reason", "reden")),
    Field("outcome", aliases=("result", "disposition", "resultaat")),
    Field("csat", aliases=("satisfaction", "score", "klanttevredenheid")),
)

_TEXT_LIMITS = {"external_id": 128, "agent": 64, "reason": 200, "outcome": 200}
_PROGRESS_EVERY = 10_000


def import_contact_records(
    sessions: SessionFactory,
    content: bytes,
    *,
    file_name: str,
    pseudonym_key: bytes,
    now: datetime,
    options: ImportOptions | None = None,
    create_missing_queues: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import contact records: validated row by row, written in one transaction, idempotent.

    A contact already stored (same queue and external id) with the same values counts as
    unchanged; with other values it is rejected (stored history is never overwritten). A
    later row repeating an earlier row's queue and id is rejected as a duplicate.

    Args:
        sessions: where to write.
        content: the file's bytes (CSV or .xlsx).
        file_name: for messages and the import batch.
        pseudonym_key: keys the hash that replaces customer ids (``Settings.pseudonym_key``).
        now: when the import happens (recorded on the batch).
        options: organisation, column mapping, encoding, sheet, time zone, strictness.
        create_missing_queues: create a queue for an unknown queue code (channel from the row,
            default voice) instead of rejecting its rows.
        progress: called with ``(rows done, rows total)``.

    Raises:
        InputError: the file cannot be read, lacks a required column, or the organisation is
            unknown. Bad rows do not raise: they are in the report.
    """

    def handle(session: Session, context: ImportContext, rows: Sequence[Cells]) -> Outcome:
        return _handle_rows(
            session, context, rows, pseudonym_key=pseudonym_key, create=create_missing_queues
        )

    return run_import(
        sessions,
        kind=ImportKind.CONTACTS,
        content=content,
        file_name=file_name,
        fields=CONTACT_FIELDS,
        options=options or ImportOptions(),
        now=now,
        handle_rows=handle,
        progress=progress,
    )


def _handle_rows(
    session: Session,
    context: ImportContext,
    rows: Sequence[Cells],
    *,
    pseudonym_key: bytes,
    create: bool,
) -> Outcome:
    outcome = Outcome()
    organisation = context.organisation
    queues = queries.queues_by_code(session, organisation.id)
    agents = {
        code: agent.id
        for code, agent in queries.agents_by_external_id(session, organisation.id).items()
    }
    first_line: dict[tuple[int, str], int] = {}
    candidates: list[tuple[int, ContactRecordValues]] = []
    total = len(rows)
    for done, cells in enumerate(rows, start=1):
        queue = _queue_for(session, context, cells, queues, create, outcome.errors)
        values = _parse(cells, queue, context, pseudonym_key, agents, outcome.errors)
        if values is not None:
            key = (values.queue_id, values.external_id)
            if key in first_line:
                outcome.errors.append(
                    RowError(
                        cells.line,
                        "external_id",
                        f"duplicate: queue {cells.get('queue')!r} contact "
                        f"{values.external_id!r} is already on line {first_line[key]}",
                    )
                )
            else:
                first_line[key] = cells.line
                candidates.append((cells.line, values))
        if context.progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
            context.progress(done, total)
    stored = queries.existing_contacts(session, first_line)
    new_rows: list[ContactRecordValues] = []
    for line, values in candidates:
        earlier = stored.get((values.queue_id, values.external_id))
        if earlier is None:
            new_rows.append(values)
        elif _same_contact(earlier, values):
            outcome.unchanged += 1
        else:
            outcome.errors.append(
                RowError(
                    line,
                    "external_id",
                    f"contact {values.external_id!r} is already stored with other values; "
                    "stored history is not overwritten",
                )
            )
    queries.insert_contact_records(session, new_rows)
    outcome.accepted = len(new_rows)
    return outcome


def _queue_for(
    session: Session,
    context: ImportContext,
    cells: Cells,
    queues: dict[str, Queue],
    create: bool,
    errors: list[RowError],
) -> Queue | None:
    code = cells.get("queue")
    if not code:
        errors.append(RowError(cells.line, "queue", "is empty; give the queue's code"))
        return None
    queue = queues.get(code)
    if queue is not None:
        return queue
    if not create:
        known = ", ".join(sorted(queues)[:10]) or "none yet"
        errors.append(
            RowError(
                cells.line,
                "queue",
                f"unknown queue {code!r} (known: {known}); create it first or import with "
                "--create-queues",
            )
        )
        return None
    if len(code) > 64:
        errors.append(RowError(cells.line, "queue", "is longer than 64 characters"))
        return None
    try:
        channel = parse_enum(cells.get("channel"), Channel) if cells.get("channel") else None
    except ValueError as exc:
        errors.append(RowError(cells.line, "channel", str(exc)))
        return None
    queue = add_queue(
        session,
        context.organisation,
        QueueSpec(code=code, name=code, channel=channel or Channel.VOICE),
    )
    queues[code] = queue
    return queue


def _parse(
    cells: Cells,
    queue: Queue | None,
    context: ImportContext,
    pseudonym_key: bytes,
    agents: dict[str, int],
    errors: list[RowError],
) -> ContactRecordValues | None:
    line = cells.line
    count = len(errors)

    def reject(column: str, reason: str) -> None:
        errors.append(RowError(line, column, reason))

    external_id = cells.get("external_id")
    if not external_id:
        reject("external_id", "is empty; every contact needs its id from the source system")
    for name, limit in _TEXT_LIMITS.items():
        if len(cells.get(name)) > limit:
            reject(name, f"is longer than {limit} characters")

    def moment(name: str) -> datetime | None:
        text = cells.get(name)
        if not text:
            return None
        try:
            return parse_datetime(text, zone=context.zone)
        except ValueError as exc:
            reject(name, str(exc))
            return None

    arrived_at = moment("arrived_at")
    if arrived_at is None and not cells.get("arrived_at"):
        reject("arrived_at", "is empty; every contact needs its arrival time")
    answered_at = moment("answered_at")
    ended_at = moment("ended_at")
    if arrived_at is not None and answered_at is not None and answered_at < arrived_at:
        reject("answered_at", "is before arrived_at")
    started = answered_at or arrived_at
    if started is not None and ended_at is not None and ended_at < started:
        reject("ended_at", f"is before {'answered_at' if answered_at else 'arrived_at'}")
    abandoned = answered_at is None
    if cells.has("abandoned"):
        try:
            abandoned = parse_bool(cells.get("abandoned"))
        except ValueError as exc:
            reject("abandoned", str(exc))
        if abandoned and answered_at is not None:
            reject("abandoned", "says abandoned, but answered_at is given")
    channel = queue.channel if queue is not None else Channel.VOICE
    if cells.get("channel"):
        try:
            given = parse_enum(cells.get("channel"), Channel)
        except ValueError as exc:
            reject("channel", str(exc))
        else:
            if queue is not None and given != queue.channel:
                reject(
                    "channel",
                    f"is {given.value}, but queue {queue.code!r} is {queue.channel.value}",
                )
    csat: int | None = None
    if cells.get("csat"):
        try:
            csat = parse_int(cells.get("csat"), minimum=1, maximum=10)
        except ValueError as exc:
            reject("csat", str(exc))
    if queue is None or arrived_at is None or len(errors) > count:
        return None
    customer = cells.get("customer_id")
    agent_code = cells.get("agent") or None
    return ContactRecordValues(
        queue_id=queue.id,
        external_id=external_id,
        channel=channel,
        customer_pseudonym=pseudonymise(customer, key=pseudonym_key) if customer else None,
        arrived_at=arrived_at,
        answered_at=answered_at,
        ended_at=ended_at,
        abandoned=abandoned,
        agent_code=agent_code,
        agent_id=agents.get(agent_code) if agent_code else None,
        reason=cells.get("reason") or None,
        outcome=cells.get("outcome") or None,
        csat=csat,
        import_batch_id=context.batch_id,
    )


def _same_contact(stored: ContactRecordValues, new: ContactRecordValues) -> bool:
    # The batch differs by construction, and the agent link may have been made since.
    ignore = ("import_batch_id", "agent_id")
    return all(
        getattr(stored, name) == getattr(new, name)
        for name in ContactRecordValues._fields
        if name not in ignore
    )
