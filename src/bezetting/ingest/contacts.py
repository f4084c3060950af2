"""Contact records from CSV: one row per contact, column names mappable, customer ids
pseudonymised on the way in (HMAC-SHA256 with a caller's key) and never kept raw.

Canonical columns (``column_map`` maps them to the file's names):

=============  ==========================================================  ========
column         meaning                                                     required
=============  ==========================================================  ========
id             the contact's id                                            no
queue          queue name (``default_queue`` when absent)                  no
channel        voice, chat, email, callback                                no
arrived_at     when the contact arrived (ISO 8601, with or without offset) yes
answered_at    when an agent took it; empty if never                       no
ended_at       when handling ended; empty if never                         no
abandoned      true/false, yes/no, 1/0; empty is false                     no
agent          the agent's id                                              no
customer       the customer's id: pseudonymised at once                    no
outcome        reason or outcome code                                      no
=============  ==========================================================  ========
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import datetime

import numpy as np
import numpy.typing as npt

from bezetting.core.calendar import DEFAULT_TIMEZONE, zone
from bezetting.core.errors import InputError, RowError
from bezetting.core.forecast.series import ContactRecords
from bezetting.ingest.errors import IngestError
from bezetting.ingest.timestamps import parse_timestamp
from bezetting.interchange import numbered_rows

__all__ = ["CONTACT_COLUMNS", "pseudonymise", "read_contact_records"]

CONTACT_COLUMNS = (
    "id", "queue", "channel", "arrived_at", "answered_at", "ended_at", "abandoned", "agent",
    "customer", "outcome",
)  # fmt: skip
_TRUE = {"true", "t", "yes", "y", "1", "ja", "j"}
_FALSE = {"false", "f", "no", "n", "0", "nee", ""}


def pseudonymise(customer: str, *, key: bytes) -> str:
    """The keyed pseudonym of a customer id: hex HMAC-SHA256 (same id and key, same
    pseudonym; without the key it cannot be reversed or recomputed)."""
    return hmac.new(key, customer.encode("utf-8"), hashlib.sha256).hexdigest()


def _to64(moment: datetime | None) -> np.datetime64:
    if moment is None:
        return np.datetime64("NaT", "s")
    return np.datetime64(int(moment.timestamp()), "s")


def read_contact_records(
    lines: Iterable[str],
    *,
    pseudonym_key: bytes,
    source: str = "contact records",
    column_map: Mapping[str, str] | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    default_queue: str = "default",
    delimiter: str = ",",
) -> ContactRecords:
    """Read and validate contact records.

    Args:
        lines: the CSV text, line by line (an open file works), header first.
        pseudonym_key: key for the customer-id HMAC; at least 16 bytes.
        source: name used in error messages (the file's path).
        column_map: canonical column name -> the file's column name.
        timezone: zone of timestamps written without an offset.
        default_queue: queue of every contact when the file has no queue column.
        delimiter: field separator.

    Raises:
        IngestError: listing every bad row (line, column, reason); nothing is returned then.
    """
    if len(pseudonym_key) < 16:
        raise InputError("pseudonym_key must be at least 16 bytes")
    tz = zone(timezone)
    mapping = {name: name for name in CONTACT_COLUMNS}
    unknown = set(column_map or {}) - set(CONTACT_COLUMNS)
    if unknown:
        raise InputError(
            f"column_map names unknown columns {sorted(unknown)}; known: {list(CONTACT_COLUMNS)}"
        )
    mapping.update(column_map or {})
    rows = numbered_rows(lines, source=source, delimiter=delimiter)
    header_line, header = next(rows, (1, []))
    present = {name for name, column in mapping.items() if column in header}
    if "arrived_at" not in present:
        reason = f"required column missing; header is {header}"
        raise IngestError(source, [RowError(header_line, mapping["arrived_at"], reason)])

    errors: list[RowError] = []
    columns: dict[str, list[object]] = {name: [] for name in CONTACT_COLUMNS}
    for line_number, cells in rows:
        row = dict(zip(header, cells, strict=False))
        values = {name: (row.get(mapping[name]) or "").strip() for name in present}
        parsed: dict[str, object] = {}
        times: dict[str, datetime | None] = {}
        for name in ("arrived_at", "answered_at", "ended_at"):
            text = values.get(name, "")
            if not text:
                if name == "arrived_at":
                    errors.append(RowError(line_number, mapping[name], "empty; need a timestamp"))
                times[name] = None
                continue
            try:
                times[name] = parse_timestamp(text, tz)
            except ValueError as exc:
                errors.append(RowError(line_number, mapping[name], str(exc)))
                times[name] = None
        arrived, answered, ended = times["arrived_at"], times["answered_at"], times["ended_at"]
        if arrived and answered and answered < arrived:
            errors.append(
                RowError(line_number, mapping["answered_at"], "answered before it arrived")
            )
        if answered and ended and ended < answered:
            errors.append(RowError(line_number, mapping["ended_at"], "ended before answered"))
        flag = values.get("abandoned", "").lower()
        if flag not in _TRUE | _FALSE:
            errors.append(
                RowError(
                    line_number, mapping["abandoned"], f"{flag!r} is not true/false, yes/no, 1/0"
                )
            )
        parsed["abandoned"] = flag in _TRUE
        queue = values.get("queue", default_queue) if "queue" in present else default_queue
        if not queue:
            errors.append(RowError(line_number, mapping["queue"], "empty; need a queue name"))
        customer = values.get("customer", "")
        parsed["customer"] = pseudonymise(customer, key=pseudonym_key) if customer else ""
        parsed["queue"] = queue
        for name in ("id", "channel", "agent", "outcome"):
            parsed[name] = values.get(name, "")
        for name in ("arrived_at", "answered_at", "ended_at"):
            parsed[name] = _to64(times[name])
        for name in CONTACT_COLUMNS:
            columns[name].append(parsed[name])
    if errors:
        raise IngestError(source, errors)
    if not columns["arrived_at"]:
        raise IngestError(source, [RowError(2, mapping["arrived_at"], "the file has no rows")])

    def strings(name: str) -> npt.NDArray[np.str_]:
        return np.array(columns[name], dtype=np.str_)

    def instants(name: str) -> npt.NDArray[np.datetime64]:
        return np.array(columns[name], dtype="datetime64[s]")

    return ContactRecords(
        contact_id=strings("id"),
        queue=strings("queue"),
        channel=strings("channel"),
        arrived_utc=instants("arrived_at"),
        answered_utc=instants("answered_at"),
        ended_utc=instants("ended_at"),
        abandoned=np.array(columns["abandoned"], dtype=np.bool_),
        agent=strings("agent"),
        customer=strings("customer"),
        outcome=strings("outcome"),
    )
