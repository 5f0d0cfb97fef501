"""Alembic environment: runs against the engine the caller put in the config."""

from alembic import context

from ioc.store.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
