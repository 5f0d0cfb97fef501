"""Alembic environment: runs against the engine the caller put in the config."""

from alembic import context

import ioc.store.alert_tables  # noqa: F401 - registers the alert tables on the metadata
from ioc.store.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
