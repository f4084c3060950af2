"""``bezetting db upgrade`` creates or migrates the database named by the settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from bezetting.cli import app
from bezetting.store import create_engine_for_url, head_revision
from tests.conftest import _postgres_unreachable_reason, _with_search_path, postgres_url

runner = CliRunner()


def test_upgrade_creates_the_sqlite_file_then_has_nothing_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEZETTING_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BEZETTING_DATABASE_URL", raising=False)
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"migrated from empty to {head_revision()}" in first.output
    assert (tmp_path / "var" / "bezetting.db").exists()
    second = runner.invoke(app, ["db", "upgrade"])
    assert f"already at migration {head_revision()}" in second.output
    current = runner.invoke(app, ["db", "current"])
    assert "up to date" in current.output


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    reason = _postgres_unreachable_reason()
    if reason is not None:
        pytest.skip(reason)
    schema = f"bezetting_cli_{uuid.uuid4().hex[:12]}"
    admin = create_engine_for_url(postgres_url())
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(postgres_url(), schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_upgrade_migrates_postgresql(
    postgres_schema_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEZETTING_DATABASE_URL", postgres_schema_url)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine_for_url(postgres_schema_url)
    try:
        assert {"contact_records", "schedules", "jobs"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_bad_database_url_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEZETTING_DATABASE_URL", "oracle://scott@tiger/db")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "runs on SQLite" in result.output
