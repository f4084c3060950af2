"""Fixtures of the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bezetting.config import load_settings
from bezetting.store import create_engine_for, ensure_schema, make_session_factory
from tests.services.planning_world import build_world


@pytest.fixture
def planning_world_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh install's SQLite database under ``tmp_path`` holding the planning world (four
    agents, one queue, its history), as the ``plan`` commands find it through the settings."""
    monkeypatch.setenv("BEZETTING_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BEZETTING_DATABASE_URL", raising=False)
    monkeypatch.setenv("BEZETTING_ENV", "dev")
    engine = create_engine_for(load_settings())
    try:
        ensure_schema(engine)
        build_world(make_session_factory(engine))
    finally:
        engine.dispose()
