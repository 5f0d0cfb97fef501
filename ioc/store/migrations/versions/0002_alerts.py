"""alert tables: alerts (lifecycle) and alert_log (changes)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from ioc.store.tables import UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alerts',
    sa.Column('alert_id', sa.String(length=200), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('province', sa.String(length=5), nullable=False),
    sa.Column('unit', sa.String(length=5), nullable=True),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=15), nullable=False),
    sa.Column('open_key', sa.String(length=200), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('title_vi', sa.Text(), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('incident_id', sa.String(length=200), nullable=True),
    sa.Column('first_seen_at', UTCDateTime(), nullable=False),
    sa.Column('raised_at', UTCDateTime(), nullable=True),
    sa.Column('acknowledged_at', UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=120), nullable=True),
    sa.Column('clearing_since', UTCDateTime(), nullable=True),
    sa.Column('cleared_at', UTCDateTime(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('alert_id'),
    sa.UniqueConstraint('open_key', name='uq_alerts_open_key')
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_state', ['state', 'province'], unique=False)

    op.create_table('alert_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('alert_id', sa.String(length=200), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('change', sa.String(length=15), nullable=False),
    sa.Column('state', sa.String(length=15), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_log', schema=None) as batch_op:
        batch_op.create_index('ix_alert_log_alert', ['alert_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alert_log', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_log_alert')

    op.drop_table('alert_log')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_state')

    op.drop_table('alerts')
