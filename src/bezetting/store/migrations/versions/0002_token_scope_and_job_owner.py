"""Token scope as a column; jobs belong to an organisation.

* ``api_tokens.scope`` (session, api, integration) replaces the first word of ``name``: existing
  rows are split (``"api:nightly export"`` becomes scope ``api``, name ``"nightly export"``). A
  row whose name starts with no known scope was refused at login before; it is kept, as a
  revoked ``api`` token, so that it stays refused.
* ``jobs.organisation_id`` and ``jobs.created_by_user_id``: whose job it is. Jobs recorded
  before have no owner (NULL): only the command line lists them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCOPES = ("session", "api", "integration")

_tokens = sa.table(
    "api_tokens",
    sa.column("scope", sa.String(11)),
    sa.column("name", sa.String(200)),
    sa.column("revoked_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=11), nullable=True))
    for scope in _SCOPES:
        prefix = f"{scope}:"
        op.execute(
            _tokens.update()
            .where(_tokens.c.scope.is_(None), _tokens.c.name.like(f"{prefix}%"))
            .values(scope=scope, name=sa.func.substr(_tokens.c.name, len(prefix) + 1))
        )
    op.execute(
        _tokens.update()
        .where(_tokens.c.scope.is_(None))
        .values(scope="api", revoked_at=sa.func.coalesce(_tokens.c.revoked_at, sa.func.now()))
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "scope",
            existing_type=sa.String(length=11),
            type_=sa.Enum(
                *_SCOPES,
                name="token_scope",
                native_enum=False,
                create_constraint=False,
            ),
            nullable=False,
        )
        batch_op.create_check_constraint(
            op.f("ck_api_tokens_token_scope"),
            sa.column("scope").in_(_SCOPES),
        )

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_jobs_organisation_id"), ["organisation_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_jobs_organisation_id_organisations"),
            "organisations",
            ["organisation_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_jobs_created_by_user_id_users"),
            "users",
            ["created_by_user_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_jobs_created_by_user_id_users"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_jobs_organisation_id_organisations"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_jobs_organisation_id"))
        batch_op.drop_column("created_by_user_id")
        batch_op.drop_column("organisation_id")

    op.execute(
        _tokens.update().values(name=sa.func.substr(_tokens.c.scope + ":" + _tokens.c.name, 1, 200))
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_api_tokens_token_scope"), type_="check")
        batch_op.drop_column("scope")
