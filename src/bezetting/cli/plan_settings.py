"""``bezetting plan settings show|set|clear``: an organisation's planning settings.

Where a collective agreement (CAO) departs from the law: rule overrides, the break policy and
the objective weights, in the problem file's ``rules``, ``breaks`` and ``weights`` keys
(docs/schedule.md). Planning on the database and the swap check go by them::

    bezetting plan settings show
    bezetting plan settings set --file cao.yaml      # replaces what is stored
    bezetting plan settings show --yaml > cao.yaml   # what is stored, to edit and set again
    bezetting plan settings clear                    # back to the law and the defaults

Stored settings that no longer parse (an upgrade renamed a rule, a hand-edited row): ``show``
prints what is stored as YAML (to correct and ``set --file``), the reason on stderr, and exits
2; ``set`` and ``clear`` replace them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from bezetting.cli._common import console_for, reports_errors
from bezetting.core.errors import InputError
from bezetting.services.planning import planning_target
from bezetting.services.planning_settings import (
    OrganisationPlanningSettings,
    UnreadableSettingsError,
    planning_settings,
    set_planning_settings,
)
from bezetting.store import configured_sessions

__all__ = ["settings_app"]

settings_app = typer.Typer(
    name="settings",
    help="Show or change the organisation's planning settings: rule overrides of a collective "
    "agreement, break policy, objective weights.",
    no_args_is_help=True,
)

OrgOption = Annotated[
    str | None, typer.Option("--org", help="Organisation code (default: the only one).")
]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path} is not valid YAML: {exc}") from None


def _yaml(data: Any) -> str:
    """``data`` as a settings file for ``set --file``."""
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _show(console: Console, organisation: str, settings: OrganisationPlanningSettings) -> None:
    if settings.updated_at is None:
        when = "never changed"
    else:
        who = settings.updated_by or "the command line"
        when = f"changed {settings.updated_at.isoformat(timespec='seconds')} by {who}"
    console.print(
        f"planning settings of {organisation!r}: rule pack {settings.rule_pack.name!r}; {when}",
        highlight=False,
        soft_wrap=True,
    )
    changes = settings.changes()
    if not changes:
        console.print(
            "every value is the default: the Arbeidstijdenwet, one 30-minute lunch 2.5 h clear "
            "of either end of a shift, the default weights",
            highlight=False,
            soft_wrap=True,
        )
        return
    table = Table(title="Values that differ from the default")
    for column in ("section", "key", "value", "default", "source of the default"):
        table.add_column(column, justify="right" if column in ("value", "default") else "left")
    for change in changes:
        table.add_row(
            change.section,
            change.name,
            _number(change.value),
            _number(change.default),
            change.source,
        )
    console.print(table)
    looser = [c for c in changes if c.less_protective]
    if looser:
        console.print(
            "warning: less protection than the Arbeidstijdenwet: "
            + "; ".join(f"{c.name} {_number(c.value)} (law {_number(c.default)})" for c in looser)
            + ". Keep such values only where the law lets a collective agreement deviate.",
            style="bold yellow",
            highlight=False,
            soft_wrap=True,
        )


@settings_app.command("show")
def show_command(
    as_yaml: Annotated[
        bool, typer.Option("--yaml", help="Print what is stored as YAML (for 'set --file').")
    ] = False,
    organisation: OrgOption = None,
) -> None:
    """Show the values that differ from the law's and the planning defaults; stored settings
    that no longer parse are printed as stored, with the reason, and exit 2."""
    console = console_for()
    with reports_errors(), configured_sessions() as sessions:
        target = planning_target(sessions, organisation=organisation)
        try:
            settings = planning_settings(sessions, organisation_id=target.organisation_id)
        except UnreadableSettingsError as unreadable:
            if not as_yaml:
                typer.echo(f"planning settings of {target.organisation!r} as stored:")
            typer.echo(_yaml(unreadable.stored), nl=False)
            raise
    if as_yaml:
        typer.echo(_yaml(settings.as_mapping()), nl=False)
        return
    _show(console, target.organisation, settings)


@settings_app.command("set")
def set_command(
    file: Annotated[
        Path,
        typer.Option(
            "--file",
            help="YAML with rules, breaks and/or weights as in a problem file (docs/schedule.md); "
            "replaces every stored value (a key left out goes back to its default).",
            show_default=False,
        ),
    ],
    organisation: OrgOption = None,
) -> None:
    """Store planning settings; a bad key or value changes nothing."""
    console = console_for()
    with reports_errors(), configured_sessions() as sessions:
        data = _read_yaml(file)
        target = planning_target(sessions, organisation=organisation)
        settings = set_planning_settings(
            sessions,
            organisation_id=target.organisation_id,
            settings=data,
            now=datetime.now(UTC),
        )
    _show(console, target.organisation, settings)


@settings_app.command("clear")
def clear_command(organisation: OrgOption = None) -> None:
    """Go back to the law's values, the planning break policy and the default weights."""
    console = console_for()
    with reports_errors(), configured_sessions() as sessions:
        target = planning_target(sessions, organisation=organisation)
        settings = set_planning_settings(
            sessions, organisation_id=target.organisation_id, settings={}, now=datetime.now(UTC)
        )
    _show(console, target.organisation, settings)
