"""An organisation's planning settings: where a collective agreement (CAO) departs from the law.

Three sections, each exactly a problem file's key (``docs/schedule.md``):

* ``rules``: overrides of the Dutch rule pack (``{min_daily_rest_minutes: 600}``), with an
  optional ``name`` for the pack (``CAO Contactcentra 2026``);
* ``breaks``: the break policy (``part_minutes``, ``earliest_after_start_minutes``,
  ``latest_before_end_minutes``); absent keys keep the core's defaults, as in a problem file;
* ``weights``: objective weights (``under_coverage_per_slot``, ...).

An empty section is the default: :data:`~bezetting.core.schedule.rules.DUTCH_RULES`,
:data:`PLANNING_BREAKS`, the default :class:`~bezetting.core.schedule.Weights`. Settings are
checked as a whole with the core's own readers before anything is written, and replaced as a
whole, so a bad file leaves the stored settings as they were.

Planning on the database (:func:`effective_sections`) takes, for a rule or a weight, the
caller's value (``bezetting plan schedule --settings``) over the stored one over the default;
a break policy given by the caller replaces the stored policy whole (its three values go
together). Example::

    set_planning_settings(sessions, organisation_id=o, now=now,
                          settings={"rules": {"min_daily_rest_minutes": 720}})
    planning_settings(sessions, organisation_id=o).rules.min_daily_rest_minutes   # 720

Stored settings that no longer parse (an upgrade renamed or tightened a rule, a row edited by
hand) are never read as the defaults: every reader raises :class:`UnreadableSettingsError`,
which carries the parser's reason and what is stored, so planning refuses and a page can show
what to correct. Storing new settings (or ``{}``) is what repairs them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from bezetting.core.errors import BadFieldsError, BezettingError, InputError
from bezetting.core.schedule import BreakPolicy, RulePack, Weights
from bezetting.core.schedule.files import break_policy, problem_from_mapping
from bezetting.core.schedule.rules import DUTCH_RULES, less_protective
from bezetting.services.errors import PermissionDeniedError
from bezetting.services.users import Principal
from bezetting.store import Session, SessionFactory, transaction
from bezetting.store.enums import Role
from bezetting.store.models import Organisation, PlanningSettings, User

__all__ = [
    "PLANNING_BREAKS",
    "SECTIONS",
    "SETTINGS_ROLES",
    "OrganisationPlanningSettings",
    "PlanningSections",
    "SettingChange",
    "UnreadableSettingsError",
    "effective_sections",
    "in_effect",
    "parse_planning_settings",
    "planning_settings",
    "read_planning_settings",
    "same_in_effect",
    "set_planning_settings",
]

PLANNING_BREAKS: Mapping[str, int] = MappingProxyType(
    {"part_minutes": 30, "earliest_after_start_minutes": 150, "latest_before_end_minutes": 150}
)
"""The house break policy of planning on the database when neither the caller nor the stored
settings give one: the law's 30 minutes as one lunch, not in the first or last 2.5 hours of a
shift (so a 9-hour shift has at most 6 hours of work in a row). The core's default allows
15-minute parts anywhere from 90 minutes after the start, which on the demo split lunches into
two quarters a quarter apart."""

SECTIONS = ("rules", "breaks", "weights")
"""The keys of planning settings (and of a problem file) that an organisation stores."""

SETTINGS_ROLES = frozenset({Role.PLANNER, Role.ADMIN})
"""Who may change an organisation's planning settings."""

_MAX_RULE = 100_000  # minutes (about ten weeks) or counts: above any rule of 52 weeks
_MAX_WEIGHT = 100_000.0  # the solver scales weights to integers; far above any sensible cost
_MAX_NAME = 200
_CHECK_DAY = date(2020, 1, 6)  # any day: the check builds a one-day problem without agents


@dataclass(frozen=True, kw_only=True)
class SettingChange:
    """One value that differs from its default, for a person to review.

    Attributes:
        section: ``rules``, ``breaks`` or ``weights``.
        name: the key, as in a problem file.
        value, default: the value in force and the default it replaces.
        source: where the default comes from (the law's article for a rule; empty otherwise).
        less_protective: a rule whose value protects the worker less than the law does.
    """

    section: str
    name: str
    value: float
    default: float
    source: str
    less_protective: bool = False


@dataclass(frozen=True, kw_only=True)
class PlanningSections:
    """The three sections as a problem file writes them: stored or parsed ones (empty: the
    default), or what planning reads (:func:`effective_sections`, defaults filled in)."""

    rules: Mapping[str, Any]
    breaks: Mapping[str, int]
    weights: Mapping[str, float]

    def as_mapping(self) -> dict[str, dict[str, Any]]:
        """The three sections as plain dicts (for a JSON column or a problem file)."""
        return {
            "rules": dict(self.rules),
            "breaks": dict(self.breaks),
            "weights": dict(self.weights),
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PlanningSections:
        """The sections :meth:`as_mapping` wrote (a missing one is empty)."""
        return cls(
            rules=dict(data.get("rules") or {}),
            breaks=dict(data.get("breaks") or {}),
            weights=dict(data.get("weights") or {}),
        )


@dataclass(frozen=True, kw_only=True)
class OrganisationPlanningSettings:
    """An organisation's stored settings and the values in force because of them.

    Attributes:
        rules, breaks, weights: the sections as stored (empty: the default).
        rule_pack, break_policy, objective_weights: what planning and the swap check use.
        updated_at, updated_by: when and by whom (a user's e-mail; None from the command
            line, or never set).
    """

    rules: Mapping[str, Any]
    breaks: Mapping[str, int]
    weights: Mapping[str, float]
    rule_pack: RulePack
    break_policy: BreakPolicy
    objective_weights: Weights
    updated_at: datetime | None
    updated_by: str | None

    @property
    def is_default(self) -> bool:
        """True when nothing is stored: the law, the planning break policy, default weights."""
        return not (self.rules or self.breaks or self.weights)

    def as_mapping(self) -> dict[str, dict[str, Any]]:
        """The stored sections that are not empty, as a problem file writes them."""
        return {
            name: dict(section)
            for name, section in (
                ("rules", self.rules),
                ("breaks", self.breaks),
                ("weights", self.weights),
            )
            if section
        }

    def changes(self) -> tuple[SettingChange, ...]:
        """Every value in force that differs from its default, rules first."""
        below_law = {v.name for v in less_protective(self.rule_pack)}
        out = [
            SettingChange(
                section="rules",
                name=value.name,
                value=value.value,
                default=getattr(DUTCH_RULES, value.name),
                source=value.source,
                less_protective=value.name in below_law,
            )
            for value in self.rule_pack.values()
            if value.value != getattr(DUTCH_RULES, value.name)
        ]
        default_breaks = BreakPolicy(**PLANNING_BREAKS)
        out += [
            SettingChange(
                section="breaks",
                name=f.name,
                value=getattr(self.break_policy, f.name),
                default=getattr(default_breaks, f.name),
                source="",
            )
            for f in dataclasses.fields(BreakPolicy)
            if getattr(self.break_policy, f.name) != getattr(default_breaks, f.name)
        ]
        default_weights = Weights()
        out += [
            SettingChange(
                section="weights",
                name=f.name,
                value=getattr(self.objective_weights, f.name),
                default=getattr(default_weights, f.name),
                source="",
            )
            for f in dataclasses.fields(Weights)
            if getattr(self.objective_weights, f.name) != getattr(default_weights, f.name)
        ]
        return tuple(out)


class UnreadableSettingsError(BezettingError):
    """The stored planning settings no longer parse, so nothing may plan or check by them
    (planning by the defaults instead would break the organisation's agreement unseen).

    Attributes:
        reason: the parser's message, naming the key and what is wrong.
        stored: the sections as stored (any JSON, since the row may have been edited by hand),
            empty ones left out: the text to correct.
        updated_at, updated_by: when and by whom they were stored (as in
            :class:`OrganisationPlanningSettings`).
    """

    code = "unreadable_planning_settings"

    def __init__(
        self,
        reason: str,
        *,
        stored: Mapping[str, Any],
        updated_at: datetime | None,
        updated_by: str | None,
    ) -> None:
        self.reason = reason
        self.stored = MappingProxyType(dict(stored))
        self.updated_at = updated_at
        self.updated_by = updated_by
        super().__init__(
            f"the stored planning settings no longer parse: {reason}; store corrected settings "
            "or clear them"
        )


def _section(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(f"{key} must be a mapping of names to values, got {value!r}")
    strange = [k for k in value if not isinstance(k, str)]
    if strange:
        raise InputError(f"{key}: every key must be a name, got {strange[0]!r}")
    return dict(value)


def _rules(raw: dict[str, Any]) -> dict[str, Any]:
    name = raw.get("name")
    if "name" in raw and (
        not isinstance(name, str) or not name.strip() or len(name.strip()) > _MAX_NAME
    ):
        raise InputError(f"rules: name must be a text of 1 to {_MAX_NAME} characters, got {name!r}")
    values = {k: v for k, v in raw.items() if k != "name"}
    for key, value in values.items():
        if isinstance(value, int) and not isinstance(value, bool) and value > _MAX_RULE:
            raise InputError(f"rules: {key} must be at most {_MAX_RULE}, got {value}")
    try:
        DUTCH_RULES.with_overrides(**values)
    except InputError as exc:
        raise InputError(f"rules: {exc}") from None
    return {**({"name": name.strip()} if isinstance(name, str) else {}), **values}


def _weights(raw: dict[str, Any]) -> dict[str, float]:
    known = [f.name for f in dataclasses.fields(Weights)]
    unknown = sorted(k for k in raw if k not in known)
    if unknown:
        raise InputError(f"weights: unknown key(s) {', '.join(unknown)}; known: {', '.join(known)}")
    out: dict[str, float] = {}
    for key, value in raw.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 <= value <= _MAX_WEIGHT
        ):
            raise InputError(
                f"weights: {key} must be a number from 0 to {_MAX_WEIGHT:.0f}, got {value!r}"
            )
        out[key] = float(value)
    return out


def parse_planning_settings(data: Any) -> PlanningSections:
    """Check planning settings as a whole and return their sections (empty: the default).

    Uses the core's readers (the rule pack's overrides, the problem file's break policy, and
    a one-day problem for what only holds together, such as a break part no shorter than the
    rule pack's shortest part).

    Raises:
        InputError: naming the key and what is wrong (an unknown key lists the known ones).
    """
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InputError(f"planning settings must be a mapping with the keys {', '.join(SECTIONS)}")
    unknown = sorted(str(k) for k in data if k not in SECTIONS)
    if unknown:
        hint = (
            " (shift shapes are not stored: give them to 'bezetting plan schedule --settings')"
            if "shifts" in unknown
            else ""
        )
        raise InputError(
            f"planning settings: unknown key(s) {', '.join(unknown)}; known: "
            f"{', '.join(SECTIONS)}{hint}"
        )
    rules = _rules(_section(data, "rules"))
    weights = _weights(_section(data, "weights"))
    breaks = _section(data, "breaks")
    for key, value in breaks.items():
        if isinstance(value, int | float) and value > _MAX_RULE:
            raise InputError(f"breaks: {key} must be at most {_MAX_RULE}, got {value}")
    break_policy(breaks or None)
    try:
        problem_from_mapping(
            {
                "horizon": {"first_day": _CHECK_DAY, "days": 1},
                "rules": rules,
                "weights": weights,
                "breaks": breaks or dict(PLANNING_BREAKS),
            }
        )
    except BadFieldsError as exc:
        # Each section was read above: what is left holds between sections, said as the
        # settings' own message (no problem file here).
        raise InputError("; ".join(str(field) for field in exc.fields)) from None
    return PlanningSections(rules=rules, breaks=breaks, weights=weights)


def effective_sections(
    stored: OrganisationPlanningSettings,
    *,
    rules: Mapping[str, Any] | None = None,
    weights: Mapping[str, Any] | None = None,
    breaks: Mapping[str, Any] | None = None,
) -> PlanningSections:
    """The sections planning reads: a caller's rule or weight over the stored one over the
    default; a caller's break policy instead of the stored one, which is instead of
    :data:`PLANNING_BREAKS`."""
    if breaks is not None:
        chosen_breaks: Mapping[str, Any] = breaks
    elif stored.breaks:
        chosen_breaks = stored.breaks
    else:
        chosen_breaks = PLANNING_BREAKS
    return PlanningSections(
        rules={**stored.rules, **(rules or {})},
        breaks=dict(chosen_breaks),
        weights={**stored.weights, **(weights or {})},
    )


def read_planning_settings(session: Session, organisation_id: int) -> OrganisationPlanningSettings:
    """:func:`planning_settings` inside the caller's transaction."""
    if session.get(Organisation, organisation_id) is None:
        raise InputError(f"no organisation with id {organisation_id}")
    row = session.get(PlanningSettings, organisation_id)
    if row is None:
        return _settings(
            PlanningSections(rules={}, breaks={}, weights={}), updated_at=None, updated_by=None
        )
    who = None
    if row.updated_by_user_id is not None:
        user = session.get(User, row.updated_by_user_id)
        who = user.email if user is not None else None
    stored = {"rules": row.rules, "breaks": row.breaks, "weights": row.weights}
    try:
        parsed = parse_planning_settings(stored)
    except InputError as exc:
        raise UnreadableSettingsError(
            str(exc),
            stored={k: v for k, v in stored.items() if v is not None and v != {}},
            updated_at=row.updated_at,
            updated_by=who,
        ) from None
    return _settings(parsed, updated_at=row.updated_at, updated_by=who)


def _settings(
    stored: PlanningSections, *, updated_at: datetime | None, updated_by: str | None
) -> OrganisationPlanningSettings:
    rules = dict(stored.rules)
    name = rules.pop("name", None)
    pack = DUTCH_RULES.with_overrides(name=name, **rules) if (rules or name) else DUTCH_RULES
    return OrganisationPlanningSettings(
        rules=MappingProxyType(dict(stored.rules)),
        breaks=MappingProxyType(dict(stored.breaks)),
        weights=MappingProxyType(dict(stored.weights)),
        rule_pack=pack,
        break_policy=break_policy(dict(stored.breaks or PLANNING_BREAKS)),
        objective_weights=Weights(**stored.weights),
        updated_at=updated_at,
        updated_by=updated_by,
    )


def in_effect(sections: PlanningSections) -> tuple[RulePack, BreakPolicy, Weights] | None:
    """What ``sections`` plan and check by, defaults filled in: the rule values (the pack's
    name left out: a renamed agreement with the same values checks the same), the break
    policy and the weights; None when they no longer parse (a rule renamed since)."""
    try:
        resolved = _settings(
            parse_planning_settings(sections.as_mapping()), updated_at=None, updated_by=None
        )
    except InputError:
        return None
    rule_values = dataclasses.replace(resolved.rule_pack, name="")
    return rule_values, resolved.break_policy, resolved.objective_weights


def same_in_effect(first: PlanningSections, second: PlanningSections) -> bool:
    """Whether two sets of sections plan and check alike (:func:`in_effect`): a rule written
    out at the law's own value is the same as none. Sections that no longer parse, or that the
    settings' reader refuses (a weight written as the text ``"30"``), count as different."""
    effect = in_effect(first)
    return effect is not None and effect == in_effect(second)


def planning_settings(
    sessions: SessionFactory, *, organisation_id: int
) -> OrganisationPlanningSettings:
    """The organisation's planning settings (every default when none are stored).

    Raises:
        InputError: no such organisation.
        UnreadableSettingsError: the stored settings no longer parse.
    """
    with transaction(sessions) as session:
        return read_planning_settings(session, organisation_id)


def set_planning_settings(
    sessions: SessionFactory,
    *,
    organisation_id: int,
    settings: Any,
    now: datetime,
    by: Principal | None = None,
) -> OrganisationPlanningSettings:
    """Replace the organisation's planning settings with ``settings`` (a mapping with the
    keys ``rules``, ``breaks``, ``weights``; absent or empty: the default). ``{}`` goes back
    to every default.

    Args:
        by: the signed-in user making the change, who must be a planner or an admin of the
            organisation; None from the command line (whoever can reach the database).

    Raises:
        PermissionDeniedError: ``by`` is not a planner or admin of this organisation.
        InputError: a bad key or value (named, with what is valid); nothing is written.
    """
    if by is not None and (by.role not in SETTINGS_ROLES or by.organisation_id != organisation_id):
        raise PermissionDeniedError("only a planner or an admin changes the planning settings")
    parsed = parse_planning_settings(settings)
    with transaction(sessions, writes=True) as session:
        if session.get(Organisation, organisation_id) is None:
            raise InputError(f"no organisation with id {organisation_id}")
        row = session.get(PlanningSettings, organisation_id)
        if row is None:
            row = PlanningSettings(organisation_id=organisation_id)
            session.add(row)
        row.rules = dict(parsed.rules)
        row.breaks = dict(parsed.breaks)
        row.weights = dict(parsed.weights)
        row.updated_at = now
        row.updated_by_user_id = by.user_id if by is not None else None
        session.flush()
        return read_planning_settings(session, organisation_id)
