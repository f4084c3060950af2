"""The contact-centre simulator: what a schedule really delivers, and a check on the formulas.

A :class:`Scenario` (queues, arrivals, handle times, patience, redials, surges, agent groups
with skills and staffing) goes in; :func:`simulate` plays it out once with a caller's
:class:`numpy.random.Generator` and returns the logs; :func:`kpis` reduces a run's logs to
service level, ASA, abandonment, occupancy and the waiting-time distribution per queue and
interval; :func:`replicate` repeats the run and gives confidence intervals. Scenario files
(YAML) are read by :func:`scenario_from_yaml`.

The event loop is compiled with numba (see :mod:`bezetting.core.simulate._kernel`); its first
call in a fresh environment compiles it (a few seconds) and caches the result on disk. The
common case (one voice queue, one agent group, no redials: :func:`fits_fcfs_loop`) runs
through a specialised loop (:mod:`bezetting.core.simulate._fcfs_kernel`) that gives the same
log about four to five times faster.
"""

from bezetting.core.simulate._errors import ScenarioError
from bezetting.core.simulate.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    LogNormal,
)
from bezetting.core.simulate.engine import (
    ContactLog,
    DutyLog,
    EventLoop,
    SimulationRun,
    fits_fcfs_loop,
    simulate,
)
from bezetting.core.simulate.metrics import (
    DEFAULT_WAIT_EDGES_SECONDS,
    QueueKpis,
    RunKpis,
    WaitDistribution,
    kpis,
)
from bezetting.core.simulate.replications import (
    Estimate,
    KpiEstimates,
    ReplicationResult,
    estimate,
    replicate,
)
from bezetting.core.simulate.scenario import (
    AgentGroup,
    Break,
    Channel,
    PoissonArrivals,
    Queue,
    Redial,
    ReplayArrivals,
    RequirementStaffing,
    Scenario,
    ScheduledAgent,
    Shift,
    Skill,
    Surge,
)
from bezetting.core.simulate.scenario_file import scenario_from_mapping, scenario_from_yaml

__all__ = [
    "DEFAULT_WAIT_EDGES_SECONDS",
    "AgentGroup",
    "Break",
    "Channel",
    "ContactLog",
    "Distribution",
    "DutyLog",
    "Empirical",
    "Estimate",
    "EventLoop",
    "Exponential",
    "Fixed",
    "KpiEstimates",
    "LogNormal",
    "PoissonArrivals",
    "Queue",
    "QueueKpis",
    "Redial",
    "ReplayArrivals",
    "ReplicationResult",
    "RequirementStaffing",
    "RunKpis",
    "Scenario",
    "ScenarioError",
    "ScheduledAgent",
    "Shift",
    "SimulationRun",
    "Skill",
    "Surge",
    "WaitDistribution",
    "estimate",
    "fits_fcfs_loop",
    "kpis",
    "replicate",
    "scenario_from_mapping",
    "scenario_from_yaml",
    "simulate",
]
