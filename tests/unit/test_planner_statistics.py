"""SQLite's planner statistics: a breakdown by dim prefix reads the range's buckets, not all history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert

from ioc.store import connect, migrate
from ioc.store import queries as q
from ioc.store import tables as t
from ioc.store.engine import refresh_statistics

HOUR = 3600


def _plan_of_sector_breakdown(path: Path, analysed: bool) -> str:
    engine = connect(f"sqlite:///{path}")
    migrate(engine)
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    first = int(now.timestamp()) // HOUR * HOUR - 90 * 24 * HOUR  # 90 days of hourly history
    rows = [
        {
            "province": "33",
            "metric": "dos.received",
            "bucket": first + h * HOUR,
            "unit": u,
            "dim": d,
            "value": 1.0,
        }
        for h in range(90 * 24)
        for u in ("11953", "12364")
        for d in ("", "sector:Hộ tịch", "sector:Đất đai", "agency:UBND xã")
    ]
    with engine.begin() as conn:
        conn.execute(insert(t.rollups), rows)
    if analysed:
        refresh_statistics(engine)
    statements: list[tuple[str, object]] = []
    with engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", lambda c, cur, s, p, ctx, m: statements.append((s, p)))
        sums = q.rollup_by_dim(
            conn, "dos.received", "sector:", province="33", since=now - timedelta(hours=10), until=now
        )
        assert sums == {"Hộ tịch": 20.0, "Đất đai": 20.0}
        statement, params = statements[-1]
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
    engine.dispose()
    return plan


def test_a_breakdown_by_sector_seeks_the_range_once_the_store_has_statistics(tmp_path: Path) -> None:
    # migrate() refreshes the statistics; a store that grew since is refreshed by the alert loop hourly.
    plan = _plan_of_sector_breakdown(tmp_path / "store.db", analysed=True)
    assert "bucket>" in plan, plan  # seeks the ten hours, instead of every bucket of the metric's history
