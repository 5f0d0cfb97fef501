"""What a user of the store could see, as plain data, to compare two stores."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, func, select

from ioc.store import tables as t


def snapshot(engine: Engine) -> dict[str, object]:
    """Event count, every non-zero hourly and daily rollup and state count, every state row (docs too)."""
    with engine.connect() as conn:
        out: dict[str, object] = {"events": conn.execute(select(func.count()).select_from(t.events)).scalar()}
        for table in (t.rollups, t.rollups_daily):
            out[table.name] = {
                (r.province, r.metric, r.bucket, r.unit, r.dim): round(r.value, 3)
                for r in conn.execute(select(table)) if abs(r.value) > 1e-9
            }  # fmt: skip
        counts = select(t.state_counts).where(t.state_counts.c.n != 0)
        out["state_counts"] = {tuple(r[:-1]): r[-1] for r in conn.execute(counts)}
        for family, table in t.STATE_TABLES.items():
            key = t.KEY_COLUMNS[family]
            cols = [c for c in table.c if c.name != "doc"]
            out[family] = sorted(tuple(r) for r in conn.execute(select(*cols).order_by(table.c[key])))
    return out


def count(engine: Engine, table: str = "events") -> int:
    """Rows in a table (0 while the database is unreachable)."""
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.metadata.tables[table])).scalar() or 0)
    except Exception:  # noqa: BLE001 - a database that is down counts as "not yet"
        return 0


def wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll ``condition`` until true; fail with ``what`` when ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
