"""The simulator's public names exist, and importing it loads no outer layer."""

from __future__ import annotations

import subprocess
import sys

import bezetting.core.simulate as simulate_api


def test_all_names_exist_and_are_public() -> None:
    exported = simulate_api.__all__
    assert len(exported) == len(set(exported))
    for name in exported:
        assert hasattr(simulate_api, name), name
        assert not name.startswith("_")


def test_the_simulator_loads_without_outer_layers() -> None:
    code = (
        "import sys, bezetting.core.simulate;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'typer','rich','matplotlib','sqlalchemy','fastapi'} or m.startswith('bezetting.cli')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
