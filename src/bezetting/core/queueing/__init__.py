"""The staffing engine: Erlang B, C and A, inverse staffing, multichannel and newcomers.

Arrays in, arrays out; every duration in seconds. See :mod:`bezetting.core.queueing.erlang` for
the service-level definitions and models.
"""

from bezetting.core.queueing.channels import (
    BacklogPlan,
    ChatStaffing,
    backlog_staffing,
    chat_required_agents,
)
from bezetting.core.queueing.erlang import (
    QueueMetrics,
    ServiceLevelDefinition,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    offered_load,
)
from bezetting.core.queueing.newcomers import AgentGroup, capacity_equivalent, headcount_for
from bezetting.core.queueing.staffing import (
    QueueModel,
    ServiceTarget,
    StaffingResult,
    gross_from_net,
    required_agents,
)

__all__ = [
    "AgentGroup",
    "BacklogPlan",
    "ChatStaffing",
    "QueueMetrics",
    "QueueModel",
    "ServiceLevelDefinition",
    "ServiceTarget",
    "StaffingResult",
    "backlog_staffing",
    "capacity_equivalent",
    "chat_required_agents",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "gross_from_net",
    "headcount_for",
    "offered_load",
    "required_agents",
]
