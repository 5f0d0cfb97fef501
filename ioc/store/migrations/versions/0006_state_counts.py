"""entities per state now, kept by the writer, filled from the state tables

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (table, whether an entity counts as answered, its GROUP BY terms): the writer's key, from the state rows
FILL = {
    "dossier": ("dossiers", "false", ""),
    "feedback": ("feedback_cases", "answered_at IS NOT NULL", ", answered_at IS NOT NULL"),
}


def upgrade() -> None:
    op.create_table(
        "state_counts",
        sa.Column("family", sa.String(length=10), nullable=False),
        sa.Column("province", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("unit", sa.String(length=5), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("family", "province", "status", "answered", "unit", name="pk_state_counts"),
    )
    for family, (table, answered, also) in FILL.items():
        op.execute(
            "INSERT INTO state_counts (family, province, status, answered, unit, n)"
            f" SELECT '{family}', province, status, {answered}, unit, count(*) FROM {table}"
            f" GROUP BY province, status, unit{also}"
        )


def downgrade() -> None:
    op.drop_table("state_counts")
