"""The jobs package's API is curated, and in-process use never loads Celery or Redis."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

MODULES = [
    "bezetting.jobs",
    "bezetting.jobs.celery_runner",
    "bezetting.jobs.errors",
    "bezetting.jobs.lifecycle",
    "bezetting.jobs.progress",
    "bezetting.jobs.redis_store",
    "bezetting.jobs.registry",
    "bezetting.jobs.runner",
    "bezetting.jobs.status",
    "bezetting.jobs.store",
    "bezetting.jobs.kinds",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_are_public(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert sorted(exported) == sorted(set(exported)), "duplicates in __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.{attr} is in __all__ but missing"
        assert not attr.startswith("_")


def test_every_jobs_error_has_its_own_code_inside_the_one_tree() -> None:
    from bezetting.core.errors import BezettingError
    from bezetting.jobs import errors

    classes = [getattr(errors, name) for name in errors.__all__]
    assert all(issubclass(c, BezettingError) for c in classes)
    codes = [c.code for c in classes]
    assert len(set(codes)) == len(codes)
    assert BezettingError.code not in codes


def test_in_process_jobs_and_the_cli_start_without_celery_or_redis() -> None:
    code = (
        "import sys, bezetting.jobs, bezetting.cli;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'celery','kombu','redis'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
