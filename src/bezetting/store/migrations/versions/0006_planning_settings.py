"""An organisation's planning settings: rule overrides, break policy and weights.

A collective agreement (CAO) may change the labour-law values planning works with; each
section is a problem file's mapping, empty for the default. No row: every default.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 09:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "planning_settings",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("breaks", sa.JSON(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_planning_settings_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["users.id"],
            name=op.f("fk_planning_settings_updated_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_planning_settings")),
    )


def downgrade() -> None:
    op.drop_table("planning_settings")
