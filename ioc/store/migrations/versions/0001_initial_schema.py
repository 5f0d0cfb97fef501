"""initial schema

Revision ID: 0001
Revises: (none)
"""

import sqlalchemy as sa
from alembic import op

from ioc.store.tables import UTCDateTime

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('dead_letters',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('topic', 'partition', 'offset', name='uq_dead_letters_position')
    )
    op.create_table('dossiers',
    sa.Column('dossier_id', sa.String(length=80), nullable=False),
    sa.Column('province', sa.String(length=5), nullable=False),
    sa.Column('unit', sa.String(length=5), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('last_at', UTCDateTime(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('doc', sa.LargeBinary(), nullable=False),
    sa.Column('procedure_code', sa.String(length=80), nullable=True),
    sa.Column('sector', sa.String(length=200), nullable=True),
    sa.Column('agency', sa.String(length=200), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('received_at', UTCDateTime(), nullable=True),
    sa.Column('due_at', UTCDateTime(), nullable=True),
    sa.Column('finished_at', UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('dossier_id')
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_open', ['province', 'status', 'due_at'], unique=False)

    op.create_table('events',
    sa.Column('event_id', sa.String(length=80), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('family', sa.String(length=10), nullable=False),
    sa.Column('entity_id', sa.String(length=80), nullable=False),
    sa.Column('province', sa.String(length=5), nullable=False),
    sa.Column('unit', sa.String(length=5), nullable=False),
    sa.Column('occurred_at', UTCDateTime(), nullable=False),
    sa.Column('ingested_at', UTCDateTime(), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_entity', ['family', 'entity_id'], unique=False)

    op.create_table('feedback_cases',
    sa.Column('case_id', sa.String(length=80), nullable=False),
    sa.Column('province', sa.String(length=5), nullable=False),
    sa.Column('unit', sa.String(length=5), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('last_at', UTCDateTime(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('doc', sa.LargeBinary(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('agency', sa.String(length=200), nullable=True),
    sa.Column('received_at', UTCDateTime(), nullable=True),
    sa.Column('due_at', UTCDateTime(), nullable=True),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('case_id')
    )
    with op.batch_alter_table('feedback_cases', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_open', ['province', 'status', 'due_at'], unique=False)

    op.create_table('rollups',
    sa.Column('province', sa.String(length=5), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('bucket', sa.BigInteger(), nullable=False),
    sa.Column('unit', sa.String(length=5), nullable=False),
    sa.Column('dim', sa.String(length=220), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('province', 'metric', 'bucket', 'unit', 'dim', name='pk_rollups')
    )
    with op.batch_alter_table('rollups', schema=None) as batch_op:
        batch_op.create_index('ix_rollups_metric', ['metric', 'bucket'], unique=False)

    op.create_table('sites',
    sa.Column('site_id', sa.String(length=80), nullable=False),
    sa.Column('province', sa.String(length=5), nullable=False),
    sa.Column('unit', sa.String(length=5), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('last_at', UTCDateTime(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('doc', sa.LargeBinary(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('operator', sa.String(length=20), nullable=True),
    sa.Column('technology', sa.String(length=10), nullable=True),
    sa.Column('status_since', UTCDateTime(), nullable=True),
    sa.Column('alarms', sa.Integer(), nullable=False),
    sa.Column('active_users', sa.Integer(), nullable=True),
    sa.Column('metrics_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('site_id')
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.create_index('ix_sites_status', ['province', 'status'], unique=False)

    op.create_table('stream_heads',
    sa.Column('family', sa.String(length=10), nullable=False),
    sa.Column('newest_event_at', UTCDateTime(), nullable=True),
    sa.Column('last_ingested_at', UTCDateTime(), nullable=True),
    sa.Column('events_total', sa.BigInteger(), nullable=False),
    sa.Column('lag', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('family')
    )



def downgrade() -> None:

    op.drop_table('stream_heads')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_index('ix_sites_status')

    op.drop_table('sites')
    with op.batch_alter_table('rollups', schema=None) as batch_op:
        batch_op.drop_index('ix_rollups_metric')

    op.drop_table('rollups')
    with op.batch_alter_table('feedback_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_open')

    op.drop_table('feedback_cases')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_entity')

    op.drop_table('events')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_open')

    op.drop_table('dossiers')
    op.drop_table('dead_letters')

