"""Importing contact history: row-by-row validation, one transaction, idempotent, pseudonymised."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bezetting.core.errors import InputError
from bezetting.services.imports import ImportOptions, import_contact_records
from bezetting.services.organisations import OrganisationRef
from bezetting.store import SessionFactory
from bezetting.store.enums import Channel
from bezetting.store.models import ContactRecord, ImportBatch, Queue
from tests.services.conftest import KEY, NOW

HEADER = "queue,external_id,arrived_at,answered_at,ended_at,customer_id,agent,csat\n"
GOOD = (
    HEADER
    + "general,c1,2020-03-16 08:15:00,2020-03-16 08:15:30,2020-03-16 08:19:30,"
    + "what do ya want for nothing?,a7,8\n"
    + "general,c2,2020-03-16T08:16:00+01:00,,2020-03-16T08:17:10+01:00,0612345678,,\n"
    + "chat,c1,2020-03-16T07:20:00Z,2020-03-16T07:20:05Z,2020-03-16T07:31:00Z,,a7,\n"
)
RFC4231_CASE2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def run(sessions: SessionFactory, text: str | bytes, **kwargs: object):  # type: ignore[no-untyped-def]
    content = text.encode("utf-8") if isinstance(text, str) else text
    options = kwargs.pop("options", ImportOptions())
    return import_contact_records(
        sessions,
        content,
        file_name=str(kwargs.pop("file_name", "contacts.csv")),
        pseudonym_key=KEY,
        now=NOW,
        options=options,  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def stored(sessions: SessionFactory) -> list[ContactRecord]:
    with sessions() as session:
        return list(session.scalars(select(ContactRecord).order_by(ContactRecord.arrived_at)))


def count(sessions: SessionFactory) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(ContactRecord)) or 0)


def test_a_good_file_is_stored_in_utc_with_customers_pseudonymised(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    report = run(sessions, GOOD)
    assert (report.rows_total, report.accepted, report.unchanged, report.rejected) == (3, 3, 0, ())
    assert report.written
    assert report.batch_id is not None
    records = {(r.external_id, r.channel): r for r in stored(sessions)}
    first = records[("c1", Channel.VOICE)]
    # 08:15 in Amsterdam on 16 March 2020 (CET, UTC+1) is 07:15 UTC.
    assert first.arrived_at == datetime(2020, 3, 16, 7, 15, tzinfo=UTC)
    assert first.arrived_at.utcoffset() is not None
    assert first.answered_at == datetime(2020, 3, 16, 7, 15, 30, tzinfo=UTC)
    assert first.abandoned is False
    assert first.customer_pseudonym == RFC4231_CASE2
    assert (first.agent_code, first.agent_id, first.csat) == ("a7", None, 8)
    second = records[("c2", Channel.VOICE)]
    assert second.abandoned is True  # never answered
    assert second.customer_pseudonym is not None
    assert "0612345678" not in second.customer_pseudonym
    assert records[("c1", Channel.CHAT)].arrived_at == datetime(2020, 3, 16, 7, 20, tzinfo=UTC)


def test_the_same_file_twice_changes_nothing(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    first = run(sessions, GOOD)
    again = run(sessions, GOOD)
    assert again.already_imported
    assert not again.written
    assert again.batch_id == first.batch_id
    assert (again.accepted, again.unchanged) == (0, 3)
    assert count(sessions) == 3
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1


def test_the_same_file_with_rejected_rows_twice_names_them_again_and_stores_nothing(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    bad = GOOD + "general,c3,yesterday,,,,,\n"
    first = run(sessions, bad)
    assert [(e.line, e.column) for e in first.rejected] == [(5, "arrived_at")]
    again = run(sessions, bad)
    assert again.already_imported
    assert not again.written
    assert again.batch_id == first.batch_id
    assert again.earlier_rejected_rows == 1
    assert [(e.line, e.column) for e in again.rejected] == [(5, "arrived_at")]
    assert not again.complete
    assert count(sessions) == 3


def test_rows_rejected_before_that_pass_now_are_still_not_stored_by_the_same_file(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    text = HEADER + "new-queue,n1,2020-03-16 08:15:00,,,,,\n"
    with sessions() as session:
        queues = session.scalar(select(func.count()).select_from(Queue))
    first = run(sessions, text)
    assert [e.column for e in first.rejected] == ["queue"]
    again = run(sessions, text, create_missing_queues=True)  # the check alone would pass
    assert (again.already_imported, again.rejected, again.earlier_rejected_rows) == (True, (), 1)
    assert not again.complete
    assert count(sessions) == 0
    with sessions() as session:  # the second look was rolled back: no queue created either
        assert session.scalar(select(func.count()).select_from(Queue)) == queues


def test_rows_stored_from_another_file_count_as_unchanged(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    run(sessions, GOOD)
    lines = GOOD.splitlines()
    reordered = "\n".join([lines[0], lines[3], lines[1], lines[2]]) + "\n\n"
    report = run(sessions, reordered, file_name="export-2.csv")
    assert not report.already_imported
    assert (report.accepted, report.unchanged, report.rejected) == (0, 3, ())
    assert count(sessions) == 3


def test_a_stored_contact_with_other_values_is_not_overwritten(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    run(sessions, GOOD)
    changed = HEADER + "general,c1,2020-03-16 08:15:00,,,,,\n"
    report = run(sessions, changed, file_name="changed.csv")
    assert [(e.line, e.column) for e in report.rejected] == [(2, "external_id")]
    assert "not overwritten" in report.rejected[0].reason
    assert stored(sessions)[0].answered_at == datetime(2020, 3, 16, 7, 15, 30, tzinfo=UTC)


def test_a_file_in_another_encoding_is_refused_with_its_line(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    text = HEADER + "general,c1,2020-03-16 08:15:00,,,,,\ngeneral,c2,2020-03-16 08:16:00,,,,José,\n"
    with pytest.raises(InputError, match=r"line 3 is not valid utf-8 \(byte 0xe9\)"):
        run(sessions, text.encode("cp1252"))
    assert count(sessions) == 0
    report = run(sessions, text.encode("cp1252"), options=ImportOptions(encoding="cp1252"))
    assert report.accepted == 2
    assert {r.agent_code for r in stored(sessions)} == {None, "José"}


def test_missing_columns_are_named_with_the_columns_found(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    text = "queue,id,Aangeboden\ngeneral,c1,2020-03-16 08:15:00\n"
    with pytest.raises(InputError, match=r"missing column\(s\) arrived_at; the file has queue, id"):
        run(sessions, text)
    report = run(sessions, text, options=ImportOptions(mapping={"Aangeboden": "arrived_at"}))
    assert report.accepted == 1


def test_a_mapping_to_an_unknown_field_or_column_is_refused(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    with pytest.raises(InputError, match="unknown field 'arrival'"):
        run(sessions, GOOD, options=ImportOptions(mapping={"arrived_at": "arrival"}))
    with pytest.raises(InputError, match="has no column 'Start'"):
        run(sessions, GOOD, options=ImportOptions(mapping={"Start": "arrived_at"}))


def test_bad_rows_are_all_reported_and_the_good_ones_stored(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    text = (
        HEADER
        + "general,c1,16/03/20 8:15,,,,,\n"  # a two-digit year: neither ISO nor Dutch
        + "general,c2,2020-03-16 08:16:00,2020-03-16 08:15:00,,,,\n"  # answered before arrival
        + "general,c3,2020-03-16 08:17:00,,,,,11\n"  # csat out of range
        + "nowhere,c4,2020-03-16 08:18:00,,,,,\n"  # unknown queue
        + "general,c5,2020-03-29 02:30:00,,,,,\n"  # does not exist in Amsterdam (DST)
        + "general,,2020-03-16 08:19:00,,,,,\n"  # no id
        + "general,c6,2020-03-16 08:20:00,,,,,\n"  # good
        + "general,c6,2020-03-16 08:21:00,,,,,\n"  # duplicate of the line above
        + "general,c7,2020-03-16 08:22:00,,,\n"  # too few cells
    )
    report = run(sessions, text)
    assert [(e.line, e.column) for e in report.rejected] == [
        (2, "arrived_at"),
        (3, "answered_at"),
        (4, "csat"),
        (5, "queue"),
        (6, "arrived_at"),
        (7, "external_id"),
        (9, "external_id"),
        (10, ""),
    ]
    reasons = {e.line: e.reason for e in report.rejected}
    assert "is not a date and time; write 2020-03-16T08:15:00+01:00" in reasons[2]
    assert "before arrived_at" in reasons[3]
    assert "outside 1..10" in reasons[4]
    assert "unknown queue 'nowhere'" in reasons[5]
    assert "does not exist in Europe/Amsterdam" in reasons[6]
    assert "already on line 8" in reasons[9]
    assert "has 6 cells, the header has 8" in reasons[10]
    assert (report.accepted, report.rejected_rows, report.rows_total) == (1, 8, 9)
    assert [r.external_id for r in stored(sessions)] == ["c6"]


def test_a_strict_import_with_a_bad_row_writes_nothing(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    text = GOOD + "general,c9,yesterday,,,,,\n"
    report = run(sessions, text, options=ImportOptions(strict=True))
    assert not report.written
    assert [(e.line, e.column) for e in report.rejected] == [(5, "arrived_at")]
    assert count(sessions) == 0
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_unknown_queues_can_be_created_on_import(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    text = "queue,external_id,arrived_at,channel\nbelastingen,c1,2020-03-16 08:15:00,callback\n"
    report = run(sessions, text, create_missing_queues=True)
    assert report.accepted == 1
    with sessions() as session:
        queue = session.scalars(select(Queue).where(Queue.code == "belastingen")).one()
        assert (queue.channel, queue.timezone) == (Channel.CALLBACK, "Europe/Amsterdam")


def test_dutch_excel_csv_with_semicolons_bom_and_dutch_headers(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    text = (
        "\ufeffWachtrij;Call ID;Arrived;Klantnummer;Opgehangen\n"
        "general;c1;2020-03-16 08:15;123;ja\n"
    )
    report = run(sessions, text)
    assert report.accepted == 1
    (record,) = stored(sessions)
    assert record.abandoned is True
    assert record.customer_pseudonym is not None
    assert len(record.customer_pseudonym) == 64


def test_an_excel_workbook_is_read_like_a_csv(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["queue", "external_id", "arrived_at", "answered_at", "csat"])
    sheet.append(["general", 1001, datetime(2020, 3, 16, 8, 15), datetime(2020, 3, 16, 8, 16), 7])
    sheet.append(["general", 1002, "not a date", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(sessions, buffer.getvalue(), file_name="contacts.xlsx")
    assert report.accepted == 1
    assert [(e.line, e.column) for e in report.rejected] == [(3, "arrived_at")]
    (record,) = stored(sessions)
    assert (record.external_id, record.csat) == ("1001", 7)
    assert record.arrived_at == datetime(2020, 3, 16, 7, 15, tzinfo=UTC)


def test_an_unreadable_workbook_is_refused(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    with pytest.raises(InputError, match=r"not a readable \.xlsx"):
        run(sessions, b"PK\x03\x04 truncated", file_name="contacts.xlsx")


def test_an_empty_file_is_refused(sessions: SessionFactory, organisation: OrganisationRef) -> None:
    with pytest.raises(InputError, match="empty"):
        run(sessions, b"")


def test_one_hundred_thousand_rows_in_one_import(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    # 100,000 contacts, one every 3 seconds over about 3.5 days; every 1,000th has a bad csat.
    lines = [HEADER]
    for i in range(100_000):
        minute, second = divmod(i * 3, 60)
        hour, minute = divmod(minute, 60)
        day, hour = divmod(hour, 24)
        stamp = f"2020-03-{16 + day:02d}T{hour:02d}:{minute:02d}:{second:02d}+01:00"
        csat = "12" if i % 1000 == 999 else str(1 + i % 10)
        lines.append(f"general,k{i},{stamp},{stamp},{stamp},cust{i % 5000},a{i % 80},{csat}\n")
    report = run(sessions, "".join(lines), file_name="big.csv")
    assert (report.rows_total, report.accepted, report.rejected_rows) == (100_000, 99_900, 100)
    assert {e.column for e in report.rejected} == {"csat"}
    assert count(sessions) == 99_900
    with sessions() as session:
        pseudonyms = session.scalar(
            select(func.count(func.distinct(ContactRecord.customer_pseudonym)))
        )
    # Customers 999, 1999, ..., 4999 (i % 5000) call only on the rejected rows (i % 1000 == 999).
    assert pseudonyms == 5000 - 5
