"""Job kinds by name: plain functions ``(params, progress) -> JSON result``.

A kind is registered with the :func:`job` decorator on the default :data:`registry`::

    @job("simulate")
    def simulate(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
        \"\"\"Simulate a day of contacts against a staffing plan.\"\"\"
        ...
        progress.report(done / total, f"{done} of {total} replications")
        ...
        return {"service_level": ...}

Both runners execute kinds from a registry; a Celery worker finds the same kinds because it
imports the same modules (``bezetting.jobs.kinds``, plus any ``--import-module`` given to
``bezetting worker``).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

from bezetting.core.errors import InputError
from bezetting.jobs.errors import UnknownJobKindError
from bezetting.jobs.progress import ProgressReporter
from bezetting.jobs.status import JSON

__all__ = ["JobKind", "JobRegistry", "RegisteredKind", "job", "registry"]

JobKind: TypeAlias = Callable[[Mapping[str, JSON], ProgressReporter], JSON]
"""A job kind's function: JSON params and a progress reporter in, a JSON result out."""

_K = TypeVar("_K", bound=JobKind)


@dataclass(frozen=True)
class RegisteredKind:
    """A named job kind.

    Attributes:
        name: what ``submit`` is called with, e.g. ``"staffing"``.
        function: the kind itself.
        summary: the first line of its docstring, for ``bezetting jobs kinds``.
    """

    name: str
    function: JobKind
    summary: str


class JobRegistry:
    """Job kinds by name (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kinds: dict[str, RegisteredKind] = {}

    def job(self, name: str) -> Callable[[_K], _K]:
        """Decorator: register the function as the job kind ``name``.

        Raises:
            InputError: the name is empty, or taken by another function.
        """
        if not name or not name.strip() or name != name.strip():
            raise InputError(f"a job kind needs a name without outer spaces, got {name!r}")

        def register(function: _K) -> _K:
            doc = inspect.getdoc(function) or ""
            kind = RegisteredKind(name, function, doc.splitlines()[0] if doc else "")
            with self._lock:
                existing = self._kinds.get(name)
                if existing is not None and _qualified(existing.function) != _qualified(function):
                    raise InputError(
                        f"job kind {name!r} is taken by {_qualified(existing.function)}; "
                        f"choose another name for {_qualified(function)}"
                    )
                self._kinds[name] = kind
            return function

        return register

    def get(self, name: str) -> RegisteredKind:
        """The kind called ``name``.

        Raises:
            UnknownJobKindError: none is registered under that name (the message lists them).
        """
        with self._lock:
            kind = self._kinds.get(name)
            known = sorted(self._kinds)
        if kind is None:
            raise UnknownJobKindError(
                f"no job kind {name!r}; registered kinds: {', '.join(known) or '(none)'}"
            )
        return kind

    def kinds(self) -> list[RegisteredKind]:
        """Every registered kind, by name."""
        with self._lock:
            return [self._kinds[name] for name in sorted(self._kinds)]

    def __contains__(self, name: object) -> bool:
        with self._lock:
            return name in self._kinds


def _qualified(function: Callable[..., object]) -> str:
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"


registry = JobRegistry()
"""The default registry: bezetting's own kinds, and those of modules a worker imports."""

job = registry.job
"""Register a kind on the default :data:`registry`: ``@job("staffing")``."""
