"""The data layer: the only package that imports SQLAlchemy.

Tables (:mod:`bezetting.store.models`), the engine factory, one-transaction helper, query and
write helpers that never commit, and the Alembic migrations packaged inside.
"""

from __future__ import annotations
