"""Contact requests, adviser messages, their history, inbox settings and the request reference sequence (issue 5).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.base import SCHEMA, UtcDateTime
from bot.storage.sequences import create_sequence, drop_sequence

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("territory", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("sender_index", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.Text, nullable=False),
        sa.Column("phone_index", sa.String(64), nullable=True),
        sa.Column("contact", sa.Text, nullable=True),
        sa.Column("preferred_contact", sa.String(16), nullable=True),
        sa.Column("contact_when", sa.Text, nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("transcript", sa.Text, nullable=False),
        sa.Column("sheet_reference", sa.String(32), nullable=True),
        sa.Column("assigned_to", sa.String(64), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("first_reply_at", UtcDateTime, nullable=True),
        sa.Column("closed_at", UtcDateTime, nullable=True),
        sa.Column("status_changed_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contact_requests"),
        sa.UniqueConstraint("reference", name="uq_contact_requests_reference"),
        schema=SCHEMA,
    )
    for column in ("territory", "status", "sender_index", "phone_index", "created_at", "closed_at"):
        op.create_index(f"ix_contact_requests_{column}", "contact_requests", [column], schema=SCHEMA)

    op.create_table(
        "adviser_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_label", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("delivery_state", sa.String(16), nullable=False),
        sa.Column("delivery_reason", sa.String(200), nullable=True),
        sa.Column("delivered_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_adviser_messages"),
        sa.ForeignKeyConstraint(
            ["request_id"], [f"{SCHEMA}.contact_requests.id"], ondelete="CASCADE",
            name="fk_adviser_messages_request_id_contact_requests",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_adviser_messages_request_id", "adviser_messages", ["request_id"], schema=SCHEMA)
    op.create_index("ix_adviser_messages_delivery_state", "adviser_messages", ["delivery_state"], schema=SCHEMA)

    op.create_table(
        "contact_request_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("from_territory", sa.String(32), nullable=True),
        sa.Column("to_territory", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_contact_request_events"),
        sa.ForeignKeyConstraint(
            ["request_id"], [f"{SCHEMA}.contact_requests.id"], ondelete="CASCADE",
            name="fk_contact_request_events_request_id_contact_requests",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_contact_request_events_request_id", "contact_request_events", ["request_id"], schema=SCHEMA)

    op.create_table(
        "inbox_settings",
        sa.Column("territory", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("territory", "kind", name="pk_inbox_settings"),
        schema=SCHEMA,
    )
    create_sequence(op, "contact_request_reference")


def downgrade() -> None:
    drop_sequence(op, "contact_request_reference")
    op.drop_table("inbox_settings", schema=SCHEMA)
    op.drop_table("contact_request_events", schema=SCHEMA)
    op.drop_table("adviser_messages", schema=SCHEMA)
    op.drop_table("contact_requests", schema=SCHEMA)
