"""``bezetting import contacts|agents|availability FILE``: CSV or Excel into the database.

Exit code 0 when every row was accepted or already stored, 1 when rows were rejected (the
report lists each with line, column and reason), 2 when the file or settings are unusable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bezetting.cli._common import console_for, err_console, progress_enabled, reports_errors
from bezetting.config import Settings, load_settings
from bezetting.core.errors import InputError
from bezetting.services.imports import (
    ImportOptions,
    ImportReport,
    ProgressCallback,
    import_agents,
    import_availability,
    import_contact_records,
)
from bezetting.services.organisations import ensure_default_organisation
from bezetting.store import SessionFactory, create_engine_for, ensure_schema, make_session_factory

__all__ = ["register"]

import_app = typer.Typer(
    name="import",
    help="Import contact history, agents or availability from CSV or Excel (.xlsx).",
    no_args_is_help=True,
)

_SHOWN_ERRORS = 50

FileArgument = Annotated[
    Path, typer.Argument(help="CSV (comma, semicolon or tab) or .xlsx file.", show_default=False)
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map", help="COLUMN=FIELD for a column bezetting does not recognise (repeatable)."
    ),
]
OrgOption = Annotated[
    str | None, typer.Option("--org", help="Organisation code (default: the only one).")
]
EncodingOption = Annotated[str, typer.Option(help="Text encoding of a CSV file.")]
SheetOption = Annotated[str | None, typer.Option(help="Worksheet of an .xlsx (default: first).")]
TimezoneOption = Annotated[
    str | None,
    typer.Option(help="Zone of times without offset (default: the organisation's)."),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Write nothing if any row is bad.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]


def _parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        column, sep, field = pair.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise typer.BadParameter(
                f"{pair!r}: write COLUMN=FIELD, e.g. --map Beller=customer_id", param_hint="--map"
            )
        mapping[column.strip()] = field.strip()
    return mapping


@contextmanager
def _database(settings: Settings, organisation: str | None) -> Iterator[SessionFactory]:
    engine = create_engine_for(settings)
    try:
        ensure_schema(engine)
        sessions = make_session_factory(engine)
        if organisation is None:
            ensure_default_organisation(sessions, now=datetime.now(UTC))
        yield sessions
    finally:
        engine.dispose()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


Runner = Callable[
    [SessionFactory, bytes, ImportOptions, ProgressCallback | None, Settings], ImportReport
]


def _run(
    path: Path,
    run: Runner,
    *,
    mapping: list[str] | None,
    organisation: str | None,
    encoding: str,
    sheet: str | None,
    timezone: str | None,
    strict: bool,
    as_json: bool,
) -> None:
    with reports_errors():
        options = ImportOptions(
            organisation=organisation,
            mapping=_parse_mapping(mapping),
            encoding=encoding,
            sheet=sheet,
            timezone=timezone,
            strict=strict,
        )
        content = _read(path)
        settings = load_settings()
        with (
            _database(settings, organisation) as sessions,
            Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                disable=not progress_enabled(),
                transient=True,
            ) as progress,
        ):
            task = progress.add_task(f"checking {path.name}", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = run(sessions, content, options, advance, settings)
    _render(report, as_json=as_json)
    if not report.complete:
        raise typer.Exit(code=1)


def _render(report: ImportReport, *, as_json: bool) -> None:
    if as_json:
        payload = {
            "kind": report.kind.value,
            "file_name": report.file_name,
            "file_sha256": report.file_sha256,
            "rows_total": report.rows_total,
            "accepted": report.accepted,
            "unchanged": report.unchanged,
            "rejected_rows": report.rejected_rows,
            "written": report.written,
            "already_imported": report.already_imported,
            "batch_id": report.batch_id,
            "earlier_rejected_rows": report.earlier_rejected_rows,
            "rejected": [
                {"line": e.line, "column": e.column, "reason": e.reason} for e in report.rejected
            ],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    console = console_for()
    if report.rejected:
        title = "Rejected rows" + (" (checked again)" if report.already_imported else "")
        table = Table("line", "column", "reason", title=title, title_justify="left")
        for error in report.rejected[:_SHOWN_ERRORS]:
            table.add_row(str(error.line), error.column or "-", error.reason)
        console.print(table)
        if len(report.rejected) > _SHOWN_ERRORS:
            console.print(f"... and {len(report.rejected) - _SHOWN_ERRORS} more (use --json)")
    console.print(_summary_line(report), highlight=False, soft_wrap=True)


def _summary_line(report: ImportReport) -> str:
    """One line that says what the import did, and nothing it did not (no "written" when no
    row was stored)."""
    if report.already_imported:
        line = (
            f"{report.file_name}: imported before as batch {report.batch_id} (same SHA-256): "
            f"{report.rows_total} rows, {report.unchanged} stored, "
            f"{report.earlier_rejected_rows} rejected; nothing changed now"
        )
        if report.earlier_rejected_rows and not report.rejected:
            line += "; the rows rejected then pass the checks now"
        if report.earlier_rejected_rows:
            line += (
                ". The same file is not imported twice: to store the rejected rows, "
                "import a file with those rows corrected"
            )
        return line
    if not report.written:
        verdict = "nothing written (--strict)"
    elif report.accepted:
        verdict = f"{report.accepted} row(s) stored as batch {report.batch_id}"
    else:
        verdict = f"no new rows to store (recorded as batch {report.batch_id})"
    return (
        f"{report.file_name}: {report.rows_total} rows: {report.accepted} accepted, "
        f"{report.unchanged} already stored, {report.rejected_rows} rejected; {verdict}"
    )


@import_app.command("contacts")
def contacts(
    file: FileArgument,
    mapping: MapOption = None,
    organisation: OrgOption = None,
    encoding: EncodingOption = "utf-8",
    sheet: SheetOption = None,
    timezone: TimezoneOption = None,
    strict: StrictOption = False,
    create_queues: Annotated[
        bool, typer.Option("--create-queues", help="Create queues named in the file but unknown.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Contact records: queue, external_id, arrived_at (+ answered_at, ended_at, customer_id...).

    Customer ids are stored only as keyed hashes (BEZETTING_PSEUDONYM_KEY).
    """

    def run(
        sessions: SessionFactory,
        content: bytes,
        options: ImportOptions,
        progress: ProgressCallback | None,
        settings: Settings,
    ) -> ImportReport:
        return import_contact_records(
            sessions,
            content,
            file_name=file.name,
            pseudonym_key=settings.pseudonym_key_bytes,
            now=datetime.now(UTC),
            options=options,
            create_missing_queues=create_queues,
            progress=progress,
        )

    _run(
        file,
        run,
        mapping=mapping,
        organisation=organisation,
        encoding=encoding,
        sheet=sheet,
        timezone=timezone,
        strict=strict,
        as_json=as_json,
    )


@import_app.command("agents")
def agents(
    file: FileArgument,
    mapping: MapOption = None,
    organisation: OrgOption = None,
    encoding: EncodingOption = "utf-8",
    sheet: SheetOption = None,
    timezone: TimezoneOption = None,
    strict: StrictOption = False,
    as_json: JsonOption = False,
) -> None:
    """Agents: external_id, name, contract_hours (+ team, employment_type, skills...)."""

    def run(
        sessions: SessionFactory,
        content: bytes,
        options: ImportOptions,
        progress: ProgressCallback | None,
        settings: Settings,
    ) -> ImportReport:
        return import_agents(
            sessions,
            content,
            file_name=file.name,
            now=datetime.now(UTC),
            options=options,
            progress=progress,
        )

    _run(
        file,
        run,
        mapping=mapping,
        organisation=organisation,
        encoding=encoding,
        sheet=sheet,
        timezone=timezone,
        strict=strict,
        as_json=as_json,
    )


@import_app.command("availability")
def availability(
    file: FileArgument,
    mapping: MapOption = None,
    organisation: OrgOption = None,
    encoding: EncodingOption = "utf-8",
    sheet: SheetOption = None,
    timezone: TimezoneOption = None,
    strict: StrictOption = False,
    as_json: JsonOption = False,
) -> None:
    """Availability: agent, date, start, end (+ kind, note), local times."""

    def run(
        sessions: SessionFactory,
        content: bytes,
        options: ImportOptions,
        progress: ProgressCallback | None,
        settings: Settings,
    ) -> ImportReport:
        return import_availability(
            sessions,
            content,
            file_name=file.name,
            now=datetime.now(UTC),
            options=options,
            progress=progress,
        )

    _run(
        file,
        run,
        mapping=mapping,
        organisation=organisation,
        encoding=encoding,
        sheet=sheet,
        timezone=timezone,
        strict=strict,
        as_json=as_json,
    )


def register(app: typer.Typer) -> None:
    """Add ``import`` to the command line."""
    app.add_typer(import_app)
