"""A built schedule records the planning settings it went by.

Planning settings (migration 0006) may change after a draft was built; the draft keeps the
rules, breaks and weights the optimiser used. Schedules already stored record nothing (NULL),
as does one made by hand.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 10:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("schedules", sa.Column("built_with", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.drop_column("built_with")
