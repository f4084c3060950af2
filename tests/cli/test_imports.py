"""``bezetting import``: a planner's first import on a fresh install, and its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bezetting.cli import app

runner = CliRunner()

CONTACTS = (
    "Wachtrij;Call ID;Aangeboden;Beantwoord;Beller\n"
    "algemeen;1;2020-03-16 08:00:05;2020-03-16 08:00:35;0612345678\n"
    "algemeen;2;2020-03-16 08:01:10;;0687654321\n"
    "algemeen;3;16-03-2020 08:02;;0611111111\n"  # as Dutch Excel writes it
    "algemeen;4;16-03-20 08:03;;0622222222\n"  # a two-digit year: which is the year?
)


@pytest.fixture(autouse=True)
def fresh_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEZETTING_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BEZETTING_DATABASE_URL", raising=False)
    monkeypatch.setenv("BEZETTING_ENV", "dev")


def test_contacts_import_with_mapping_reports_rows_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    args = ["import", "contacts", str(path), "--map", "Aangeboden=arrived_at"]
    args += ["--map", "Beantwoord=answered_at", "--create-queues", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # one row rejected
    report = json.loads(result.output)
    assert (report["accepted"], report["rejected_rows"], report["written"]) == (3, 1, True)
    assert report["rejected"][0]["line"] == 5
    assert report["rejected"][0]["column"] == "arrived_at"
    assert (
        "write 2020-03-16T08:15:00+01:00, 2020-03-16 08:15 or 16-03-2020 08:15"
        in (report["rejected"][0]["reason"])
    )
    again = runner.invoke(app, args)
    assert json.loads(again.output)["already_imported"] is True


def test_a_file_whose_rows_were_all_rejected_fails_again_when_imported_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "queue,external_id,arrived_at\n" + "".join(f"q,{i},gisteren\n" for i in range(4)),
        encoding="utf-8",
    )
    args = ["import", "contacts", str(path), "--create-queues"]
    first = runner.invoke(app, args)
    assert first.exit_code == 1, first.output
    assert "4 rows: 0 accepted, 0 already stored, 4 rejected; no new rows to store" in first.output
    assert "written" not in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 1, again.output
    assert "imported before as batch 1" in again.output
    assert "4 rows, 0 stored, 4 rejected; nothing changed now" in again.output
    assert "'gisteren' is not a date" in again.output  # the rows named again
    report = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert (report["earlier_rejected_rows"], report["rejected_rows"]) == (4, 4)
    assert {e["line"] for e in report["rejected"]} == {2, 3, 4, 5}


def test_missing_columns_are_an_error_with_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    result = runner.invoke(app, ["import", "contacts", str(path)])
    assert result.exit_code == 2
    assert "missing column(s) arrived_at" in result.output


def test_agents_then_availability_as_tables(tmp_path: Path) -> None:
    agents = tmp_path / "agents.csv"
    agents.write_text("external_id,name,contract_hours\n7,Fatima,28\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "agents", str(agents)])
    assert result.exit_code == 0, result.output
    summary = "1 rows: 1 accepted, 0 already stored, 0 rejected; 1 row(s) stored as batch 1"
    assert summary in result.output
    windows = tmp_path / "availability.csv"
    windows.write_text("agent,date,start,end\n7,2020-03-16,09:00,17:00\n8,2020-03-16,9:00,12:00\n")
    result = runner.invoke(app, ["import", "availability", str(windows)])
    assert result.exit_code == 1
    assert "unknown agent '8'" in result.output


def test_a_missing_file_and_a_bad_mapping_are_clear(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "agents", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "cannot read" in result.output
    path = tmp_path / "a.csv"
    path.write_text("external_id,name,contract_hours\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "agents", str(path), "--map", "uren"])
    assert result.exit_code == 2
    assert "COLUMN=FIELD" in result.output
