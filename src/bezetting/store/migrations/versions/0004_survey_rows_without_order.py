"""Survey answers and participations keep no order that could link an answer to its agent.

Answers had a running number, and both tables (on SQLite) a hidden row number, in the order
agents answered: matching the n-th answer with the n-th participation named who answered
what. Answers now have a random key, both tables are ``WITHOUT ROWID`` on SQLite (rows kept in
key order), and the rows already there are rewritten in random and key order.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:30:00
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _answer_columns(id_type: sa.types.TypeEngine[Any]) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", id_type, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("value >= 1", name=op.f("ck_survey_answers_value")),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_answers_survey_id_surveys")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_survey_answers_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
    ]


def _participation_columns() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_survey_participations_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_participations_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("survey_id", "agent_id", name=op.f("pk_survey_participations")),
    ]


def _rewrite(*, answer_id_type: sa.types.TypeEngine[Any], with_rowid: bool, new_id: Any) -> None:
    """Read both tables, drop them, create them anew and write the rows back shuffled."""
    connection = op.get_bind()
    answers = [
        dict(row._mapping)
        for row in connection.execute(
            sa.text("SELECT survey_id, team_id, answered_on, value FROM survey_answers").columns(
                answered_on=sa.Date()
            )
        )
    ]
    participations = [
        dict(row._mapping)
        for row in connection.execute(
            sa.text(
                "SELECT survey_id, agent_id FROM survey_participations ORDER BY survey_id, agent_id"
            )
        )
    ]
    random.SystemRandom().shuffle(answers)
    op.drop_index(op.f("ix_survey_answers_survey_id"), table_name="survey_answers")
    op.drop_table("survey_answers")
    op.drop_index(op.f("ix_survey_participations_agent_id"), table_name="survey_participations")
    op.drop_table("survey_participations")
    answer_table = op.create_table(
        "survey_answers", *_answer_columns(answer_id_type), sqlite_with_rowid=with_rowid
    )
    op.create_index(
        op.f("ix_survey_answers_survey_id"), "survey_answers", ["survey_id"], unique=False
    )
    participation_table = op.create_table(
        "survey_participations", *_participation_columns(), sqlite_with_rowid=with_rowid
    )
    op.create_index(
        op.f("ix_survey_participations_agent_id"),
        "survey_participations",
        ["agent_id"],
        unique=False,
    )
    if answers:
        op.bulk_insert(answer_table, [{"id": new_id(i), **row} for i, row in enumerate(answers)])
    if participations:
        op.bulk_insert(participation_table, participations)


def upgrade() -> None:
    _rewrite(
        answer_id_type=sa.String(length=32),
        with_rowid=False,
        new_id=lambda _: secrets.token_hex(16),
    )


def downgrade() -> None:
    _rewrite(answer_id_type=sa.Integer(), with_rowid=True, new_id=lambda i: i + 1)
