"""The demo's content without a database: derived figures, people, and how contacts are drawn."""

from __future__ import annotations

import importlib.util
import os
from datetime import date, time
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.demo import (
    PLAN_FIRST_DAY,
    DemoAgent,
    demo_agents,
    demo_history,
    demo_queues,
    public_data_figures,
)
from bezetting.demo.figures import HANDLE_TIMES_FILE, WEEKDAYS_FILE

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
REPOSITORY = Path(__file__).resolve().parents[2]


def _shared_data() -> Path:
    configured = os.environ.get("BEZETTING_SHARED_DATA")
    return Path(configured) if configured else REPOSITORY.parent / "shared" / "data"


def test_the_shipped_figures_are_shares_and_a_distribution() -> None:
    figures = public_data_figures()
    assert figures.half_hour_share.shape == (48,)
    assert figures.half_hour_share.sum() == pytest.approx(1.0)
    assert figures.weekday_share.sum() == pytest.approx(1.0)
    assert figures.weekday_share[6] == 0.0  # closed on Sundays
    assert figures.weekday_share[5] < figures.weekday_share[:5].min() / 2  # a short Saturday
    quantiles = figures.handle_time_quantiles
    assert quantiles.shape == (101,)
    assert np.all(np.diff(quantiles) >= 0)
    factors = figures.handle_time_factors(np.linspace(0.0, 1.0, 100_001))
    assert factors.mean() == pytest.approx(1.0, rel=1e-3)
    assert figures.patience_seconds == pytest.approx(354.4)


def test_the_shipped_files_are_what_the_script_derives_from_the_public_data(
    tmp_path: Path,
) -> None:
    data = _shared_data()
    if not (data / "anonymous_bank_1999" / "data_anonymous_bank_february.txt").exists():
        pytest.skip(
            f"the public Anonymous Bank data (for developers and CI, not shipped) is not at "
            f"{data}; set BEZETTING_SHARED_DATA to its folder"
        )
    script = REPOSITORY / "scripts" / "derive_demo_history_figures.py"
    spec = importlib.util.spec_from_file_location("derive_demo_history_figures", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(data, tmp_path)
    for name in (WEEKDAYS_FILE, HANDLE_TIMES_FILE):
        shipped = resources.files("bezetting.data").joinpath(name).read_text(encoding="utf-8")
        assert (tmp_path / name).read_text(encoding="utf-8") == shipped, name


def test_the_same_seed_gives_the_same_people_and_another_seed_others() -> None:
    first = demo_agents(np.random.default_rng(2020))
    assert first == demo_agents(np.random.default_rng(2020))
    assert first != demo_agents(np.random.default_rng(2021))
    assert len(first) == 80
    assert len({a.external_id for a in first}) == len({a.name for a in first}) == 80


def test_the_people_mix_profiles_contracts_and_places() -> None:
    agents = demo_agents(np.random.default_rng(2020), count=100)
    profiles = {p: sum(a.profile == p for a in agents) for p in {a.profile for a in agents}}
    assert profiles == {"parent": 15, "student": 15, "agency": 10, "newcomer": 12, "veteran": 48}
    for agent in agents:
        assert agent.hours_min <= agent.hours_target <= agent.hours_max
        assert agent.can_work_home or agent.can_work_office
        if agent.profile == "newcomer":
            assert len(agent.skills) == 1
            assert agent.skills[0][1] >= 1.3
            assert agent.start_date.year == 2020
        if agent.profile == "agency":
            assert agent.agency_hours_elsewhere > 0
            assert len(agent.days_elsewhere) == 2
    with pytest.raises(InputError, match="at least 10 agents"):
        demo_agents(np.random.default_rng(1), count=9)


def test_who_could_take_a_contact_follows_their_circumstances() -> None:
    agents = demo_agents(np.random.default_rng(2020))
    monday = date(2020, 3, 16)
    saturday = date(2020, 3, 21)
    student = next(a for a in agents if a.profile == "student")
    assert not student.works_at(monday, 10)
    assert student.works_at(monday, 18)
    assert student.works_at(saturday, 10)
    parent = next(a for a in agents if a.profile == "parent")
    assert not parent.works_at(monday, 8)
    assert parent.works_at(monday, 9)
    agency = next(a for a in agents if a.profile == "agency")
    elsewhere = date(2020, 3, 16 + agency.days_elsewhere[0])
    assert not agency.works_at(elsewhere, 12)
    newcomer: DemoAgent = next(a for a in agents if a.profile == "newcomer")
    assert not newcomer.works_at(date(2020, 1, 20), 12)


def test_drawn_contacts_are_consistent_and_email_is_answered_while_open() -> None:
    rng = np.random.default_rng(5)
    agents = demo_agents(rng, count=20)
    contacts = demo_history(
        demo_queues(),
        agents,
        first_day=date(2020, 3, 2),
        days=14,
        figures=public_data_figures(),
        rng=rng,
    )
    assert contacts
    skills = {a.external_id: {code for code, _ in a.skills} for a in agents}
    queue_skill = {q.code: q.skill for q in demo_queues()}
    for c in contacts:
        assert c.arrived_at.utcoffset() is not None
        assert c.ended_at is not None
        if c.abandoned:
            assert c.answered_at is None
            assert c.agent is None
            assert c.outcome is None
            continue
        assert c.answered_at is not None
        assert c.arrived_at <= c.answered_at < c.ended_at
        assert c.agent is not None
        assert queue_skill[c.queue] in skills[c.agent]
        if c.channel == "email":
            local = c.answered_at.astimezone(AMSTERDAM)
            assert local.weekday() != 6
            assert time(8) <= local.time() < time(20)
        else:  # phone and chat only arrive while the centre is open
            local = c.arrived_at.astimezone(AMSTERDAM)
            assert local.weekday() != 6
            assert time(8) <= local.time() < time(20)
    assert all(c.arrived_at.astimezone(AMSTERDAM).date() < PLAN_FIRST_DAY for c in contacts)
