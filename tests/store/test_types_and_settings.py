"""Times are stored in UTC on both engines; settings refuse development keys in production."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.exc import StatementError

from bezetting.config import INSECURE_DEV_KEY, Environment, load_settings
from bezetting.core.errors import InputError
from bezetting.store import SessionFactory, create_engine_for, transaction
from bezetting.store.models import Organisation

AMSTERDAM_SUMMER = timezone(timedelta(hours=2))


def test_an_aware_time_comes_back_as_the_same_instant_in_utc(sessions: SessionFactory) -> None:
    local = datetime(2020, 6, 1, 9, 30, tzinfo=AMSTERDAM_SUMMER)
    with transaction(sessions) as session:
        organisation = Organisation(code="o", name="O", created_at=local)
        session.add(organisation)
        session.flush()
        organisation_id = organisation.id
    with sessions() as session:
        stored = session.get(Organisation, organisation_id)
        assert stored is not None
        assert stored.created_at == datetime(2020, 6, 1, 7, 30, tzinfo=UTC)
        assert stored.created_at.utcoffset() == timedelta(0)


def test_a_naive_time_is_refused(sessions: SessionFactory) -> None:
    naive = Organisation(code="n", name="N", created_at=datetime(2020, 6, 1, 9, 30))
    with (
        pytest.raises(StatementError, match="naive datetime 2020-06-01T09:30:00 refused"),
        transaction(sessions) as session,
    ):
        session.add(naive)


def test_the_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "var")
    assert settings.resolved_database_url == f"sqlite:///{tmp_path}/var/bezetting.db"
    engine = create_engine_for(settings)
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    engine.dispose()
    assert (mode, keys) == ("wal", 1)
    assert (tmp_path / "var" / "bezetting.db").exists()


def test_production_refuses_the_development_keys() -> None:
    with pytest.raises(InputError, match="BEZETTING_SECRET_KEY is the built-in development key"):
        load_settings(env=Environment.PRODUCTION)
    strong = "x" * 40
    with pytest.raises(InputError, match="BEZETTING_PSEUDONYM_KEY"):
        load_settings(env=Environment.PRODUCTION, secret_key=strong, pseudonym_key=INSECURE_DEV_KEY)
    settings = load_settings(env="production", secret_key=strong, pseudonym_key="y" * 40)
    assert settings.pseudonym_key_bytes == b"y" * 40


def test_settings_come_from_bezetting_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BEZETTING_DATABASE_URL", "postgresql://db.example/bezetting")
    monkeypatch.setenv("BEZETTING_ENV", "test")
    settings = load_settings()
    assert settings.resolved_database_url == "postgresql://db.example/bezetting"
    assert settings.env is Environment.TEST
    monkeypatch.setenv("BEZETTING_ENV", "staging")
    with pytest.raises(InputError, match="BEZETTING_ENV"):
        load_settings()


def test_other_databases_are_refused() -> None:
    from bezetting.store import create_engine_for_url

    with pytest.raises(InputError, match="runs on SQLite"):
        create_engine_for_url("mysql://root@localhost/test")
