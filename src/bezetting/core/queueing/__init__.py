"""The staffing engine: Erlang B, C and A, inverse staffing, multichannel and newcomers.

Arrays in, arrays out; every duration in seconds. See :mod:`bezetting.core.queueing.erlang` for
the service-level definitions and models.
"""

from bezetting.core.queueing.erlang import (
    QueueMetrics,
    ServiceLevelDefinition,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    offered_load,
)

__all__ = [
    "QueueMetrics",
    "ServiceLevelDefinition",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "offered_load",
]
