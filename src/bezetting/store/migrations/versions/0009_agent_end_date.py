"""An agent can leave: ``agents.end_date``, their last day employed (inclusive).

A contract that ends or a resignation is recorded once (the agents import) and honoured by
scheduling, absence figures, the team page and swaps. Agents already stored have no end date
(NULL): they stay employed until one is imported.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 21:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("agents", sa.Column("end_date", sa.Date(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of ``agents`` would have to drop the
    # table, which the rows of other tables pointing at it forbid.
    op.drop_column("agents", "end_date")
