"""Why a swap was refused, in plain language: one line per broken labour rule.

The services name each broken rule by its machine code with the measured figure and the limit
(:class:`bezetting.services.swaps.SwapViolation`); a person wants "Too little rest between
shifts: 7 h, at least 8 h". The rule titles are English source texts, translated where they are
shown (``_(breach.title)`` in ``_labels.html``), so the Dutch catalogue holds them too.

An agent's refusal holds only their own rules; of the colleague it says one neutral sentence
(:data:`COLLEAGUE_TITLE`), never a name, a figure or a reason. Lines that would read the same
(a missing skill in each block of work) are shown once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bezetting.core.schedule import Rule
from bezetting.services.swaps import EMPLOYMENT_ENDED, SwapRefusedError
from bezetting.web.i18n import _n

__all__ = ["COLLEAGUE_TITLE", "RULE_TITLES", "RuleBreach", "breaches_of"]

RULE_TITLES: dict[str, str] = {
    Rule.SHIFT_MAX_WORK: _n("Too much work in one shift"),
    Rule.WEEK_MAX_WORK: _n("Too much work in one week"),
    Rule.AVG_4_WEEKS: _n("Too much work on average over 4 weeks"),
    Rule.AVG_16_WEEKS: _n("Too much work on average over 16 weeks"),
    Rule.DAILY_REST: _n("Too little rest between shifts"),
    Rule.SHORTENED_REST_TOO_OFTEN: _n("Shortened rest too often in 7 days"),
    Rule.WEEKLY_REST: _n("Too little weekly rest"),
    Rule.BREAK_TOO_SHORT: _n("Break too short"),
    Rule.BREAK_PART_TOO_SHORT: _n("Part of a break too short"),
    Rule.BREAK_AT_EDGE: _n("Break too close to the start or end of the shift"),
    Rule.NIGHT_SHIFT_MAX_WORK: _n("Night shift too long"),
    Rule.REST_AFTER_LATE_NIGHT: _n("Too little rest after a night shift"),
    Rule.REST_AFTER_NIGHT_SERIES: _n("Too little rest after a series of night shifts"),
    Rule.SHIFTS_IN_NIGHT_SERIES: _n("Too many night shifts in a row"),
    Rule.NIGHT_SHIFTS_PER_16_WEEKS: _n("Too many night shifts in 16 weeks"),
    Rule.FREE_SUNDAYS: _n("Too few free Sundays in 52 weeks"),
    Rule.CONTRACT_MIN: _n("Fewer hours than the contract"),
    Rule.CONTRACT_MAX: _n("More hours than the contract allows"),
    Rule.UNAVAILABLE: _n("Not available then (time off or unavailability)"),
    Rule.OVERLAP: _n("Overlaps another shift"),
    Rule.EVENT_NOT_COVERED: _n("A planned meeting or training is not covered"),
    Rule.SKILL: _n("A skill the shift needs is missing"),
    Rule.CLOSED: _n("Work outside the queue's opening hours"),
    Rule.STRUCTURE: _n("The shift's activities do not fit together"),
    Rule.UNKNOWN_AGENT: _n("Unknown agent"),
    EMPLOYMENT_ENDED: _n("After the last working day (employment ends)"),
}
"""Every rule the validator checks, by code, and the swap's own end-date rule; a test keeps
this complete."""

COLLEAGUE_TITLE = _n("Your colleague cannot take this swap.")
"""The page's words for :data:`bezetting.services.swaps.COLLEAGUE_CANNOT_TAKE`."""

_WITHOUT_FIGURES = frozenset(
    {
        Rule.UNAVAILABLE,
        Rule.OVERLAP,
        Rule.EVENT_NOT_COVERED,
        Rule.SKILL,
        Rule.CLOSED,
        Rule.STRUCTURE,
        Rule.UNKNOWN_AGENT,
        EMPLOYMENT_ENDED,
    }
)
"""Rules whose measured value and limit say nothing to a person (a yes/no rule)."""


@dataclass(frozen=True, kw_only=True)
class RuleBreach:
    """One broken rule as the page shows it.

    ``title`` is the English text (translated in the template); ``measured`` and ``limit``
    are None for yes/no rules; ``at_least`` says whether the limit is a minimum; ``skill`` names
    a missing skill. The colleague's line of an agent's refusal has no ``agent_id`` or
    ``agent``, only its ``title``.
    """

    agent_id: int | None
    agent: str
    title: str
    measured: float | None
    limit: float | None
    unit: str
    at_least: bool
    skill: str | None = None


def breaches_of(error: SwapRefusedError) -> list[RuleBreach]:
    """The refusal's violations in the order the service gave them, each line once, then the
    colleague's sentence when the refusal has one."""
    result: list[RuleBreach] = []
    for violation in error.violations:
        figures = violation.rule not in _WITHOUT_FIGURES
        breach = RuleBreach(
            agent_id=violation.agent_id,
            agent=violation.agent,
            title=RULE_TITLES.get(violation.rule, violation.rule),
            measured=violation.measured if figures else None,
            limit=violation.limit if figures else None,
            unit=violation.unit,
            at_least=violation.measured < violation.limit,
            skill=violation.skill_name,
        )
        if breach not in result:
            result.append(breach)
    if error.colleague_cannot_take:
        result.append(
            RuleBreach(
                agent_id=None,
                agent="",
                title=COLLEAGUE_TITLE,
                measured=None,
                limit=None,
                unit="",
                at_least=False,
            )
        )
    return result
