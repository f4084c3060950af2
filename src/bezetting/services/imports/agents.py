"""Import agents with their contracts, teams and skills from CSV or Excel.

Columns: ``external_id`` (employee number, required), ``name`` (required), ``contract_hours``
(weekly target, required), ``contract_hours_min`` and ``contract_hours_max`` (default: the
target), ``team``, ``employment_type`` (permanent, temp, on_call; Dutch vast, tijdelijk,
uitzend, oproep also work), ``can_work_home``, ``can_work_office`` (yes/no, default yes),
``start_date``, ``end_date`` (the last day employed, inclusive; Dutch einddatum, uit dienst),
``agency_hours_elsewhere`` (weekly hours worked for other clients), ``skills``
(``billing:1.0; tax:1.3``, proficiency = handle-time factor, default 1.0).

An agent already stored (same employee number) is updated when a value differs and counts as
unchanged otherwise; teams and skills named for the first time are created. An end date before
the start date is rejected. A file without an ``end_date`` column leaves the stored end dates as
they are (the regular export of the staff list need not carry them); in a file with the column,
a blank cell clears the end date (the contract was extended).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bezetting.core.errors import RowError
from bezetting.services.imports._run import (
    Cells,
    ImportContext,
    ImportOptions,
    Outcome,
    ProgressCallback,
    run_import,
)
from bezetting.services.imports._table import Field
from bezetting.services.imports._values import parse_bool, parse_date, parse_enum, parse_float
from bezetting.services.imports.report import ImportReport
from bezetting.store import Session, SessionFactory, queries
from bezetting.store.enums import EmploymentType, ImportKind
from bezetting.store.models import Agent, Skill, Team

__all__ = ["AGENT_FIELDS", "import_agents"]

AGENT_FIELDS: tuple[Field, ...] = (
    Field(
        "external_id",
        required=True,
        aliases=("employee_id", "employee_number", "personeelsnummer", "agent_id", "agent", "id"),
    ),
    Field("name", required=True, aliases=("agent_name", "naam", "full_name")),
    Field("contract_hours", required=True, aliases=("contract_hours_target", "hours", "uren")),
    Field("contract_hours_min", aliases=("min_hours", "min_uren")),
    Field("contract_hours_max", aliases=("max_hours", "max_uren")),
    Field("team", aliases=("team_name",)),
    Field("employment_type", aliases=("contract_type", "dienstverband", "employment")),
    Field("can_work_home", aliases=("home", "thuiswerken", "works_from_home")),
    Field("can_work_office", aliases=("office", "kantoor")),
    Field("start_date", aliases=("started_on", "startdatum", "in_dienst")),
    Field(
        "end_date",
        aliases=("ended_on", "last_day", "leaving_date", "einddatum", "uit_dienst"),
    ),
    Field("agency_hours_elsewhere", aliases=("hours_elsewhere",)),
    Field("skills", aliases=("vaardigheden",)),
)

_EMPLOYMENT_ALIASES = {
    "vast": EmploymentType.PERMANENT,
    "tijdelijk": EmploymentType.TEMP,
    "uitzend": EmploymentType.TEMP,
    "agency": EmploymentType.TEMP,
    "oproep": EmploymentType.ON_CALL,
    "oproepkracht": EmploymentType.ON_CALL,
    "oncall": EmploymentType.ON_CALL,
}
_SKILL_SPLIT = re.compile(r"[;|]")


@dataclass(frozen=True)
class _AgentRow:
    line: int
    external_id: str
    name: str
    team: str | None
    employment_type: EmploymentType
    hours_min: float
    hours_target: float
    hours_max: float
    can_work_home: bool
    can_work_office: bool
    start_date: date | None
    end_date: date | None
    end_date_given: bool  # whether the file has the column: without it, the stored one stays
    agency_hours_elsewhere: float
    skills: dict[str, float]


def import_agents(
    sessions: SessionFactory,
    content: bytes,
    *,
    file_name: str,
    now: datetime,
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import or update agents; see the module docstring for the columns.

    Raises:
        InputError: the file cannot be read or lacks a required column.
    """
    return run_import(
        sessions,
        kind=ImportKind.AGENTS,
        content=content,
        file_name=file_name,
        fields=AGENT_FIELDS,
        options=options or ImportOptions(),
        now=now,
        handle_rows=_handle_rows,
        progress=progress,
    )


def _handle_rows(session: Session, context: ImportContext, rows: Sequence[Cells]) -> Outcome:
    outcome = Outcome()
    parsed: list[_AgentRow] = []
    first_line: dict[str, int] = {}
    for cells in rows:
        row = _parse(cells, outcome.errors)
        if row is None:
            continue
        if row.external_id in first_line:
            outcome.errors.append(
                RowError(
                    row.line,
                    "external_id",
                    f"duplicate: agent {row.external_id!r} is already on line "
                    f"{first_line[row.external_id]}",
                )
            )
            continue
        first_line[row.external_id] = row.line
        parsed.append(row)
    organisation_id = context.organisation.id
    agents = queries.agents_by_external_id(session, organisation_id)
    teams = queries.teams_by_name(session, organisation_id)
    skills = queries.skills_by_code(session, organisation_id)
    levels = queries.agent_skill_levels(session, (a.id for a in agents.values()))
    for row in parsed:
        agent = agents.get(row.external_id)
        if agent is not None and not _end_date_fits(row, agent, outcome.errors):
            continue
        team_id = _team_id(session, organisation_id, row.team, teams)
        wanted = {
            _skill_id(session, organisation_id, code, skills): level
            for code, level in row.skills.items()
        }
        values = {
            "name": row.name,
            "team_id": team_id,
            "employment_type": row.employment_type,
            "contract_hours_min": row.hours_min,
            "contract_hours_target": row.hours_target,
            "contract_hours_max": row.hours_max,
            "can_work_home": row.can_work_home,
            "can_work_office": row.can_work_office,
            "start_date": row.start_date,
            "agency_hours_elsewhere": row.agency_hours_elsewhere,
        }
        if row.end_date_given:
            values["end_date"] = row.end_date
        if agent is None:
            agent = Agent(organisation_id=organisation_id, external_id=row.external_id, **values)
            session.add(agent)
            session.flush()
            agents[row.external_id] = agent
            queries.replace_agent_skills(session, agent.id, wanted)
            outcome.accepted += 1
            continue
        changed = {k: v for k, v in values.items() if getattr(agent, k) != v}
        skills_changed = levels.get(agent.id, {}) != wanted
        if not changed and not skills_changed:
            outcome.unchanged += 1
            continue
        for key, value in changed.items():
            setattr(agent, key, value)
        if skills_changed:
            queries.replace_agent_skills(session, agent.id, wanted)
        outcome.accepted += 1
    session.flush()
    return outcome


def _end_date_fits(row: _AgentRow, agent: Agent, errors: list[RowError]) -> bool:
    """Whether the stored end date, which a file without the column keeps, is not before the
    row's start date (a row with both was checked when it was read)."""
    if row.end_date_given or row.start_date is None or agent.end_date is None:
        return True
    if agent.end_date >= row.start_date:
        return True
    errors.append(
        RowError(
            row.line,
            "start_date",
            f"{row.start_date.isoformat()} is after the agent's stored end date "
            f"{agent.end_date.isoformat()}; add an end_date column to change or clear it",
        )
    )
    return False


def _team_id(
    session: Session, organisation_id: int, name: str | None, teams: dict[str, Team]
) -> int | None:
    if name is None:
        return None
    team = teams.get(name)
    if team is None:
        team = Team(organisation_id=organisation_id, name=name)
        session.add(team)
        session.flush()
        teams[name] = team
    return team.id


def _skill_id(session: Session, organisation_id: int, code: str, skills: dict[str, Skill]) -> int:
    skill = skills.get(code)
    if skill is None:
        skill = Skill(organisation_id=organisation_id, code=code, name=code)
        session.add(skill)
        session.flush()
        skills[code] = skill
    return skill.id


def _parse(cells: Cells, errors: list[RowError]) -> _AgentRow | None:
    line = cells.line
    count = len(errors)

    def reject(column: str, reason: str) -> None:
        errors.append(RowError(line, column, reason))

    external_id = cells.get("external_id")
    if not external_id:
        reject("external_id", "is empty; give the employee number")
    elif len(external_id) > 64:
        reject("external_id", "is longer than 64 characters")
    name = cells.get("name")
    if not name:
        reject("name", "is empty")
    elif len(name) > 200:
        reject("name", "is longer than 200 characters")

    def hours(field_name: str, default: float | None, *, required: bool = False) -> float | None:
        text = cells.get(field_name)
        if not text:
            if required:
                reject(field_name, "is empty; give weekly contract hours, e.g. 32")
            return default
        try:
            value = parse_float(text, minimum=0.0)
        except ValueError as exc:
            reject(field_name, str(exc))
            return None
        if value > 60.0:
            reject(field_name, f"{value:g} hours a week is more than the legal maximum of 60")
            return None
        return value

    target = hours("contract_hours", None, required=True)
    low = hours("contract_hours_min", target)
    high = hours("contract_hours_max", target)
    if target is not None and low is not None and high is not None and not low <= target <= high:
        reject(
            "contract_hours",
            f"needs min <= target <= max, got {low:g} <= {target:g} <= {high:g}",
        )
    employment = EmploymentType.PERMANENT
    if cells.get("employment_type"):
        try:
            employment = parse_enum(
                cells.get("employment_type"), EmploymentType, aliases=_EMPLOYMENT_ALIASES
            )
        except ValueError as exc:
            reject("employment_type", str(exc))

    def flag(field_name: str) -> bool:
        if not cells.get(field_name):
            return True
        try:
            return parse_bool(cells.get(field_name))
        except ValueError as exc:
            reject(field_name, str(exc))
            return True

    home = flag("can_work_home")
    office = flag("can_work_office")
    if not home and not office:
        reject("can_work_office", "the agent can work neither at home nor at the office")
    start: date | None = None
    if cells.get("start_date"):
        try:
            start = parse_date(cells.get("start_date"))
        except ValueError as exc:
            reject("start_date", str(exc))
    end: date | None = None
    if cells.get("end_date"):
        try:
            end = parse_date(cells.get("end_date"))
        except ValueError as exc:
            reject("end_date", str(exc))
    if start is not None and end is not None and end < start:
        reject(
            "end_date",
            f"{end.isoformat()} is before the start date {start.isoformat()}; the end date is "
            "the last day employed, on or after the start date",
        )
    elsewhere = 0.0
    if cells.get("agency_hours_elsewhere"):
        try:
            elsewhere = parse_float(cells.get("agency_hours_elsewhere"), minimum=0.0)
        except ValueError as exc:
            reject("agency_hours_elsewhere", str(exc))
    skills = _parse_skills(cells.get("skills"), line, errors)
    team = cells.get("team") or None
    if team is not None and len(team) > 200:
        reject("team", "is longer than 200 characters")
    if len(errors) > count or target is None or low is None or high is None:
        return None
    return _AgentRow(
        line=line,
        external_id=external_id,
        name=name,
        team=team,
        employment_type=employment,
        hours_min=low,
        hours_target=target,
        hours_max=high,
        can_work_home=home,
        can_work_office=office,
        start_date=start,
        end_date=end,
        end_date_given=cells.has("end_date"),
        agency_hours_elsewhere=elsewhere,
        skills=skills,
    )


def _parse_skills(text: str, line: int, errors: list[RowError]) -> dict[str, float]:
    skills: dict[str, float] = {}
    for part in _SKILL_SPLIT.split(text):
        if not part.strip():
            continue
        code, _, level_text = part.partition(":")
        code = code.strip()
        if not code or len(code) > 64:
            errors.append(RowError(line, "skills", f"{part.strip()!r} has no valid skill code"))
            continue
        level = 1.0
        if level_text.strip():
            try:
                level = parse_float(level_text)
            except ValueError as exc:
                errors.append(RowError(line, "skills", f"{code}: {exc}"))
                continue
            if not 0.2 <= level <= 5.0:
                errors.append(
                    RowError(
                        line,
                        "skills",
                        f"{code}: proficiency {level:g} is a handle-time factor from 0.2 to 5 "
                        "(1 = normal, 1.4 = 40% slower)",
                    )
                )
                continue
        if code in skills:
            errors.append(RowError(line, "skills", f"{code} is listed twice"))
            continue
        skills[code] = level
    return skills
