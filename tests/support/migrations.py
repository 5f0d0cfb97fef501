"""Running migration 0004 again over a store with data, the same way on every backend."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from ioc.rollups import Contributions
from ioc.store import migrate
from ioc.store import queries as q
from ioc.store.engine import alembic_config


def refill_daily_rollups(engine: Engine) -> tuple[Contributions, Contributions, Contributions, Contributions]:
    """Down to 0003 (daily table gone) and up again: hourly and daily rows before, daily and hourly after."""
    with engine.connect() as conn:
        hourly, written = q.stored_rollups(conn), q.stored_rollups(conn, step="day")
    command.downgrade(alembic_config(engine), "0003")
    assert "rollups_daily" not in inspect(engine).get_table_names()
    migrate(engine)
    with engine.connect() as conn:
        return hourly, written, q.stored_rollups(conn, step="day"), q.stored_rollups(conn)
