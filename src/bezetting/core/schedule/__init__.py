"""Schedule optimiser: problem (plain data) -> constraint builders -> solve -> result.

The problem values, the rule pack and the validator import no solver; the CP-SAT model lives
behind :func:`solve`.
"""

from bezetting.core.schedule.plan import Activity, ActivityKind, Schedule, Shift
from bezetting.core.schedule.problem import (
    Agent,
    BreakPolicy,
    Contract,
    DayOffWish,
    Demand,
    EmploymentType,
    FixedEvent,
    FreeShiftDesign,
    Horizon,
    Location,
    MaxDaysPerWeekWish,
    PreferredTimeWish,
    Problem,
    ShiftTemplate,
    Skill,
    SkillGroup,
    TimeWindow,
    UnwantedTimeWish,
    Weights,
    Wish,
    WorkPeriod,
)
from bezetting.core.schedule.rules import DUTCH_RULES, RulePack, RuleValue
from bezetting.core.schedule.validate import Rule, Violation, validate

__all__ = [
    "DUTCH_RULES",
    "Activity",
    "ActivityKind",
    "Agent",
    "BreakPolicy",
    "Contract",
    "DayOffWish",
    "Demand",
    "EmploymentType",
    "FixedEvent",
    "FreeShiftDesign",
    "Horizon",
    "Location",
    "MaxDaysPerWeekWish",
    "PreferredTimeWish",
    "Problem",
    "Rule",
    "RulePack",
    "RuleValue",
    "Schedule",
    "Shift",
    "ShiftTemplate",
    "Skill",
    "SkillGroup",
    "TimeWindow",
    "UnwantedTimeWish",
    "Violation",
    "Weights",
    "Wish",
    "WorkPeriod",
    "validate",
]
