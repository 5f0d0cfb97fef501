"""The store: the one place in ``ioc`` that talks to the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from ioc.errors import StoreUnavailable
from ioc.ingest import Accepted, DeadLetter
from ioc.store.engine import connect, migrate
from ioc.store.ingest import BatchResult, store_batch
from ioc.store.tables import events, stream_heads
from ioc.worktime import WorkCalendar

__all__ = ["BatchResult", "connect", "is_empty", "migrate", "record_lag", "store_batch", "write_batch"]


def write_batch(
    engine: Engine, accepted: Sequence[Accepted], dead: Sequence[DeadLetter], cal: WorkCalendar,
    *, now: datetime | None = None,
) -> BatchResult:  # fmt: skip
    """Store a batch in one transaction; a lost database raises StoreUnavailable (retry it)."""
    try:
        with engine.begin() as conn:
            return store_batch(conn, accepted, dead, cal, now=now)
    except OperationalError as exc:
        raise StoreUnavailable(f"database unavailable: {exc.orig}") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreUnavailable(f"database connection lost: {exc.orig}") from exc
        raise


def record_lag(engine: Engine, lag_by_family: dict[str, int]) -> None:
    """Store the consumer's lag per stream family, for the freshness header."""
    with engine.begin() as conn:
        for family, lag in lag_by_family.items():
            conn.execute(update(stream_heads).where(stream_heads.c.family == family).values(lag=lag))


def is_empty(engine: Engine) -> bool:
    """Whether the store holds no event yet (the demo feed backfills only then)."""
    with engine.connect() as conn:
        return conn.execute(select(events.c.event_id).limit(1)).first() is None
