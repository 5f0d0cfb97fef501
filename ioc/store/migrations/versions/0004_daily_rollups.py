"""daily rollups, filled from the hourly ones

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The Asia/Ho_Chi_Minh day (UTC+7 all year) of an hour bucket; buckets are positive, so % is a plain modulo.
DAY_OF_BUCKET = "bucket - (bucket + 25200) % 86400"


def upgrade() -> None:
    op.create_table(
        "rollups_daily",
        sa.Column("province", sa.String(length=5), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=5), nullable=False),
        sa.Column("dim", sa.String(length=220), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("province", "metric", "bucket", "unit", "dim", name="pk_rollups_daily"),
    )
    op.execute(
        "INSERT INTO rollups_daily (province, metric, bucket, unit, dim, value)"
        f" SELECT province, metric, {DAY_OF_BUCKET} AS day, unit, dim, sum(value) FROM rollups"
        f" GROUP BY province, metric, {DAY_OF_BUCKET}, unit, dim"
    )
    # after the fill: one sorted build per index instead of updates row by row
    op.create_index("ix_rollups_daily_metric", "rollups_daily", ["metric", "bucket"])
    scope = ["province", "metric", "dim", "bucket", "value"]  # covering, as ix_rollups_scope (0003)
    op.create_index("ix_rollups_daily_scope", "rollups_daily", scope)


def downgrade() -> None:
    op.drop_index("ix_rollups_daily_scope", table_name="rollups_daily")
    op.drop_index("ix_rollups_daily_metric", table_name="rollups_daily")
    op.drop_table("rollups_daily")
