"""Importing agents (contracts, teams, skills) and their availability windows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bezetting.core.errors import InputError
from bezetting.services.imports import ImportOptions, import_agents, import_availability
from bezetting.services.organisations import OrganisationRef
from bezetting.store import SessionFactory
from bezetting.store.enums import AvailabilityKind, EmploymentType
from bezetting.store.models import Agent, AgentSkill, Availability, Skill, Team
from tests.services.conftest import NOW

AGENTS = (
    "Personeelsnummer;Naam;Uren;Min uren;Max uren;Team;Dienstverband;Thuiswerken;Startdatum;"
    "Skills\n"
    "1001;Anouk de Vries;32;24;36;Team Noord;vast;ja;01-02-2019;general:1.0|chat:1.3\n"
    "1002;Bram Jansen;24;;;Team Zuid;oproep;nee;2020-03-02;general\n"
)


def agents_of(sessions: SessionFactory) -> dict[str, Agent]:
    with sessions() as session:
        return {a.external_id: a for a in session.scalars(select(Agent))}


def skills_of(sessions: SessionFactory, external_id: str) -> dict[str, float]:
    with sessions() as session:
        rows = session.execute(
            select(Skill.code, AgentSkill.proficiency)
            .join(AgentSkill, AgentSkill.skill_id == Skill.id)
            .join(Agent, Agent.id == AgentSkill.agent_id)
            .where(Agent.external_id == external_id)
        )
        return dict(rows.all())


def test_agents_with_dutch_headers_teams_and_skills(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    report = import_agents(sessions, AGENTS.encode(), file_name="agents.csv", now=NOW)
    assert (report.accepted, report.unchanged, report.rejected) == (2, 0, ())
    agents = agents_of(sessions)
    anouk, bram = agents["1001"], agents["1002"]
    assert (anouk.contract_hours_min, anouk.contract_hours_target, anouk.contract_hours_max) == (
        24.0,
        32.0,
        36.0,
    )
    assert anouk.employment_type is EmploymentType.PERMANENT
    assert anouk.start_date == date(2019, 2, 1)
    assert (bram.contract_hours_min, bram.contract_hours_max) == (24.0, 24.0)
    assert bram.employment_type is EmploymentType.ON_CALL
    assert (bram.can_work_home, bram.can_work_office) == (False, True)
    assert skills_of(sessions, "1001") == {"general": 1.0, "chat": 1.3}
    with sessions() as session:
        assert sorted(session.scalars(select(Team.name))) == ["Team Noord", "Team Zuid"]


def test_reimporting_agents_updates_only_what_changed(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    import_agents(sessions, AGENTS.encode(), file_name="agents.csv", now=NOW)
    assert import_agents(
        sessions, AGENTS.encode(), file_name="agents.csv", now=NOW
    ).already_imported
    edited = AGENTS.replace("general:1.0|chat:1.3", "general:1.0|chat:1.1") + "\n"
    report = import_agents(sessions, edited.encode(), file_name="agents-2.csv", now=NOW)
    assert (report.accepted, report.unchanged) == (1, 1)
    assert skills_of(sessions, "1001") == {"general": 1.0, "chat": 1.1}


def test_bad_agent_rows_are_reported(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    text = (
        "external_id,name,contract_hours,contract_hours_min,employment_type,skills\n"
        "1,Ann,32,36,permanent,\n"  # min above target
        "2,Bob,70,,permanent,\n"  # above the legal weekly maximum
        "3,Cas,20,,freelance,\n"  # unknown employment type
        "4,Dio,20,,temp,general:9\n"  # proficiency out of range
        "5,,20,,temp,\n"  # no name
        "6,Eva,20,,temp,\n"
        "6,Eva,20,,temp,\n"  # duplicate
    )
    report = import_agents(sessions, text.encode(), file_name="agents.csv", now=NOW)
    assert [(e.line, e.column) for e in report.rejected] == [
        (2, "contract_hours"),
        (3, "contract_hours"),
        (4, "employment_type"),
        (5, "skills"),
        (6, "name"),
        (8, "external_id"),
    ]
    unknown = next(e for e in report.rejected if e.column == "employment_type")
    assert "'freelance' is not one of permanent, temp, on_call" in unknown.reason
    assert "oproepkracht" in unknown.reason, "the Dutch words the file may use are named too"
    assert list(agents_of(sessions)) == ["6"]


LEAVERS = (
    "Personeelsnummer;Naam;Uren;Startdatum;Uit dienst\n"
    "1001;Anouk de Vries;32;01-02-2019;31-03-2020\n"
    "1002;Bram Jansen;24;2020-03-02;\n"
)


def test_the_last_day_employed_is_read_with_the_start_date_rule(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    report = import_agents(sessions, LEAVERS.encode(), file_name="leavers.csv", now=NOW)
    assert (report.accepted, report.rejected) == (2, ())
    agents = agents_of(sessions)
    assert agents["1001"].end_date == date(2020, 3, 31)
    assert agents["1002"].end_date is None


def test_an_end_date_before_the_start_date_is_rejected_naming_row_field_and_reason(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    text = (
        "external_id,name,contract_hours,start_date,einddatum\n"
        "1,Ann,32,2020-03-16,2020-03-15\n"  # leaves the day before starting
        "2,Bob,32,2020-03-16,2020-03-16\n"  # one day employed: fine
        "3,Cas,32,2020-03-16,31-02-2020\n"  # no such day
    )
    report = import_agents(sessions, text.encode(), file_name="agents.csv", now=NOW)
    assert [(e.line, e.column) for e in report.rejected] == [(2, "end_date"), (4, "end_date")]
    assert report.rejected[0].reason.startswith("2020-03-15 is before the start date 2020-03-16")
    assert {k: a.end_date for k, a in agents_of(sessions).items()} == {"2": date(2020, 3, 16)}


def test_a_staff_list_without_the_column_keeps_the_end_dates_a_blank_cell_clears_one(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    import_agents(sessions, LEAVERS.encode(), file_name="leavers.csv", now=NOW)
    report = import_agents(sessions, AGENTS.encode(), file_name="agents.csv", now=NOW)
    assert report.rejected == ()
    assert agents_of(sessions)["1001"].end_date == date(2020, 3, 31), "recorded once, kept"
    extended = LEAVERS.replace("31-03-2020", "")
    import_agents(sessions, extended.encode(), file_name="extended.csv", now=NOW)
    assert agents_of(sessions)["1001"].end_date is None


def test_a_start_date_after_the_stored_end_date_is_rejected(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    import_agents(sessions, LEAVERS.encode(), file_name="leavers.csv", now=NOW)
    later = "external_id,name,contract_hours,start_date\n1001,Anouk de Vries,32,2020-04-01\n"
    report = import_agents(sessions, later.encode(), file_name="later.csv", now=NOW)
    assert [(e.line, e.column) for e in report.rejected] == [(2, "start_date")]
    assert "stored end date 2020-03-31" in report.rejected[0].reason
    assert agents_of(sessions)["1001"].start_date == date(2019, 2, 1)


AVAILABILITY = (
    "agent,date,start,end,kind\n"
    "1001,2020-03-16,08:00,12:30,beschikbaar\n"
    "1001,2020-03-16,22:00,06:00,available\n"  # overnight
    "1002,2020-03-28,18:00,24:00,unavailable\n"  # until midnight, day before DST
)


def test_availability_windows_are_stored_in_utc(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    import_agents(sessions, AGENTS.encode(), file_name="agents.csv", now=NOW)
    report = import_availability(sessions, AVAILABILITY.encode(), file_name="av.csv", now=NOW)
    assert (report.accepted, report.rejected) == (3, ())
    with sessions() as session:
        windows = [
            (w.starts_at, w.ends_at, w.kind)
            for w in session.scalars(select(Availability).order_by(Availability.starts_at))
        ]
    assert windows == [
        (
            datetime(2020, 3, 16, 7, 0, tzinfo=UTC),
            datetime(2020, 3, 16, 11, 30, tzinfo=UTC),
            AvailabilityKind.AVAILABLE,
        ),
        (
            datetime(2020, 3, 16, 21, 0, tzinfo=UTC),
            datetime(2020, 3, 17, 5, 0, tzinfo=UTC),
            AvailabilityKind.AVAILABLE,
        ),
        (
            datetime(2020, 3, 28, 17, 0, tzinfo=UTC),
            datetime(2020, 3, 28, 23, 0, tzinfo=UTC),
            AvailabilityKind.UNAVAILABLE,
        ),
    ]
    again = import_availability(
        sessions, (AVAILABILITY + "\n").encode(), file_name="av2.csv", now=NOW
    )
    assert (again.accepted, again.unchanged) == (0, 3)


def test_bad_availability_rows_are_reported(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    import_agents(sessions, AGENTS.encode(), file_name="agents.csv", now=NOW)
    text = (
        "agent,date,start,end\n"
        "9999,2020-03-16,08:00,12:00\n"  # unknown agent
        "1001,2020-02-30,08:00,12:00\n"  # no such date
        "1001,2020-03-16,8h,12:00\n"  # not a time
        "1001,2020-03-29,02:15,05:00\n"  # 02:15 skipped in Amsterdam that night
        "1001,2020-10-25,02:30,05:00\n"  # 02:30 happens twice that night
    )
    report = import_availability(sessions, text.encode(), file_name="av.csv", now=NOW)
    assert [(e.line, e.column) for e in report.rejected] == [
        (2, "agent"),
        (3, "date"),
        (4, "start"),
        (5, "start"),
        (6, "start"),
    ]
    assert "happens twice" in report.rejected[-1].reason


def test_a_file_for_an_unknown_organisation_is_refused(
    sessions: SessionFactory, organisation: OrganisationRef
) -> None:
    with pytest.raises(InputError, match="no organisation 'elsewhere'; known: gemeente"):
        import_agents(
            sessions,
            AGENTS.encode(),
            file_name="agents.csv",
            now=NOW,
            options=ImportOptions(organisation="elsewhere"),
        )
