"""Back office: accounts and their territories, sessions, login throttling, audit log (issue 5).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.base import SCHEMA, UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("totp_secret", sa.Text, nullable=True),
        sa.Column("totp_confirmed_at", UtcDateTime, nullable=True),
        sa.Column("totp_last_step", sa.BigInteger, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("disabled_at", UtcDateTime, nullable=True),
        sa.Column("last_login_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("email", name="uq_accounts_email"),
        schema=SCHEMA,
    )
    op.create_table(
        "account_territories",
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("territory", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "territory", name="pk_account_territories"),
        sa.ForeignKeyConstraint(
            ["account_id"], [f"{SCHEMA}.accounts.id"], ondelete="CASCADE",
            name="fk_account_territories_account_id_accounts",
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "backoffice_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("second_factor_done", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("last_seen_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_backoffice_sessions"),
        sa.ForeignKeyConstraint(
            ["account_id"], [f"{SCHEMA}.accounts.id"], ondelete="CASCADE",
            name="fk_backoffice_sessions_account_id_accounts",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_backoffice_sessions_account_id", "backoffice_sessions", ["account_id"], schema=SCHEMA)
    op.create_index("ix_backoffice_sessions_last_seen_at", "backoffice_sessions", ["last_seen_at"], schema=SCHEMA)
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttle"),
        schema=SCHEMA,
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("object_ref", sa.String(64), nullable=True),
        sa.Column("territory", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        schema=SCHEMA,
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("audit_log", schema=SCHEMA)
    op.drop_table("login_throttle", schema=SCHEMA)
    op.drop_table("backoffice_sessions", schema=SCHEMA)
    op.drop_table("account_territories", schema=SCHEMA)
    op.drop_table("accounts", schema=SCHEMA)
