"""The API and accounts modules export a curated ``__all__``: every name exists and is public."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "bezetting.api.app",
    "bezetting.api.deps",
    "bezetting.api.errors",
    "bezetting.services.access",
    "bezetting.services.contact_events",
    "bezetting.services.errors",
    "bezetting.services.requests",
    "bezetting.services.swaps",
    "bezetting.services.users",
    "bezetting.api.routers.swaps",
    "bezetting.api.routers.jobs",
    "bezetting.api.routers.auth",
    "bezetting.api.routers.users",
    "bezetting.api.routers.events",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_are_public(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert len(exported) == len(set(exported)), "duplicates in __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.{attr} is in __all__ but missing"
        assert not attr.startswith("_")
