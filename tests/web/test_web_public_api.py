"""The web package and the overview queries export what they name, and nothing private."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "bezetting.web",
    "bezetting.web.site",
    "bezetting.web.i18n",
    "bezetting.web.charts",
    "bezetting.web.session",
    "bezetting.web.rendering",
    "bezetting.services.overview",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_are_public(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert sorted(exported) == sorted(set(exported)), "duplicates in __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.{attr} is in __all__ but missing"
        assert not attr.startswith("_")
