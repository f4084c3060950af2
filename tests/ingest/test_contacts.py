"""Reading contact records: validation by row, time zones, pseudonyms."""

from __future__ import annotations

import io

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.core.forecast import aggregate_contacts
from bezetting.ingest import IngestError, pseudonymise, read_contact_records

KEY = bytes([0x0B] * 20)
HEADER = "id,queue,arrived_at,answered_at,ended_at,abandoned,customer\n"


def read(text: str, **options):
    return read_contact_records(io.StringIO(text), pseudonym_key=KEY, **options)


def test_pseudonyms_are_hmac_sha256_rfc4231_test_case_1():
    # RFC 4231, test case 1: key 0x0b * 20, data "Hi There".
    assert pseudonymise("Hi There", key=KEY) == (
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    )


def test_customer_ids_are_never_kept_raw():
    records = read(HEADER + "1,sales,2020-03-02T09:00:00+01:00,,,true,CUST-42\n")
    assert records.customer[0] == pseudonymise("CUST-42", key=KEY)
    assert "CUST-42" not in records.customer.tolist()


def test_local_and_offset_timestamps_mean_the_same_instant():
    records = read(
        HEADER
        + "1,q,2020-03-02 09:00,2020-03-02 09:01,2020-03-02 09:05,false,\n"
        + "2,q,2020-03-02T08:00:00Z,,,yes,\n"
    )
    assert records.arrived_utc.tolist() == [np.datetime64("2020-03-02T08:00", "s")] * 2
    assert records.handle_seconds[0] == 240.0
    assert np.isnan(records.handle_seconds[1])


def test_the_repeated_hour_needs_its_offset_as_in_the_imports():
    with pytest.raises(IngestError, match="happens twice"):
        read(HEADER + "1,q,2020-10-25 02:30,,,false,\n")
    records = read(HEADER + "1,q,2020-10-25 02:30+02:00,,,false,\n")
    assert records.arrived_utc[0] == np.datetime64("2020-10-25T00:30", "s")


def test_every_bad_row_is_reported_by_line_column_and_reason():
    text = (
        HEADER
        + "1,q,2020-03-02 09:00,,,false,\n"
        + "2,q,yesterday,,,false,\n"
        + "3,q,2020-03-29 02:30,,,false,\n"
        + "4,q,2020-03-02 09:00,2020-03-02 08:00,,maybe,\n"
        + "5,,2020-03-02 09:00,,,false,\n"
    )
    with pytest.raises(IngestError) as caught:
        read(text, source="calls.csv")
    found = [(row.line, row.column) for row in caught.value.rows]
    assert found == [
        (3, "arrived_at"),
        (4, "arrived_at"),
        (5, "answered_at"),
        (5, "abandoned"),
        (6, "queue"),
    ]
    assert "does not exist" in caught.value.rows[1].reason
    assert str(caught.value).startswith("calls.csv: 4 bad row(s)")  # 5 bad cells


def test_columns_are_mappable():
    text = "Start;Team\n2020-03-02 09:00;sales\n"
    records = read(text, column_map={"arrived_at": "Start", "queue": "Team"}, delimiter=";")
    assert records.queue.tolist() == ["sales"]


def test_a_missing_arrival_column_is_named():
    with pytest.raises(IngestError, match="arrived_at"):
        read("id,queue\n1,q\n")


def test_a_short_key_is_refused():
    with pytest.raises(InputError, match="16 bytes"):
        read_contact_records(io.StringIO(HEADER), pseudonym_key=b"short")


def test_contacts_are_counted_by_arrival_interval_with_the_aht_of_the_answered():
    records = read(
        HEADER
        + "1,q,2020-03-02 09:05,2020-03-02 09:06,2020-03-02 09:10,false,\n"
        + "2,q,2020-03-02 09:10,2020-03-02 09:11,2020-03-02 09:13,false,\n"
        + "3,q,2020-03-02 09:20,,,true,\n"
        + "4,q,2020-03-02 10:40,2020-03-02 10:41,2020-03-02 10:42,false,\n"
    )
    (series,) = aggregate_contacts(records, interval_minutes=15, timezone="Europe/Amsterdam")
    nine = 9 * 4  # 09:00 is the 37th quarter-hour of the local day
    assert series.volume[nine : nine + 2].tolist() == [2.0, 1.0]
    assert series.aht_seconds[nine] == pytest.approx((240 + 120) / 2)
    assert np.isnan(series.aht_seconds[nine + 1])
    assert series.volume.sum() == 4
    assert len(series.starts_utc) == 10 * 4 + 3  # from midnight up to the last arrival


def test_a_bad_row_is_named_by_the_line_an_editor_shows_it_on():
    # Line 3 is blank and the outcome note of lines 4-5 spans two lines inside quotes: the bad
    # arrival on line 6 must still be reported as line 6 (counting rows would say 4).
    text = (
        "id,queue,arrived_at,outcome\n"  # 1
        "1,q,2020-03-02 09:00,solved\n"  # 2
        "\n"  # 3
        '2,q,2020-03-02 09:05,"called back;\n'  # 4
        'customer satisfied"\n'  # 5
        "3,q,yesterday,solved\n"  # 6
    )
    with pytest.raises(IngestError) as caught:
        read(text)
    assert [(r.line, r.column) for r in caught.value.rows] == [(6, "arrived_at")]


def test_a_note_over_several_lines_is_kept_whole():
    records = read('id,queue,arrived_at,outcome\n1,q,2020-03-02 09:00,"called back;\nsolved"\n')
    assert records.outcome.tolist() == ["called back;\nsolved"]
