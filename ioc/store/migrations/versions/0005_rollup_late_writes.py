"""log of batches that wrote rollups of settled hours

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from ioc.store.tables import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_late_writes",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("oldest", sa.BigInteger(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )


def downgrade() -> None:
    op.drop_table("rollup_late_writes")
