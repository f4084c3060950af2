"""The frame every import shares: recognise the file, read it, map columns, one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bezetting.core.errors import InputError, RowError
from bezetting.services.imports._table import Field, Table, bind_columns, read_table
from bezetting.services.imports._values import zone_of
from bezetting.services.imports.report import ImportReport
from bezetting.services.organisations import resolve_organisation
from bezetting.store import Session, SessionFactory, queries, transaction
from bezetting.store.enums import ImportKind
from bezetting.store.models import ImportBatch, Organisation

__all__ = ["Cells", "ImportOptions", "Outcome", "ProgressCallback", "run_import"]

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while rows are checked and written."""


@dataclass(frozen=True, kw_only=True)
class ImportOptions:
    """How to read a file.

    Attributes:
        organisation: code of the organisation to import into; None = the only one.
        mapping: file column -> field, for columns whose names bezetting does not know.
        encoding: text encoding of a CSV file (UTF-8 by default, with or without BOM).
        sheet: the worksheet of an ``.xlsx`` (the first by default).
        timezone: zone of times written without an offset (the organisation's by default).
        strict: write nothing when any row is bad (default: write the good rows, report the bad).
    """

    organisation: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    sheet: str | None = None
    timezone: str | None = None
    strict: bool = False


@dataclass(frozen=True)
class Cells:
    """One row's cells by field name (blank for fields the file does not have)."""

    line: int
    values: tuple[str, ...]
    columns: Mapping[str, int]

    def get(self, name: str) -> str:
        index = self.columns.get(name)
        return self.values[index].strip() if index is not None else ""

    def has(self, name: str) -> bool:
        return name in self.columns


@dataclass
class Outcome:
    """What an import's row handler did."""

    accepted: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class ImportContext:
    """What a row handler gets besides the session."""

    organisation: Organisation
    zone: ZoneInfo
    batch_id: int
    now: datetime
    progress: ProgressCallback | None


RowHandler = Callable[[Session, ImportContext, Sequence[Cells]], Outcome]


class _StrictRollbackError(Exception):
    """Raised inside the transaction to undo a strict import with bad rows."""


class _RecheckRollbackError(Exception):
    """Raised inside the transaction to undo the second look at a file imported before."""

    def __init__(self, earlier: ImportReport) -> None:
        super().__init__()
        self.report = earlier


def run_import(
    sessions: SessionFactory,
    *,
    kind: ImportKind,
    content: bytes,
    file_name: str,
    fields: Sequence[Field],
    options: ImportOptions,
    now: datetime,
    handle_rows: RowHandler,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Read, map, and hand the rows to ``handle_rows`` inside one transaction.

    A file whose SHA-256 was imported before (same organisation and kind) changes nothing:
    importing it again must not store a row twice nor overwrite what was changed since. When
    that earlier import rejected rows, the rows are checked again (and the check rolled back)
    so the report names them once more, rather than reading as a success.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    table = read_table(content, file_name=file_name, encoding=options.encoding, sheet=options.sheet)
    columns = bind_columns(table.header, fields, options.mapping, file_name=file_name)
    rows = [Cells(line, values, columns) for line, values in table.rows]
    outcome = Outcome()
    try:
        with transaction(sessions, writes=True) as session:
            organisation = resolve_organisation(session, options.organisation)
            earlier = queries.import_batch(session, organisation.id, kind, sha256)
            try:
                zone = zone_of(options.timezone or organisation.timezone)
            except ValueError as exc:
                raise InputError(str(exc)) from None
            if earlier is not None:
                if not earlier.rejected:
                    return _already_imported(kind, file_name, sha256, earlier, rejected=())
                context = ImportContext(organisation, zone, earlier.id, now, progress)
                again = handle_rows(session, context, rows)
                raise _RecheckRollbackError(
                    _already_imported(
                        kind,
                        file_name,
                        sha256,
                        earlier,
                        rejected=_in_file_order(table, again.errors),
                    )
                )
            batch = ImportBatch(
                organisation_id=organisation.id,
                kind=kind,
                file_name=file_name,
                file_sha256=sha256,
                rows_total=len(rows) + len(table.malformed),
                accepted=0,
                unchanged=0,
                rejected=0,
                mapping=dict(options.mapping),
                imported_at=now,
            )
            session.add(batch)
            session.flush()
            context = ImportContext(organisation, zone, batch.id, now, progress)
            outcome = handle_rows(session, context, rows)
            errors = _in_file_order(table, outcome.errors)
            if options.strict and errors:
                raise _StrictRollbackError
            batch.accepted = outcome.accepted
            batch.unchanged = outcome.unchanged
            batch.rejected = len({e.line for e in errors})
            batch_id = batch.id
    except _RecheckRollbackError as recheck:
        return recheck.report
    except _StrictRollbackError:
        return ImportReport(
            kind=kind,
            file_name=file_name,
            file_sha256=sha256,
            rows_total=len(rows) + len(table.malformed),
            accepted=0,
            unchanged=0,
            rejected=_in_file_order(table, outcome.errors),
            written=False,
        )
    return ImportReport(
        kind=kind,
        file_name=file_name,
        file_sha256=sha256,
        rows_total=len(rows) + len(table.malformed),
        accepted=outcome.accepted,
        unchanged=outcome.unchanged,
        rejected=errors,
        written=True,
        batch_id=batch_id,
    )


def _in_file_order(table: Table, errors: Sequence[RowError]) -> tuple[RowError, ...]:
    return tuple(sorted((*table.malformed, *errors), key=lambda e: e.line))


def _already_imported(
    kind: ImportKind,
    file_name: str,
    sha256: str,
    earlier: ImportBatch,
    *,
    rejected: tuple[RowError, ...],
) -> ImportReport:
    return ImportReport(
        kind=kind,
        file_name=file_name,
        file_sha256=sha256,
        rows_total=earlier.rows_total,
        accepted=0,
        unchanged=earlier.accepted + earlier.unchanged,
        rejected=rejected,
        written=False,
        already_imported=True,
        batch_id=earlier.id,
        earlier_rejected_rows=earlier.rejected,
    )
