"""Schemathesis against the OpenAPI document: generated requests never cause a server error.

Every operation gets valid and invalid generated requests (schemathesis' positive and negative
modes), sent with the token of a role the role matrix allows for it, so the generated bodies
reach the handlers and the services, not just the authentication check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from bezetting.api.app import create_app
from bezetting.api.deps import LoginRateLimiter
from bezetting.config import load_settings
from bezetting.jobs import InProcessRunner
from tests.api.conftest import World, app_on_copy, bearer
from tests.api.test_role_matrix import RULES

EXAMPLES_PER_MODE = 15
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE


def _cases() -> list[tuple[tuple[str, str], schemathesis.GenerationMode]]:
    """Every route in positive mode; in negative mode those that take any input (a route
    without parameters or body has no invalid request to generate)."""
    paths = create_app(load_settings(env="test")).openapi()["paths"]  # builds no engine
    cases = []
    for method, path in sorted(RULES):
        cases.append(((method, path), POSITIVE))
        operation = paths[path][method.lower()]
        if operation.get("parameters") or operation.get("requestBody"):
            cases.append(((method, path), NEGATIVE))
    return cases


@pytest.mark.parametrize(
    ("route", "mode"), _cases(), ids=lambda v: f"{v[0]} {v[1]}" if isinstance(v, tuple) else v.value
)
def test_no_server_errors(
    route: tuple[str, str],
    mode: schemathesis.GenerationMode,
    world: World,
    tmp_path: Path,
    runner: InProcessRunner,
) -> None:
    method, path = route
    allowed = [who for who in RULES[route].allowed if who != "anonymous"]
    headers = bearer(world, allowed[0])
    limiter = LoginRateLimiter(max_attempts=1_000_000)
    with app_on_copy(world, tmp_path, runner, limiter=limiter) as app:
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        operation = schema[path][method.lower()]

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_MODE,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_server_error(case: Any) -> None:
            response = case.call(headers={**(case.headers or {}), **headers})
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} {case.body!r}: {response.text}"
            )
            if response.status_code >= 400:
                assert "error" in response.json()

        no_server_error()
