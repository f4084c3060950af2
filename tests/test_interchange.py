"""The interchange files: rows named by the line an editor shows, and writes that are all or
nothing (a failure mid-way keeps the previous file and leaves no temporary file behind)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bezetting.core.errors import BadRowsError
from bezetting.interchange import (
    open_atomically,
    read_interval_series,
    write_bytes_atomically,
    write_csv_atomically,
    write_text_atomically,
)


def test_a_bad_row_is_named_by_the_line_an_editor_shows_it_on(tmp_path: Path) -> None:
    # Line 3 is blank and the model label of lines 5-6 spans two lines inside quotes: the bad
    # volume on line 7 must be reported as line 7, and the duplicate on line 8 as a duplicate
    # of line 5 (where that record starts).
    path = tmp_path / "forecast.csv"
    path.write_text(
        "queue,interval_start,volume,aht_seconds,model\n"  # 1
        "q,2020-03-16T08:00:00+01:00,1,200,ets\n"  # 2
        "\n"  # 3
        "q,2020-03-16T08:15:00+01:00,2,200,ets\n"  # 4
        'q,2020-03-16T08:30:00+01:00,3,200,"ets;\n'  # 5
        'planner: +10% for the mailing"\n'  # 6
        "q,2020-03-16T08:45:00+01:00,many,200,ets\n"  # 7
        "q,2020-03-16T08:30:00+01:00,3,200,ets\n",  # 8
        encoding="utf-8",
    )
    with pytest.raises(BadRowsError) as caught:
        read_interval_series(path)
    rows = caught.value.rows
    assert [(r.line, r.column) for r in rows] == [(7, "volume"), (8, "interval_start")]
    assert "duplicate of line 5" in rows[1].reason


def test_a_file_with_blank_lines_reads_every_row_in_order(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "queue,interval_start,volume,aht_seconds\n\n"
        "q,2020-03-16T08:00:00+01:00,1,200\n\n\n"
        "q,2020-03-16T08:15:00+01:00,2,210\n",
        encoding="utf-8",
    )
    assert read_interval_series(path).volume.tolist() == [1.0, 2.0]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_csv_whose_rows_fail_mid_way_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "requirements.csv"
    target.write_text("previous\n", encoding="utf-8")

    def rows() -> Iterator[list[object]]:
        yield ["q", 1]
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_csv_atomically(target, ["queue", "agents"], rows())
    assert _files(tmp_path) == {"requirements.csv": b"previous\n"}


def test_ctrl_c_mid_way_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "forecast.csv"
    target.write_text("previous\n", encoding="utf-8")

    def interrupted() -> None:
        with open_atomically(target) as handle:
            handle.write("queue,interval_start\n")
            handle.flush()
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert _files(tmp_path) == {"forecast.csv": b"previous\n"}


def test_a_complete_write_replaces_the_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("previous", encoding="utf-8")
    write_text_atomically(tmp_path / "report.html", "<p>één</p>\n")
    write_bytes_atomically(tmp_path / "daan.ics", b"BEGIN:VCALENDAR\r\n")
    write_csv_atomically(tmp_path / "s.csv", ["a", "b"], [[1, "x,y"]])
    assert _files(tmp_path) == {
        "report.html": "<p>één</p>\n".encode(),
        "daan.ics": b"BEGIN:VCALENDAR\r\n",
        "s.csv": b'a,b\n1,"x,y"\n',
    }


def test_a_missing_folder_is_made(tmp_path: Path) -> None:
    write_text_atomically(tmp_path / "out" / "week" / "s.csv", "a\n")
    assert (tmp_path / "out" / "week" / "s.csv").read_text(encoding="utf-8") == "a\n"


@pytest.mark.skipif(
    os.name != "posix", reason="Windows files have no Unix permission bits (umask, mode) to keep"
)
def test_a_new_file_gets_the_usual_mode_and_a_replaced_one_keeps_its_own(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_text_atomically(tmp_path / "new.csv", "a\n")
        kept = tmp_path / "kept.csv"
        kept.write_text("old\n", encoding="utf-8")
        kept.chmod(0o640)
        write_text_atomically(kept, "new\n")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
