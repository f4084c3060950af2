"""Use cases: one function each, one transaction each, plain values in, typed results out.

Every function takes a :data:`~bezetting.store.SessionFactory` and opens exactly one
transaction with :func:`~bezetting.store.transaction`; errors come from the project's exception
tree (``InputError``, ``RowError``, ``ConflictError``).
"""

from __future__ import annotations
