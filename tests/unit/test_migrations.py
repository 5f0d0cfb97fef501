"""Alembic migrations build exactly the schema the code declares, and can be run twice."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from ioc.rollups import by_day
from ioc.store import migrate
from ioc.store import queries as q
from ioc.store.engine import alembic_config
from ioc.store.tables import metadata
from ioc.worktime import WorkCalendar
from tests.support.migrations import refill_daily_rollups

from .test_store_ingest import ingest, simulated


def test_migrated_schema_matches_the_declared_tables(sqlite_engine: Engine) -> None:
    import ioc.store.alerts  # noqa: F401 - registers every table module on the shared metadata

    with sqlite_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_migrating_again_is_a_no_op(sqlite_engine: Engine) -> None:
    before = sorted(inspect(sqlite_engine).get_table_names())
    migrate(sqlite_engine)
    assert sorted(inspect(sqlite_engine).get_table_names()) == before
    assert {"events", "dead_letters", "rollups", "dossiers", "feedback_cases", "sites"} <= set(before)


def test_migration_0004_fills_the_daily_rollups_from_the_hourly_ones(sqlite_engine: Engine,
                                                                      cal: WorkCalendar) -> None:  # fmt: skip
    ingest(sqlite_engine, simulated(), cal)
    hourly, written, filled, hourly_after = refill_daily_rollups(sqlite_engine)
    assert hourly_after == hourly
    assert q.rollup_drift(filled, written) == {}  # what ingest would have written
    assert q.rollup_drift(filled, by_day(hourly)) == {}
    assert 0 < len(filled) < len(hourly) / 3


def test_migration_0006_counts_the_entities_in_each_state_as_the_writer_would(
    sqlite_engine: Engine, cal: WorkCalendar
) -> None:
    ingest(sqlite_engine, simulated(), cal)
    with sqlite_engine.connect() as conn:
        written = q.stored_state_counts(conn)
    command.downgrade(alembic_config(sqlite_engine), "0005")
    migrate(sqlite_engine)
    with sqlite_engine.connect() as conn:
        assert q.stored_state_counts(conn) == written == q.recount_states(conn)
    assert {family for family, *_ in written} == {"feedback", "dossier"}
