"""The simulator's one error: a scenario field is bad, named by its path."""

from __future__ import annotations

from bezetting.core.errors import InputError

__all__ = ["ScenarioError"]


class ScenarioError(InputError):
    """A scenario value is bad.

    Args:
        path: where the value sits, e.g. ``queues[1].patience.mean_seconds``.
        reason: why it is rejected and what would be valid.
    """

    code = "invalid_scenario"

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)

    def under(self, prefix: str) -> ScenarioError:
        """The same error, located inside ``prefix`` (``"queues[1]"`` + ``"patience"``)."""
        if not prefix:
            return self
        if not self.path:
            joined = prefix
        elif self.path.startswith("["):
            joined = prefix + self.path
        else:
            joined = f"{prefix}.{self.path}"
        return ScenarioError(joined, self.reason)
