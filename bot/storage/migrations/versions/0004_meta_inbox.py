"""Messenger / Instagram channel: the durable queue of webhook events and the marks store (issue 6).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.base import SCHEMA, UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta_inbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_key", sa.String(64), nullable=False),
        sa.Column("sender_key", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", UtcDateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_meta_inbox"),
        sa.UniqueConstraint("event_key", name="uq_meta_inbox_event_key"),
        schema=SCHEMA,
    )
    op.create_index("ix_meta_inbox_sender_key", "meta_inbox", ["sender_key"], schema=SCHEMA)
    op.create_table(
        "meta_marks",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta_marks"),
        schema=SCHEMA,
    )
    op.create_index("ix_meta_marks_expires_at", "meta_marks", ["expires_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("meta_marks", schema=SCHEMA)
    op.drop_table("meta_inbox", schema=SCHEMA)
