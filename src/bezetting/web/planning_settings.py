"""The planning settings on the planning page: every value in force next to its default, and
the form that changes them.

The form has one field per value (named by its problem-file key) filled with the value in
force. What is stored is only what differs from the default: a rule or weight on its own; the
break policy with all three values as soon as one differs, since a stored policy reads like a
problem file's (absent keys take the core's defaults, not the planning ones).

Stored settings that no longer parse fill the form with what they store where a field takes it
(:func:`stored_setting_rows`), so that correcting the one bad value and saving keeps the rest of
the agreement rather than silently going back to the defaults.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

import yaml

from bezetting.core.schedule import BreakPolicy, RulePack, Weights
from bezetting.core.schedule.rules import DUTCH_RULES, less_protective
from bezetting.services.planning_settings import PLANNING_BREAKS, OrganisationPlanningSettings
from bezetting.web.error_text import FormError
from bezetting.web.forms import form_whole
from bezetting.web.i18n import _n
from bezetting.web.session import FormData
from bezetting.web.setting_labels import RULE_PACK_NAME_FIELD, SETTING_LABELS

__all__ = [
    "SettingRow",
    "settings_from_form",
    "settings_rows",
    "stored_setting_rows",
    "stored_settings_text",
]

_MOST_MINUTES = 100_000  # about ten weeks: above any rule of a week or a rest
_MOST_WEIGHT = 100_000.0  # as the service allows
_NAME_LENGTH = 200


@dataclass(frozen=True, kw_only=True)
class SettingRow:
    """One value as the page shows it: ``label`` is the English text (translated in the
    template); ``whole`` says whether the field takes whole numbers only."""

    section: str
    key: str
    label: str
    value: float
    default: float
    whole: bool
    less_protective: bool = False  # a rule that protects the worker less than the law

    @property
    def changed(self) -> bool:
        """Whether the value in force differs from its default."""
        return self.value != self.default


def settings_rows(settings: OrganisationPlanningSettings) -> list[SettingRow]:
    """Every rule, break and weight value in force, in the order of the problem file."""
    return _rows(settings.rule_pack, settings.break_policy, settings.objective_weights)


def _default_rows() -> list[SettingRow]:
    return _rows(DUTCH_RULES, BreakPolicy(**PLANNING_BREAKS), Weights())


def _rows(rule_pack: RulePack, breaks: BreakPolicy, weights: Weights) -> list[SettingRow]:
    default_breaks = BreakPolicy(**PLANNING_BREAKS)
    default_weights = Weights()
    below_law = {v.name for v in less_protective(rule_pack)}
    rows = [
        SettingRow(
            section="rules",
            key=value.name,
            label=SETTING_LABELS[value.name],
            value=value.value,
            default=getattr(DUTCH_RULES, value.name),
            whole=True,
            less_protective=value.name in below_law,
        )
        for value in rule_pack.values()
    ]
    rows += [
        SettingRow(
            section="breaks",
            key=f.name,
            label=SETTING_LABELS[f.name],
            value=getattr(breaks, f.name),
            default=getattr(default_breaks, f.name),
            whole=True,
        )
        for f in dataclasses.fields(BreakPolicy)
    ]
    rows += [
        SettingRow(
            section="weights",
            key=f.name,
            label=SETTING_LABELS[f.name],
            value=getattr(weights, f.name),
            default=getattr(default_weights, f.name),
            whole=False,
        )
        for f in dataclasses.fields(Weights)
    ]
    return rows


def stored_setting_rows(stored: Mapping[str, Any]) -> list[SettingRow]:
    """The form's rows for stored settings that no longer parse: a stored number where its field
    takes it (a whole number for minutes), else the value that applies when it is absent (a
    break value left out of a stored policy: the core's default, as a problem file reads it)."""
    core_breaks = BreakPolicy()
    breaks = stored.get("breaks")
    policy_stored = isinstance(breaks, Mapping) and bool(breaks)
    rows = []
    for row in _default_rows():
        section = stored.get(row.section)
        value = section.get(row.key) if isinstance(section, Mapping) else None
        if _fits(value, whole=row.whole):
            rows.append(dataclasses.replace(row, value=value))
        elif row.section == "breaks" and policy_stored:
            rows.append(dataclasses.replace(row, value=getattr(core_breaks, row.key)))
        else:
            rows.append(row)
    return rows


def _fits(value: Any, *, whole: bool) -> TypeGuard[float]:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
        and (not whole or float(value).is_integer())
    )


def stored_settings_text(stored: Mapping[str, Any]) -> str:
    """Stored settings as the YAML ``bezetting plan settings set --file`` reads, to correct."""
    return yaml.safe_dump(dict(stored), sort_keys=False, allow_unicode=True)


def _weight(form: FormData, field: str, default: float) -> float:
    raw = form.get(field, "").strip().replace(",", ".")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= _MOST_WEIGHT):
        raise FormError(
            _n("%(field)s: %(value)r is not a number from 0 to %(high)s"),
            field=field,
            value=raw,
            high=int(_MOST_WEIGHT),
        )
    return value


def settings_from_form(form: FormData) -> dict[str, Any]:
    """The settings the form asks for, as the service stores them (only what differs from the
    default). An empty field keeps its default.

    Raises:
        FormError: a value that is not a number in range, or a name that is too long.
    """
    rules: dict[str, Any] = {}
    breaks: dict[str, int] = {}
    weights: dict[str, float] = {}
    for row in _default_rows():
        if row.section == "weights":
            weight = _weight(form, row.key, row.default)
            if weight != row.default:
                weights[row.key] = weight
            continue
        value = form_whole(form, row.key, low=0, high=_MOST_MINUTES, default=int(row.default))
        if row.section == "rules" and value != row.default:
            rules[row.key] = value
        elif row.section == "breaks":
            breaks[row.key] = value
    if breaks == dict(PLANNING_BREAKS):
        breaks = {}
    name = form.get(RULE_PACK_NAME_FIELD, "").strip()
    if len(name) > _NAME_LENGTH:
        raise FormError(
            _n("%(field)s: at most %(most)s characters"),
            field=RULE_PACK_NAME_FIELD,
            most=_NAME_LENGTH,
        )
    if name and name != DUTCH_RULES.name:
        rules = {"name": name, **rules}
    return {
        key: section
        for key, section in (("rules", rules), ("breaks", breaks), ("weights", weights))
        if section
    }
