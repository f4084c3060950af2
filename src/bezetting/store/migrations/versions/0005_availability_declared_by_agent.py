"""Availability windows say who set them: the agent from home, or the planner.

An agent may withdraw what they declared themselves, never a window the planner set (an
import, the demo's agency days). Every window already stored was set by a planner.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "availability",
        sa.Column("declared_by_agent", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("availability") as batch:
        batch.drop_column("declared_by_agent")
