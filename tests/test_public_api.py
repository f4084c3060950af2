"""The public API is curated: every name in ``__all__`` exists, and nothing private leaks."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

MODULES = [
    "bezetting",
    "bezetting.core.absence",
    "bezetting.core.errors",
    "bezetting.core.queueing",
    "bezetting.core.simulate",
    "bezetting.core.forecast",
    "bezetting.core.schedule",
    "bezetting.demo",
    "bezetting.interchange",
    "bezetting.jobs",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_are_public(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert sorted(exported) == sorted(set(exported)), "duplicates in __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.{attr} is in __all__ but missing"
        assert not attr.startswith("_") or attr == "__version__"


def test_the_core_loads_without_outer_layers_or_their_libraries() -> None:
    # The same contract lint-imports checks in `make test`, here at run time in a fresh process.
    code = (
        "import sys, bezetting.core.queueing, bezetting.core.errors;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'typer','rich','matplotlib','sqlalchemy','fastapi'} or m.startswith('bezetting.cli')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
