"""A user's calendar feed address can be renewed: ``users.calendar_feed_round``.

The feed key is an HMAC of the user id (and, once renewed, this round) under the secret key;
renewing counts the round up, so the old address stops working. Existing users start at 0,
whose key is the one they have now.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("calendar_feed_round", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of ``users`` would have to drop the
    # table, which the rows of other tables pointing at it forbid.
    op.drop_column("users", "calendar_feed_round")
