"""``bezetting plan settings``: a collective agreement's values, stored from a YAML file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bezetting.cli import app
from bezetting.store import configured_sessions, transaction
from bezetting.store.models import Organisation
from tests.services.planning_world import RENAMED_RULE, store_settings_unchecked

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("planning_world_on_disk")

CAO = """\
rules:
  name: CAO Contactcentra 2026
  min_daily_rest_minutes: 600
breaks: {part_minutes: 45, earliest_after_start_minutes: 150, latest_before_end_minutes: 150}
weights: {wish_not_met: 60}
"""


def test_a_planner_stores_a_collective_agreement_and_sees_what_differs_from_the_law(
    tmp_path: Path,
) -> None:
    shown = runner.invoke(app, ["plan", "settings", "show"])
    assert shown.exit_code == 0, shown.output
    assert "rule pack 'Arbeidstijdenwet (NL)'; never changed" in shown.output
    assert "every value is the default" in shown.output
    assert "warning" not in shown.output

    cao = tmp_path / "cao.yaml"
    cao.write_text(CAO, encoding="utf-8")
    stored = runner.invoke(app, ["plan", "settings", "set", "--file", str(cao)])
    assert stored.exit_code == 0, stored.output
    assert "rule pack 'CAO Contactcentra 2026'" in stored.output
    assert "by the command line" in stored.output
    rows = [line.split("│") for line in stored.output.splitlines() if line.count("│") >= 5]
    cells = [tuple(cell.strip() for cell in row[1:5]) for row in rows]
    assert cells == [
        ("rules", "min_daily_rest_minutes", "600", "660"),
        ("breaks", "part_minutes", "45", "30"),
        ("weights", "wish_not_met", "60", "30"),
    ]
    assert "ATW art. 5:3" in stored.output  # where the law's value comes from
    # 10 h rest is below the law's 11 h: allowed only where the law lets an agreement deviate.
    assert (
        "warning: less protection than the Arbeidstijdenwet: min_daily_rest_minutes 600 (law 660)"
        in _flat(stored.output)
    )

    # What is stored comes back as YAML that sets the same again.
    as_yaml = runner.invoke(app, ["plan", "settings", "show", "--yaml"])
    assert as_yaml.exit_code == 0, as_yaml.output
    assert yaml.safe_load(as_yaml.output) == yaml.safe_load(CAO)

    cleared = runner.invoke(app, ["plan", "settings", "clear"])
    assert cleared.exit_code == 0, cleared.output
    assert "every value is the default" in cleared.output
    assert runner.invoke(app, ["plan", "settings", "show", "--yaml"]).output.strip() == "{}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: {min_daily_rest_minutes: 10h}", "min_daily_rest_minutes must be a non-negative"),
        ("rules: {daily_rest: 600}", "rules: unknown rule(s) ['daily_rest']"),
        ("breaks: {part_minutes: 10}", "shorter than the rule pack's shortest break part"),
        ("weights: {wish: 3}", "weights: unknown key(s) wish; known: under_coverage_per_slot"),
        ("shifts: []", "shift shapes are not stored"),
        ("rules: [", "is not valid YAML"),
    ],
)
def test_a_bad_file_is_refused_naming_key_and_reason_and_changes_nothing(
    tmp_path: Path, text: str, message: str
) -> None:
    cao = tmp_path / "cao.yaml"
    cao.write_text(CAO, encoding="utf-8")
    assert runner.invoke(app, ["plan", "settings", "set", "--file", str(cao)]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(text + "\n", encoding="utf-8")
    refused = runner.invoke(app, ["plan", "settings", "set", "--file", str(bad)])
    assert refused.exit_code == 2
    assert message in " ".join(refused.output.split())
    after = runner.invoke(app, ["plan", "settings", "show", "--yaml"])
    assert yaml.safe_load(after.output) == yaml.safe_load(CAO)


def test_a_missing_file_and_an_unknown_organisation_are_clear_errors(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["plan", "settings", "set", "--file", str(tmp_path / "no.yaml")])
    assert missing.exit_code == 2
    assert "cannot read" in missing.output
    unknown = runner.invoke(app, ["plan", "settings", "show", "--org", "nope"])
    assert unknown.exit_code == 2
    assert "nope" in unknown.output


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_unreadable_stored_settings_are_shown_as_stored_with_the_reason_and_exit_2() -> None:
    with configured_sessions() as sessions:
        with transaction(sessions) as session:
            [organisation_id] = [o.id for o in session.query(Organisation).all()]
        store_settings_unchecked(sessions, organisation_id, RENAMED_RULE)
    reason = (
        "error: the stored planning settings no longer parse: rules: unknown rule(s) "
        "['daily_rest_minutes']"
    )

    shown = runner.invoke(app, ["plan", "settings", "show"])
    assert shown.exit_code == 2, shown.output
    assert reason in _flat(shown.output)
    assert "store corrected settings or clear them" in _flat(shown.output)
    assert "daily_rest_minutes: 720" in shown.stdout  # what to correct
    as_yaml = runner.invoke(app, ["plan", "settings", "show", "--yaml"])
    assert as_yaml.exit_code == 2
    assert yaml.safe_load(as_yaml.stdout) == RENAMED_RULE  # to correct and 'set --file'
    planned = runner.invoke(app, ["plan", "schedule", "--from", "2020-03-16", "--weeks", "1"])
    assert planned.exit_code == 2
    assert reason in _flat(planned.output)

    cleared = runner.invoke(app, ["plan", "settings", "clear"])
    assert cleared.exit_code == 0, cleared.output
    assert runner.invoke(app, ["plan", "settings", "show"]).exit_code == 0
