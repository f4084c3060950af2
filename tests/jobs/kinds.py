"""Job kinds for the tests, registered on the default registry under ``test-`` names.

A Celery worker started by the tests imports this module (``--import-module tests.jobs.kinds``),
so these kinds run the same way in-process and on the worker. A "gate" is a file path: the
``test-gate`` job waits, reporting progress, until the test creates the file.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from bezetting.core.errors import InfeasibleError, InputError
from bezetting.jobs import JSON, ProgressReporter, job


@job("test-echo")
def echo(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    """Return the params as they arrived."""
    progress.report(1.0, "echoed")
    return dict(params)


@job("test-gate")
def gate(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    """Report half done, then wait until the file params['gate'] exists (or give up)."""
    path = Path(str(params["gate"]))
    give_up = time.monotonic() + float(str(params.get("timeout_seconds", 15.0)))
    progress.report(0.5, "waiting for the gate")
    while not path.exists():
        if time.monotonic() > give_up:
            raise InfeasibleError(f"the gate {path} never opened")
        progress.check_cancelled()
        time.sleep(0.01)
    progress.report(1.0, "through the gate")
    return {"gate": str(path)}


@job("test-fail")
def fail(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    """Fail the way params['how'] says: 'input', 'infeasible' or 'bug'."""
    progress.report(0.25, "about to fail")
    how = params.get("how")
    if how == "input":
        raise InputError("volume must be >= 0, got -3")
    if how == "infeasible":
        raise InfeasibleError("no staffing meets 99.99% within 0 s")
    return {"ratio": 1 / 0}


@job("test-bad-result")
def bad_result(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    """Return something that is not JSON (a bug in a kind)."""
    return {"agents": {1, 2, 3}}  # type: ignore[dict-item]
