"""Who answered a pulse survey, kept apart from what they answered.

``survey_participations`` holds one row per survey and agent (its primary key), with no value,
no running number and no link to the answer: it lets an agent answer once while
``survey_answers`` stays anonymous.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 04:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_participations",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_survey_participations_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_participations_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("survey_id", "agent_id", name=op.f("pk_survey_participations")),
    )
    op.create_index(
        op.f("ix_survey_participations_agent_id"),
        "survey_participations",
        ["agent_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_survey_participations_agent_id"), table_name="survey_participations")
    op.drop_table("survey_participations")
