"""Planning use cases on the database: history -> forecast -> requirements -> schedule."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from bezetting.core.errors import InputError
from bezetting.core.queueing import (
    QueueModel,
    ServiceTarget,
    backlog_staffing,
    chat_required_agents,
    offered_load,
    required_agents,
)
from bezetting.core.schedule import BreakPolicy, DayOffWish, Rule
from bezetting.services.imports import import_availability
from bezetting.services.organisations import QueueSpec, create_queue
from bezetting.services.planning import (
    build_schedule,
    check_schedule,
    compute_requirements,
    planning_problem,
    run_forecast,
    validate_schedule,
)
from bezetting.services.schedule_problem import (
    PLANNING_BREAKS,
    leave_days_per_week,
    minimum_when_not_employed,
    paid_leave_hours,
)
from bezetting.services.schedules import ActivityPlan, ShiftPlan, create_schedule, publish_schedule
from bezetting.store import SessionFactory
from bezetting.store.enums import (
    AbsenceKind,
    ActivityKind,
    Channel,
    PreferenceKind,
    RequestKind,
    RequestStatus,
    ScheduleStatus,
)
from bezetting.store.models import (
    Absence,
    Agent,
    AgentPreference,
    Forecast,
    ForecastInterval,
    Request,
    Requirement,
    RequirementInterval,
    Shift,
)
from tests.services.planning_world import (
    AMSTERDAM,
    FIRST_DAY,
    HISTORY_FIRST_DAY,
    NOW,
    build_world,
    draft_by_hand,
    pattern,
)


@pytest.fixture
def world(sessions: SessionFactory) -> tuple[int, int]:
    return build_world(sessions)


def _plan_demand_for_a_week(sessions: SessionFactory, queue_id: int) -> None:
    """Forecast the queue's first planning week and turn it into requirements: the demand a
    schedule is built against."""
    forecast = run_forecast(sessions, queue_id=queue_id, first_day=FIRST_DAY, days=7, now=NOW)
    compute_requirements(sessions, forecast_id=forecast.id, now=NOW)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def test_a_forecast_reproduces_the_weekly_pattern_of_the_history(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    _, queue_id = world
    reports: list[tuple[float, str]] = []
    ref = run_forecast(
        sessions,
        queue_id=queue_id,
        first_day=FIRST_DAY,
        days=7,
        now=NOW,
        progress=lambda fraction, message: reports.append((fraction, message)),
    )
    assert (ref.version, ref.intervals, ref.history_days) == (1, 7 * 96, 35)
    assert ref.backtest_wape < 0.01
    with sessions() as session:
        rows = session.scalars(
            select(ForecastInterval)
            .where(ForecastInterval.forecast_id == ref.id)
            .order_by(ForecastInterval.interval_start)
        ).all()
        stored = session.get(Forecast, ref.id)
        assert stored is not None
        assert stored.backtest is not None
        assert stored.backtest["model"] == ref.model
    assert rows[0].interval_start == _local(FIRST_DAY, 0).astimezone(UTC)
    expected = np.array([pattern(r.interval_start.astimezone(AMSTERDAM)) for r in rows])
    np.testing.assert_allclose([r.volume for r in rows], expected, atol=0.05)
    open_rows = [r for r in rows if r.volume > 0]
    np.testing.assert_allclose([r.aht_seconds for r in open_rows], 240.0, rtol=1e-6)
    assert reports[0][0] == 0.0
    assert reports[-1][0] == 1.0
    again = run_forecast(sessions, queue_id=queue_id, first_day=FIRST_DAY, days=1, now=NOW)
    assert again.version == 2


def test_too_little_history_is_a_clear_input_error(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    _, queue_id = world
    with pytest.raises(InputError, match=r"20 days of contact history .* at least 28"):
        run_forecast(
            sessions,
            queue_id=queue_id,
            first_day=HISTORY_FIRST_DAY + timedelta(days=20),
            days=7,
            now=NOW,
        )
    with pytest.raises(InputError, match="no contact records"):
        run_forecast(sessions, queue_id=queue_id, first_day=HISTORY_FIRST_DAY, days=7, now=NOW)
    with pytest.raises(InputError, match="no queue with id"):
        run_forecast(sessions, queue_id=queue_id + 99, first_day=FIRST_DAY, days=7, now=NOW)


def test_requirements_match_erlang_c_for_the_same_inputs(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    _, queue_id = world
    forecast = run_forecast(sessions, queue_id=queue_id, first_day=FIRST_DAY, days=2, now=NOW)
    ref = compute_requirements(sessions, forecast_id=forecast.id, now=NOW, shrinkage=0.3)
    with sessions() as session:
        volume_aht = session.execute(
            select(ForecastInterval.volume, ForecastInterval.aht_seconds)
            .where(ForecastInterval.forecast_id == forecast.id)
            .order_by(ForecastInterval.interval_start)
        ).all()
        rows = session.scalars(
            select(RequirementInterval)
            .where(RequirementInterval.requirement_id == ref.id)
            .order_by(RequirementInterval.interval_start)
        ).all()
        stored = session.get(Requirement, ref.id)
        assert stored is not None
        assert stored.inputs["service_level"] == 0.8
        assert stored.inputs["answer_within_seconds"] == 20.0
    volume = np.array([v for v, _ in volume_aht])
    aht = np.array([a for _, a in volume_aht])
    exact = required_agents(
        offered_load(volume, aht_seconds=aht, interval_seconds=900),
        aht_seconds=aht,
        target=ServiceTarget(service_level=0.8, answer_within_seconds=20),
        model=QueueModel.ERLANG_C,
    )
    assert ref.method == "erlang-c"
    np.testing.assert_array_equal([r.agents for r in rows], exact.agents)
    np.testing.assert_allclose([r.agents_fractional for r in rows], exact.agents_fractional)
    gross = [r.gross_agents_fractional for r in rows]
    np.testing.assert_allclose(gross, exact.agents_fractional / 0.7)
    assert ref.peak_agents == int(exact.agents.max()) > 0
    loaded = [r for r in rows if r.agents > 0]
    assert all(r.service_level is not None and r.service_level >= 0.8 for r in loaded)


def _agents_by_code(sessions: SessionFactory) -> dict[str, int]:
    with sessions() as session:
        return {a.external_id: a.id for a in session.scalars(select(Agent))}


def test_a_built_schedule_is_a_legal_draft_that_respects_availability_and_earlier_rest(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, queue_id = world
    agents = _agents_by_code(sessions)
    # Monday: only A1 can work. B2 only Tuesday to Thursday afternoons.
    windows = ["agent,date,start,end,kind"]
    windows += [f"{code},2020-03-16,00:00,24:00,unavailable" for code in ("C3", "D4")]
    windows += [f"B2,2020-03-{day},12:00,20:00,available" for day in (17, 18, 19)]
    import_availability(
        sessions, "\n".join(windows).encode(), file_name="availability.csv", now=NOW
    )
    # A1 worked until 22:00 on Sunday in last week's published schedule.
    sunday = FIRST_DAY - timedelta(days=1)
    earlier = create_schedule(
        sessions,
        name="previous week",
        period_start=FIRST_DAY - timedelta(days=7),
        period_end=sunday,
        now=NOW,
        organisation="planbureau",
        shifts=[
            ShiftPlan(
                agent_id=agents["A1"],
                starts_at=_local(sunday, 13),
                ends_at=_local(sunday, 22),
                activities=(
                    ActivityPlan(
                        kind=ActivityKind.BREAK,
                        starts_at=_local(sunday, 17),
                        ends_at=_local(sunday, 17, 30),
                    ),
                ),
            )
        ],
    )
    publish_schedule(sessions, earlier.id, expected_version=earlier.version, now=NOW)
    _plan_demand_for_a_week(sessions, queue_id)
    progress: list[float] = []
    built = build_schedule(
        sessions,
        organisation_id=org_id,
        first_day=FIRST_DAY,
        weeks=1,
        time_limit_seconds=10,
        now=NOW,
        progress=lambda fraction, _message: progress.append(fraction),
    )
    assert (built.status, built.version) == (ScheduleStatus.DRAFT, 1)
    assert built.violations == 0
    assert built.shifts > 0
    assert built.queues == ("general",)
    assert progress[-1] == 1.0
    assert validate_schedule(sessions, schedule_id=built.schedule_id) == ()
    with sessions() as session:
        shifts = session.scalars(select(Shift).where(Shift.schedule_id == built.schedule_id)).all()
        by_agent: dict[int, list[Shift]] = {}
        for shift in shifts:
            by_agent.setdefault(shift.agent_id, []).append(shift)
            kinds = {a.kind for a in shift.activities}
            assert ActivityKind.CONTACT_WORK in kinds
            # The planning break policy: one lunch of 30 minutes, 2.5 h clear of either end.
            for lunch in (a for a in shift.activities if a.kind is ActivityKind.BREAK):
                assert lunch.ends_at - lunch.starts_at == timedelta(minutes=30)
                assert lunch.starts_at - shift.starts_at >= timedelta(minutes=150)
                assert shift.ends_at - lunch.ends_at >= timedelta(minutes=150)
    monday = [
        s
        for s in by_agent.get(agents["A1"], [])
        if s.starts_at.astimezone(AMSTERDAM).date() == FIRST_DAY
    ]
    assert monday, "A1 is the only one who can work on Monday"
    assert all(s.starts_at >= _local(FIRST_DAY, 9) for s in monday)  # 11 h after 22:00
    for shift in by_agent.get(agents["B2"], []):
        local_start = shift.starts_at.astimezone(AMSTERDAM)
        assert local_start.date() in {date(2020, 3, d) for d in (17, 18, 19)}
        assert local_start.time() >= time(12)
        assert shift.ends_at <= _local(local_start.date(), 20)
    for code in ("C3", "D4"):
        tuesday = _local(FIRST_DAY + timedelta(days=1), 0)
        assert all(s.starts_at >= tuesday for s in by_agent.get(agents[code], []))
    # The earlier shift reached the optimiser as earlier work, so the rest rule saw it.
    planning = planning_problem(sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7)
    prior = planning.problem.agent(str(agents["A1"])).prior_work
    assert [(p.window.end, p.break_minutes) for p in prior] == [(_local(sunday, 22), 30)]


def test_the_break_policy_defaults_to_one_lunch_and_can_be_overridden(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, queue_id = world
    _plan_demand_for_a_week(sessions, queue_id)
    default = planning_problem(sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7)
    assert dataclasses.asdict(default.problem.breaks) == dict(PLANNING_BREAKS)
    quarters = planning_problem(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7, breaks={"part_minutes": 15}
    )
    assert quarters.problem.breaks == BreakPolicy(part_minutes=15)
    with pytest.raises(InputError, match="unknown key"):
        planning_problem(
            sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7, breaks={"lunch": 30}
        )


def test_a_schedule_needs_requirements_in_its_period(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, _ = world
    with pytest.raises(InputError, match="forecast and compute requirements first"):
        build_schedule(sessions, organisation_id=org_id, first_day=FIRST_DAY, weeks=1, now=NOW)
    with pytest.raises(InputError, match="weeks must be from 1 to 6"):
        build_schedule(sessions, organisation_id=org_id, first_day=FIRST_DAY, weeks=0, now=NOW)


def _stored_forecast(sessions: SessionFactory, queue_id: int, volume: list[float]) -> int:
    """A forecast of one local Monday in half-hours, written directly (not the subject here)."""
    start = _local(FIRST_DAY, 0).astimezone(UTC)
    with sessions() as session, session.begin():
        forecast = Forecast(
            queue_id=queue_id,
            version=1,
            model="given",
            interval_minutes=30,
            starts_at=start,
            ends_at=start + timedelta(days=1),
            backtest=None,
            created_at=NOW,
        )
        session.add(forecast)
        session.flush()
        for i, contacts in enumerate(volume):
            session.add(
                ForecastInterval(
                    forecast_id=forecast.id,
                    interval_start=start + timedelta(minutes=30 * i),
                    volume=contacts,
                    aht_seconds=300.0,
                    volume_lo=None,
                    volume_hi=None,
                )
            )
        return forecast.id


def _agents_column(sessions: SessionFactory, requirement_id: int) -> np.ndarray:
    with sessions() as session:
        return np.array(
            session.scalars(
                select(RequirementInterval.agents)
                .where(RequirementInterval.requirement_id == requirement_id)
                .order_by(RequirementInterval.interval_start)
            ).all()
        )


def test_chat_and_email_queues_are_staffed_by_their_own_formulas(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    volume = [0.0] * 16 + [40.0] * 24 + [0.0] * 8  # 08:00-20:00
    chat_id = create_queue(
        sessions,
        "planbureau",
        QueueSpec(code="chat", name="Chat", channel=Channel.CHAT, chat_concurrency=3),
    )
    chat = compute_requirements(
        sessions, forecast_id=_stored_forecast(sessions, chat_id, volume), now=NOW
    )
    load = offered_load(np.array(volume), aht_seconds=300.0, interval_seconds=1800)
    expected = chat_required_agents(
        load, aht_seconds=300.0, concurrency=3, target=ServiceTarget()
    ).agents
    assert chat.method == "chat-erlang-c"
    np.testing.assert_array_equal(_agents_column(sessions, chat.id), expected)
    mail_id = create_queue(
        sessions,
        "planbureau",
        QueueSpec(
            code="mail",
            name="Mail",
            channel=Channel.EMAIL,
            service_target_share=0.95,
            email_deadline_seconds=8 * 3600,
        ),
    )
    mail = compute_requirements(
        sessions, forecast_id=_stored_forecast(sessions, mail_id, volume), now=NOW
    )
    plan = backlog_staffing(
        np.array(volume),
        open_intervals=np.ones(48, dtype=bool),  # no opening hours stored: always open
        interval_seconds=1800,
        aht_seconds=300.0,
        deadline_seconds=8 * 3600,
        target_share=0.95,
    )
    assert mail.method == "email-backlog"
    np.testing.assert_array_equal(_agents_column(sessions, mail.id), plan.agents)
    with pytest.raises(InputError, match="no forecast with id"):
        compute_requirements(sessions, forecast_id=chat.forecast_id, now=NOW, organisation_id=999)


def test_wishes_time_off_and_hand_edits_reach_the_rules(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, queue_id = world
    agents = _agents_by_code(sessions)
    wednesday = FIRST_DAY + timedelta(days=2)
    with sessions() as session, session.begin():
        session.add(
            AgentPreference(agent_id=agents["A1"], kind=PreferenceKind.DAY_OFF, weekday=2, weight=3)
        )
        session.add(
            Request(
                agent_id=agents["B2"],
                kind=RequestKind.TIME_OFF,
                status=RequestStatus.APPROVED,
                starts_at=_local(wednesday, 0),
                ends_at=_local(wednesday, 23, 59),
                created_at=NOW,
            )
        )
    _plan_demand_for_a_week(sessions, queue_id)
    problem = planning_problem(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7
    ).problem
    a1 = problem.agent(str(agents["A1"]))
    assert [(w.day, w.weight) for w in a1.wishes if isinstance(w, DayOffWish)] == [(wednesday, 3)]
    b2 = problem.agent(str(agents["B2"]))
    assert [u.start for u in b2.unavailable] == [_local(wednesday, 0)]
    assert b2.paid_leave_minutes == (24 * 60 // 5,)  # a fifth of the 24-hour target
    # A hand-edited draft with a 13-hour shift for B2 on that Wednesday breaks two rules.
    draft = draft_by_hand(
        sessions,
        ShiftPlan(
            agent_id=agents["B2"], starts_at=_local(wednesday, 7), ends_at=_local(wednesday, 20)
        ),
    )
    rules = {v.rule for v in validate_schedule(sessions, schedule_id=draft)}
    assert {Rule.SHIFT_MAX_WORK, Rule.UNAVAILABLE} <= rules


def test_leave_credits_a_fifth_of_the_weekly_target_per_day_to_its_own_week() -> None:
    days = [FIRST_DAY + timedelta(days=n) for n in range(14)]
    wednesday = _local(FIRST_DAY + timedelta(days=2), 0)
    thursday_noon = _local(FIRST_DAY + timedelta(days=3), 12)
    second_monday_early = _local(FIRST_DAY + timedelta(days=7), 0, 30)
    spans = [
        (wednesday, thursday_noon),
        (second_monday_early, second_monday_early + timedelta(minutes=20)),
    ]
    # Wednesday whole, Thursday half: two days in week 1; twenty minutes do not make a day.
    assert leave_days_per_week(spans, days, "Europe/Amsterdam") == [2, 0]
    # Leave on a day not employed is no paid leave (the target already leaves that day out).
    last_day = FIRST_DAY + timedelta(days=2)
    assert leave_days_per_week(spans, days, "Europe/Amsterdam", employed_until=last_day) == [1, 0]
    assert paid_leave_hours(30, [2, 0]) == [12, 0]  # 2 x 30 h / 5, in week 1 only
    assert paid_leave_hours(30, [7, 1]) == [30, 6]  # at most five days a week
    assert minimum_when_not_employed(20, 30, [2, 0]) == 8  # 20 h - 2 x 30 h / 5
    assert minimum_when_not_employed(20, 30, [7, 1]) == 0  # never below 0


def test_an_agent_off_sick_for_the_whole_plan_does_not_make_it_infeasible(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, queue_id = world
    agents = _agents_by_code(sessions)
    with sessions() as session, session.begin():
        session.add(  # reported sick last Friday and not yet better: open-ended
            Absence(
                agent_id=agents["B2"],
                kind=AbsenceKind.SICK,
                starts_at=_local(FIRST_DAY - timedelta(days=3), 8),
                ends_at=None,
                reported_at=_local(FIRST_DAY - timedelta(days=3), 8),
            )
        )
    _plan_demand_for_a_week(sessions, queue_id)
    problem = planning_problem(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7
    ).problem
    # Five sick days are the whole 24-hour target as paid leave: nothing left to plan.
    b2 = problem.agent(str(agents["B2"]))
    assert b2.contract.min_minutes_per_week == 8 * 60
    assert b2.paid_leave_minutes == (24 * 60,)
    assert problem.minimum_minutes(b2, 0) == problem.target_minutes(b2, 0) == 0
    assert problem.minimum_minutes(problem.agent(str(agents["A1"])), 0) == 8 * 60
    built = build_schedule(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, weeks=1, time_limit_seconds=10,
        now=NOW,
    )  # fmt: skip
    with sessions() as session:
        shifts = session.scalars(select(Shift).where(Shift.schedule_id == built.schedule_id))
        assert agents["B2"] not in {shift.agent_id for shift in shifts}
    assert built.violations == 0


def test_an_agent_is_planned_only_on_the_days_they_are_employed(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    # Bram's last day is Wednesday, Cas left the Sunday before the plan, Dewi starts Thursday.
    org_id, queue_id = world
    agents = _agents_by_code(sessions)
    wednesday, thursday = FIRST_DAY + timedelta(days=2), FIRST_DAY + timedelta(days=3)
    with sessions() as session, session.begin():
        for agent in session.scalars(select(Agent)):
            if agent.external_id == "B2":
                agent.end_date = wednesday
            elif agent.external_id == "C3":
                agent.end_date = FIRST_DAY - timedelta(days=1)
            elif agent.external_id == "D4":
                agent.start_date = thursday
    _plan_demand_for_a_week(sessions, queue_id)
    planning = planning_problem(sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7)
    problem = planning.problem
    assert str(agents["C3"]) not in planning.agent_ids
    next_monday = _local(FIRST_DAY + timedelta(days=7), 0)
    bram, dewi = problem.agent(str(agents["B2"])), problem.agent(str(agents["D4"]))
    assert [(u.start, u.end) for u in bram.unavailable] == [(_local(thursday, 0), next_monday)]
    assert [(u.start, u.end) for u in dewi.unavailable] == [
        (_local(FIRST_DAY, 0), _local(thursday, 0))
    ]
    # Four and three days not employed lower the 8-hour minimum as leave days would, by a
    # fifth of the 24-hour target each: the week's minimum cannot be held against them.
    assert bram.contract.min_minutes_per_week == dewi.contract.min_minutes_per_week == 0
    assert problem.agent(str(agents["A1"])).contract.min_minutes_per_week == 8 * 60
    assert bram.paid_leave_minutes == dewi.paid_leave_minutes == (0,)  # not paid leave
    # Their 24-hour target counts only the days employed: 3 of 7 for Bram, 4 of 7 for Dewi.
    assert problem.target_minutes(bram, 0) == 24 * 60 * 3 // 7
    assert problem.target_minutes(dewi, 0) == 24 * 60 * 4 // 7
    built = build_schedule(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, weeks=1, time_limit_seconds=10,
        now=NOW,
    )  # fmt: skip
    with sessions() as session:
        shifts = list(session.scalars(select(Shift).where(Shift.schedule_id == built.schedule_id)))
    days_of = {
        code: {s.starts_at.astimezone(AMSTERDAM).date() for s in shifts if s.agent_id == agent_id}
        for code, agent_id in agents.items()
    }
    assert days_of["C3"] == set()
    assert max(days_of["B2"], default=wednesday) <= wednesday
    assert min(days_of["D4"], default=thursday) >= thursday
    assert built.violations == 0


def test_the_newest_requirement_of_a_queue_is_the_demand(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    org_id, queue_id = world
    _plan_demand_for_a_week(sessions, queue_id)
    # A later requirement (hand-made, hourly) asks for 5 agents on Monday 09:00-10:00 only.
    with sessions() as session, session.begin():
        newer = Requirement(
            queue_id=queue_id,
            forecast_id=None,
            method="by hand",
            inputs={"interval_seconds": 3600},
            created_at=NOW + timedelta(hours=1),
        )
        session.add(newer)
        session.flush()
        session.add(
            RequirementInterval(
                requirement_id=newer.id,
                interval_start=_local(FIRST_DAY, 9).astimezone(UTC),
                agents=5,
                agents_fractional=4.2,
                gross_agents_fractional=None,
                service_level=None,
                asa_seconds=None,
                abandon_rate=None,
                occupancy=None,
            )
        )
    problem = planning_problem(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, days=7
    ).problem
    (demand,) = problem.demand
    required = np.asarray(demand.required)
    # The hour applies to each of its four quarter-hours; the older requirement is not used.
    assert required.sum() == 4 * 5
    np.testing.assert_array_equal(required[9 * 4 : 10 * 4], 5)


def test_checking_names_each_agent_by_employee_number_and_name(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    _, queue_id = world
    agents = _agents_by_code(sessions)
    _plan_demand_for_a_week(sessions, queue_id)
    with sessions() as session, session.begin():
        dewi = session.get(Agent, agents["D4"])
        assert dewi is not None
        dewi.active = False  # she has left: no longer planned, her hand-made shift stayed
    tuesday = FIRST_DAY + timedelta(days=1)
    draft = draft_by_hand(
        sessions,
        ShiftPlan(agent_id=agents["B2"], starts_at=_local(tuesday, 7), ends_at=_local(tuesday, 20)),
        ShiftPlan(agent_id=agents["D4"], starts_at=_local(tuesday, 9), ends_at=_local(tuesday, 13)),
    )
    found = validate_schedule(sessions, schedule_id=draft)
    too_long = next(v for v in found if v.rule is Rule.SHIFT_MAX_WORK)
    assert (too_long.agent_id, too_long.agent) == (agents["B2"], "B2 (Bram)")
    [gone] = [v for v in found if v.rule is Rule.UNKNOWN_AGENT]
    assert (gone.agent_id, gone.agent) == (agents["D4"], "D4 (Dewi)")
    assert gone.message == (
        "D4 (Dewi) is not among the agents planned for this period: inactive, not employed "
        "in it (their start date after it, or their end date before it), or without the "
        "skills of any queue with requirements"
    )


def test_a_published_schedule_is_checked_with_the_other_published_shifts_of_its_weeks(
    sessions: SessionFactory, world: tuple[int, int]
) -> None:
    # After a publish that replaced the shifts still to come, Bram's week lies in two
    # published schedules: 4 h in the first, 13 h in the second (too long a shift). Alone,
    # neither reaches his contract minimum of 8 h a week; together they do.
    _, queue_id = world
    bram = _agents_by_code(sessions)["B2"]
    _plan_demand_for_a_week(sessions, queue_id)
    monday, wednesday = FIRST_DAY, FIRST_DAY + timedelta(days=2)
    ids = []
    for start, end in (
        (_local(monday, 8), _local(monday, 12)),
        (_local(wednesday, 7), _local(wednesday, 20)),
    ):
        draft = create_schedule(
            sessions,
            name=f"from {start:%a}",
            period_start=FIRST_DAY,
            period_end=FIRST_DAY + timedelta(days=6),
            now=NOW,
            organisation="planbureau",
            shifts=[ShiftPlan(agent_id=bram, starts_at=start, ends_at=end)],
        )
        publish_schedule(sessions, draft.id, expected_version=draft.version, now=NOW)
        ids.append(draft.id)
    first, second = ids

    def bram_breaks(schedule_id: int) -> set[Rule]:
        return {
            v.rule
            for v in validate_schedule(sessions, schedule_id=schedule_id)
            if v.agent_id == bram
        }

    assert Rule.CONTRACT_MIN not in bram_breaks(first)
    assert Rule.SHIFT_MAX_WORK not in bram_breaks(first)  # the second schedule's own shift
    assert Rule.SHIFT_MAX_WORK in bram_breaks(second)
    assert Rule.CONTRACT_MIN not in bram_breaks(second)
    check = check_schedule(sessions, schedule_id=first)
    assert (check.counted_with, check.other_shifts) == ((second,), 1)
