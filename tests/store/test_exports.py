"""The store's and services' public names are curated: each name in ``__all__`` exists."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "bezetting.config",
    "bezetting.store",
    "bezetting.store.enums",
    "bezetting.store.models",
    "bezetting.store.queries",
    "bezetting.services.imports",
    "bezetting.services.organisations",
    "bezetting.services.schedules",
    "bezetting.services.absence",
    "bezetting.services.agent_states",
    "bezetting.services.pseudonym",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_are_public(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert len(exported) == len(set(exported)), "duplicates in __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.{attr} is in __all__ but missing"
        assert not attr.startswith("_")
