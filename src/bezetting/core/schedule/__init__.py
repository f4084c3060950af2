"""Schedule optimiser: problem (plain data) -> constraint builders -> solve -> result.

The problem values, the rule pack and the validator import no solver; the CP-SAT model lives
behind :func:`solve`.
"""

from bezetting.core.schedule.explain import coverage_of, fairness_of, penalties_of, wishes_of
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
from bezetting.core.schedule.result import (
    Coverage,
    FairnessShare,
    Penalty,
    Progress,
    ScheduleResult,
    SolveStatus,
    WishOutcome,
)
from bezetting.core.schedule.rules import DUTCH_RULES, RulePack, RuleValue
from bezetting.core.schedule.simulation import simulated_agents
from bezetting.core.schedule.solve import Decomposition, SolveParameters, apply_parameters, solve
from bezetting.core.schedule.validate import Rule, Violation, validate

__all__ = [
    "DUTCH_RULES",
    "Activity",
    "ActivityKind",
    "Agent",
    "BreakPolicy",
    "Contract",
    "Coverage",
    "DayOffWish",
    "Decomposition",
    "Demand",
    "EmploymentType",
    "FairnessShare",
    "FixedEvent",
    "FreeShiftDesign",
    "Horizon",
    "Location",
    "MaxDaysPerWeekWish",
    "Penalty",
    "PreferredTimeWish",
    "Problem",
    "Progress",
    "Rule",
    "RulePack",
    "RuleValue",
    "Schedule",
    "ScheduleResult",
    "Shift",
    "ShiftTemplate",
    "Skill",
    "SkillGroup",
    "SolveParameters",
    "SolveStatus",
    "TimeWindow",
    "UnwantedTimeWish",
    "Violation",
    "Weights",
    "Wish",
    "WishOutcome",
    "WorkPeriod",
    "apply_parameters",
    "coverage_of",
    "fairness_of",
    "penalties_of",
    "simulated_agents",
    "solve",
    "validate",
    "wishes_of",
]
