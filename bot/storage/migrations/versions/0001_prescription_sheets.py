"""Prescription sheets, their status history and the sheet reference sequence (issue 4).

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.base import SCHEMA, UtcDateTime
from bot.storage.sequences import create_sequence, drop_sequence

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sheets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("sheet_type", sa.String(32), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("territory", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("name_index", sa.String(64), nullable=False),
        sa.Column("phone_index", sa.String(64), nullable=True),
        sa.Column("sender_index", sa.String(64), nullable=True),
        sa.Column("legal_representative_informed", sa.Boolean, nullable=True),
        sa.Column("slai_flag", sa.String(64), nullable=True),
        sa.Column("consent_at", UtcDateTime, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("transmitted_at", UtcDateTime, nullable=True),
        sa.Column("status_changed_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sheets"),
        sa.UniqueConstraint("reference", name="uq_sheets_reference"),
        schema=SCHEMA,
    )
    for column in ("status", "territory", "name_index", "phone_index", "sender_index", "status_changed_at"):
        op.create_index(f"ix_sheets_{column}", "sheets", [column], schema=SCHEMA)

    op.create_table(
        "sheet_status_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sheet_id", sa.Integer, nullable=False),
        sa.Column("from_status", sa.String(32), nullable=True),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("changed_at", UtcDateTime, nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sheet_status_changes"),
        sa.ForeignKeyConstraint(
            ["sheet_id"], [f"{SCHEMA}.sheets.id"], ondelete="CASCADE",
            name="fk_sheet_status_changes_sheet_id_sheets",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_sheet_status_changes_sheet_id", "sheet_status_changes", ["sheet_id"], schema=SCHEMA)
    create_sequence(op, "sheet_reference")


def downgrade() -> None:
    drop_sequence(op, "sheet_reference")
    op.drop_table("sheet_status_changes", schema=SCHEMA)
    op.drop_table("sheets", schema=SCHEMA)
