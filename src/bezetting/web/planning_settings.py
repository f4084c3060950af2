"""The planning settings on the planning page: every value in force next to its default, and
the form that changes them.

The form has one field per value (named by its problem-file key) filled with the value in
force. What is stored is only what differs from the default: a rule or weight on its own; the
break policy with all three values as soon as one differs, since a stored policy reads like a
problem file's (absent keys take the core's defaults, not the planning ones).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from bezetting.core.schedule import BreakPolicy, Weights
from bezetting.core.schedule.rules import DUTCH_RULES
from bezetting.services.planning_settings import PLANNING_BREAKS, OrganisationPlanningSettings
from bezetting.web.error_text import FormError
from bezetting.web.forms import form_whole
from bezetting.web.i18n import _n
from bezetting.web.session import FormData
from bezetting.web.setting_labels import RULE_PACK_NAME_FIELD, SETTING_LABELS

__all__ = ["SettingRow", "settings_from_form", "settings_rows"]

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

    @property
    def changed(self) -> bool:
        """Whether the value in force differs from its default."""
        return self.value != self.default


def settings_rows(settings: OrganisationPlanningSettings) -> list[SettingRow]:
    """Every rule, break and weight value in force, in the order of the problem file."""
    default_breaks = BreakPolicy(**PLANNING_BREAKS)
    default_weights = Weights()
    rows = [
        SettingRow(
            section="rules",
            key=value.name,
            label=SETTING_LABELS[value.name],
            value=value.value,
            default=getattr(DUTCH_RULES, value.name),
            whole=True,
        )
        for value in settings.rule_pack.values()
    ]
    rows += [
        SettingRow(
            section="breaks",
            key=f.name,
            label=SETTING_LABELS[f.name],
            value=getattr(settings.break_policy, f.name),
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
            value=getattr(settings.objective_weights, f.name),
            default=getattr(default_weights, f.name),
            whole=False,
        )
        for f in dataclasses.fields(Weights)
    ]
    return rows


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


def settings_from_form(form: FormData, current: OrganisationPlanningSettings) -> dict[str, Any]:
    """The settings the form asks for, as the service stores them (only what differs from the
    default). An empty field keeps its default.

    Raises:
        FormError: a value that is not a number in range, or a name that is too long.
    """
    rules: dict[str, Any] = {}
    breaks: dict[str, int] = {}
    weights: dict[str, float] = {}
    for row in settings_rows(current):
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
