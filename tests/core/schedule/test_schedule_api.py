"""The public API of bezetting.core.schedule is curated."""

from __future__ import annotations

import bezetting.core.schedule as schedule


def test_all_names_exist_and_are_sorted() -> None:
    assert all(hasattr(schedule, name) for name in schedule.__all__)
    assert sorted(schedule.__all__, key=str.casefold) == sorted(
        set(schedule.__all__), key=str.casefold
    )
