"""The command line's shared console: tables are not cut when the output is piped or logged."""

from __future__ import annotations

import pytest
from rich.table import Table

from bezetting.cli._common import PIPED_WIDTH, console_for


def test_piped_output_is_wide_enough_for_the_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    console = console_for()
    assert not console.is_terminal  # pytest captures stdout
    assert console.width == PIPED_WIDTH


def test_columns_in_the_environment_still_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert console_for().width == 100
    assert console_for(stderr=True).width == 100


def test_a_long_table_row_stays_on_one_line_when_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    console = console_for()
    table = Table("queue", "WAPE", "contacts", "peak agents", "agent-hours", "model")
    table.add_row("ww-uitkering", "39.1%", "7,439", "18", "1,252", "DailyEnsemble x profile")
    with console.capture() as captured:
        console.print(table)
    assert any("DailyEnsemble x profile" in line for line in captured.get().splitlines())
