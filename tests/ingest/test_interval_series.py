"""Interval-series files: read, aggregate to a coarser grid, write a forecast."""

from __future__ import annotations

import io

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.ingest import IngestError, is_interval_series_header, read_interval_series

TEXT = (
    "queue,interval_start,volume,aht_seconds\n"
    "sales,2020-03-16T08:00:00+01:00,10,200\n"
    "sales,2020-03-16T08:15:00+01:00,30,100\n"
    "sales,2020-03-16T08:30:00+01:00,0,\n"
    "service,2020-03-16T08:00:00+01:00,5,\n"
)


def test_reads_one_series_per_queue():
    sales, service = read_interval_series(io.StringIO(TEXT), interval_minutes=15)
    assert sales.queue == "sales"
    assert sales.starts_utc[0] == np.datetime64("2020-03-16T07:00", "s")
    assert sales.volume.tolist() == [10.0, 30.0, 0.0]
    assert np.isnan(sales.aht_seconds[2])
    assert service.volume.tolist() == [5.0]


def test_a_finer_grid_is_added_up_with_volume_weighted_aht():
    sales, _ = read_interval_series(io.StringIO(TEXT), interval_minutes=30)
    assert sales.volume.tolist() == [40.0, 0.0]
    assert sales.aht_seconds[0] == pytest.approx((10 * 200 + 30 * 100) / 40)


def test_a_grid_that_does_not_divide_the_interval_is_refused():
    text = (
        "queue,interval_start,volume\n"
        "q,2020-03-16T08:00:00+01:00,1\n"
        "q,2020-03-16T08:06:00+01:00,1\n"
    )
    with pytest.raises(InputError, match="every 6 minutes"):
        read_interval_series(io.StringIO(text), interval_minutes=15)


def test_bad_rows_are_all_reported():
    text = (
        "queue,interval_start,volume,aht_seconds\n"
        "q,2020-03-16T08:00:00+01:00,-1,\n"
        "q,not a time,1,\n"
        "q,2020-03-16T08:15:00+01:00,1,abc\n"
        "q,2020-03-16T08:15:00+01:00,2,\n"
    )
    with pytest.raises(IngestError) as caught:
        read_interval_series(io.StringIO(text), interval_minutes=15)
    assert [(r.line, r.column) for r in caught.value.rows] == [
        (2, "volume"),
        (3, "interval_start"),
        (4, "aht_seconds"),
        (5, "interval_start"),
    ]


def test_headers_tell_series_from_contact_records():
    assert is_interval_series_header(["queue", "interval_start", "volume", "aht_seconds"])
    assert not is_interval_series_header(["id", "queue", "arrived_at"])


def test_a_bad_row_is_named_by_the_line_an_editor_shows_it_on():
    # Line 3 is blank and the model label of lines 5-6 spans two lines inside quotes: the bad
    # volume on line 7 must still be reported as line 7 (counting rows would say 5).
    text = (
        "queue,interval_start,volume,aht_seconds,model\n"  # 1
        "q,2020-03-16T08:00:00+01:00,1,200,ets\n"  # 2
        "\n"  # 3
        "q,2020-03-16T08:15:00+01:00,2,200,ets\n"  # 4
        'q,2020-03-16T08:30:00+01:00,3,200,"ets;\n'  # 5
        'planner: +10% for the mailing"\n'  # 6
        "q,2020-03-16T08:45:00+01:00,many,200,ets\n"  # 7
    )
    with pytest.raises(IngestError) as caught:
        read_interval_series(io.StringIO(text), interval_minutes=15)
    assert [(r.line, r.column) for r in caught.value.rows] == [(7, "volume")]


def test_a_bad_row_that_spans_lines_is_named_by_its_first_line():
    text = (
        "queue,interval_start,volume,aht_seconds,model\n"
        "\n"
        'q,2020-03-16T08:00:00+01:00,-1,200,"two\nlines"\n'
    )
    with pytest.raises(IngestError) as caught:
        read_interval_series(io.StringIO(text), interval_minutes=15)
    assert [(r.line, r.column) for r in caught.value.rows] == [(3, "volume")]


def test_header_names_are_read_without_surrounding_spaces():
    text = (
        "queue, interval_start, volume, aht_seconds\n"
        "q,2020-03-16T08:00:00+01:00,4,100\n"
        "q,2020-03-16T08:15:00+01:00,6,200\n"
    )
    (series,) = read_interval_series(io.StringIO(text), interval_minutes=15)
    assert series.volume.tolist() == [4.0, 6.0]
    assert series.aht_seconds.tolist() == [100.0, 200.0]
