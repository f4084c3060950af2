"""The demo clock: a server whose "now" starts in spring 2020 and runs on in real time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from bezetting.api.app import create_app
from bezetting.api.deps import running_from
from bezetting.config import load_settings
from bezetting.core.errors import InputError

SPRING_2020 = datetime(2020, 3, 17, 9, 30, tzinfo=UTC)


def test_the_clock_starts_at_the_given_moment_and_runs_on_in_real_time() -> None:
    real = [datetime(2026, 11, 27, 20, 0, tzinfo=UTC)]
    clock = running_from(SPRING_2020, real_clock=lambda: real[0])
    assert clock() == SPRING_2020
    real[0] += timedelta(minutes=90)
    assert clock() == SPRING_2020 + timedelta(minutes=90)
    assert clock().tzinfo is UTC


def _spring_2020_settings(tmp_path):
    """A development app on a fresh SQLite file whose clock starts at 10:30 Amsterdam time."""
    return load_settings(
        database_url=f"sqlite:///{tmp_path / 'clock.db'}",
        demo_clock_start="2020-03-17T10:30:00+01:00",
    )


def test_the_app_reads_now_from_the_demo_clock_setting(tmp_path) -> None:
    app = create_app(_spring_2020_settings(tmp_path))
    with TestClient(app):
        now = app.state.bezetting.clock()
    assert SPRING_2020 <= now < SPRING_2020 + timedelta(minutes=5)


def test_jobs_run_in_process_are_stamped_on_the_demo_clock(tmp_path) -> None:
    app = create_app(_spring_2020_settings(tmp_path))
    with TestClient(app):
        runner = app.state.bezetting.runner
        job_id = runner.submit("staffing", {"intervals": []})
        status = runner.wait(job_id, timeout_seconds=30)
    assert SPRING_2020 <= status.created_at < SPRING_2020 + timedelta(minutes=5)
    assert status.finished_at is not None
    assert status.finished_at < SPRING_2020 + timedelta(minutes=5)


def test_the_demo_clock_needs_a_zone() -> None:
    with pytest.raises(InputError, match="needs a zone"):
        load_settings(demo_clock_start="2020-03-17T09:30:00")


@pytest.mark.parametrize("env", ["test", "production"])
def test_the_demo_clock_is_refused_outside_development(env: str) -> None:
    with pytest.raises(InputError, match="development mode only"):
        load_settings(
            env=env,
            demo_clock_start="2020-03-17T09:30:00+01:00",
            secret_key="s" * 40,
            pseudonym_key="p" * 40,
        )
