"""Sums over settled hours are kept in memory, and a late write that reaches them is never missed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ioc import events as ev
from ioc.store import connect, migrate, settled
from ioc.store import queries as q
from ioc.worktime import WorkCalendar
from tests.support.snapshot import count

from .test_store_ingest import ingest

NOW = datetime.now(UTC)  # the settled edge follows the wall clock: events are placed around it
SINCE = NOW - timedelta(hours=12)
METRICS = ["fb.received", "events.feedback"]


def received(n: int, hours_ago: float, tag: str) -> list[ev.Event]:
    """``n`` feedback cases received ``hours_ago`` in commune 12364."""
    at = NOW - timedelta(hours=hours_ago)
    return [
        ev.FeedbackReceived(event_id=f"{tag}-{i}", occurred_at=at, source="zalo-mini-app", unit="12364",
                            case_id=f"PA-{tag}-{i}", channel="zalo", category="environment")
        for i in range(n)
    ]  # fmt: skip


def totals(engine: Engine) -> dict[str, float]:
    """The feedback received over the last twelve hours, as the dashboard reads it."""
    with engine.connect() as conn:
        return q.rollup_totals(conn, METRICS, province="33", since=SINCE, until=NOW)


def from_tables(engine: Engine) -> dict[str, float]:
    """The same read with nothing kept: straight from the tables."""
    settled.for_engine(engine).clear()
    return totals(engine)


@pytest.fixture
def store(tmp_path: Path, cal: WorkCalendar) -> Iterator[Engine]:
    """Cases received ten hours ago and just now."""
    engine = connect(f"sqlite:///{tmp_path / 'ioc.db'}")
    migrate(engine)
    ingest(engine, received(5, 10, "old") + received(2, 0, "new"), cal)
    yield engine
    engine.dispose()


def test_reading_settled_hours_again_comes_from_memory_and_live_events_keep_it(
    store: Engine, cal: WorkCalendar
) -> None:
    kept = settled.for_engine(store)
    assert totals(store)["fb.received"] == 7
    hits, logged = kept.hits, count(store, "rollup_late_writes")
    ingest(store, received(3, 0, "live"), cal)  # the current hour: not a late write
    assert totals(store)["fb.received"] == 10
    assert kept.hits > hits  # the ten-hour-old cases came from memory
    # the fixture's batch with the old cases, and nothing since
    assert count(store, "rollup_late_writes") == logged == 1


@pytest.mark.parametrize("writer", ["this process", "another process"])
def test_a_late_event_stored_after_a_read_shows_in_the_next_read(
    store: Engine, cal: WorkCalendar, tmp_path: Path, writer: str
) -> None:
    assert totals(store)["fb.received"] == 7  # settled sums kept
    other = connect(f"sqlite:///{tmp_path / 'ioc.db'}") if writer == "another process" else store
    ingest(other, received(4, 6, "late"), cal)  # six hours late: settled hours change
    assert totals(store) == {"fb.received": 11, "events.feedback": 11}
    assert totals(store) == from_tables(store)
    if other is not store:
        other.dispose()


def test_a_reader_that_missed_pruned_log_rows_forgets_what_it_kept(
    store: Engine, cal: WorkCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settled, "KEEP", 2)
    monkeypatch.setattr(settled, "PRUNE_EVERY", 1)
    assert totals(store)["fb.received"] == 7
    for k in range(3):  # late batches reaching the kept hours, then two that reach only the hour after them
        ingest(store, received(1, 8, f"late{k}"), cal)
    for k in range(2):
        ingest(store, received(1, 1.99, f"recent{k}"), cal)
    # the rows of the first three are gone: the reader must forget all
    assert count(store, "rollup_late_writes") == 2
    assert totals(store)["fb.received"] == 12
    assert totals(store) == from_tables(store)


def test_sums_read_while_a_late_write_was_logged_are_not_kept(store: Engine, cal: WorkCalendar) -> None:
    kept = settled.for_engine(store)
    with store.connect() as conn:
        seq = kept.sync(conn)
    ingest(store, received(1, 7, "late"), cal)
    with store.connect() as conn:
        kept.sync(conn)
    kept.put("a read that started before the late write", NOW.timestamp(), {(): 1.0}, seq)
    assert kept.get("a read that started before the late write") is None
