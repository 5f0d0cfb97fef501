"""covering indexes for the indicator refresh

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rollups") as batch:
        batch.create_index("ix_rollups_scope", ["province", "metric", "dim", "bucket", "value"])
    with op.batch_alter_table("feedback_cases") as batch:
        batch.drop_index("ix_feedback_open")
        batch.create_index("ix_feedback_open", ["province", "status", "due_at", "answered_at", "received_at"])


def downgrade() -> None:
    with op.batch_alter_table("feedback_cases") as batch:
        batch.drop_index("ix_feedback_open")
        batch.create_index("ix_feedback_open", ["province", "status", "due_at"])
    with op.batch_alter_table("rollups") as batch:
        batch.drop_index("ix_rollups_scope")
