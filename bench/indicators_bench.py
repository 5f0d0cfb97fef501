"""Indicator and alert benchmarks: the full indicator set of a province per refresh, at 1M and 10M events.

1M: real events from ``ioc.simulation.Simulator`` for the 104 communes of Hưng Yên (33), ingested through
``ioc.store.write_batch``. 10M: the same store plus 9 copies of its rollup rows and finished-case rows, each
shifted further back by the simulated span (the history 9 more such periods would leave), generated
directly, not ingested.

``python -m bench.indicators_bench [--events N] [--copies K] [--url URL]`` prints the numbers (URL: an empty
database to use instead of a temporary SQLite file); ``run()`` returns them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import Engine, func, insert, select, text

from geodata.registry import load_registry
from ioc.alerts import load_rules
from ioc.ingest import RawMessage, decode_batch
from ioc.simulation import Simulator, SimUnit
from ioc.state import Placed
from ioc.store import connect, migrate, write_batch
from ioc.store import queries as q
from ioc.store import tables as t
from ioc.store.alerts import evaluate
from ioc.worktime import VN_TZ, WorkCalendar

PROVINCE = "33"
START = datetime(2025, 10, 1, tzinfo=VN_TZ)  # a Wednesday, no holiday for weeks
RATE = 1.0  # events/s: about 11,000 dossiers a working day, the scale of a merged province
WEEK = timedelta(weeks=1)
OPEN = {"dossiers": ("received", "processing", "waiting_supplement"),
        "feedback_cases": ("received", "forwarded", "in_progress", "extended")}  # fmt: skip


class NearestUnit:
    """A Locator for the bench: codes map to themselves, coordinates to the nearest commune centroid."""

    def __init__(self, units: Sequence[SimUnit]) -> None:
        self.units = units

    def locate(self, units: Sequence[str | None], lons: Sequence[float | None],
               lats: Sequence[float | None]) -> list[Placed | str]:  # fmt: skip
        """A Placed for every event."""
        out: list[Placed | str] = []
        for code, lon, lat in zip(units, lons, lats, strict=True):
            if code is None and lon is not None and lat is not None:
                code = min(self.units, key=lambda u: (u.lat - lat) ** 2 + (u.lon - lon) ** 2).code
            out.append(Placed(code or "", PROVINCE))
        return out


def communes() -> list[SimUnit]:
    """The current communes of Hưng Yên with their centroids."""
    return [SimUnit(u.code, u.lat or 20.7, u.lon or 106.1) for u in load_registry().communes(PROVINCE)]


def ingest(engine: Engine, events: int, cal: WorkCalendar, batch: int = 5000, start: datetime = START,
           until: datetime | None = None) -> tuple[datetime, dict[str, float]]:  # fmt: skip
    """Simulate and store about ``events`` events (or up to ``until``); the simulated now and the rate."""
    units = communes()
    sim, locator = Simulator(units, rate=RATE, start=start, cal=cal, seed=1), NearestUnit(units)
    stored, spent, offset = 0, 0.0, 0
    pending: list[bytes] = []
    while stored < events and (until is None or sim.now < until):
        step = sim.now + timedelta(hours=1)
        pending.extend(msgspec.json.encode(e) for e in sim.advance(min(step, until) if until else step))
        last = until is not None and sim.now >= until
        while len(pending) >= batch or (pending and (last or stored + len(pending) >= events)):
            chunk, pending = pending[:batch], pending[batch:]
            messages = [RawMessage("bench", 0, offset + i, v) for i, v in enumerate(chunk)]
            offset += len(chunk)
            started = time.perf_counter()
            accepted, dead = decode_batch(messages, locator, 65536)
            stored += write_batch(engine, accepted, dead, cal).stored
            spent += time.perf_counter() - started
    return sim.now, {"events": stored, "seconds": round(spent, 1), "events_per_s": round(stored / spent)}


def timings(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    """p50 and p95 wall time of ``fn`` in milliseconds, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    return {"p50": round(statistics.median(samples), 1), "p95": round(p95, 1)}


def measure(engine: Engine, now: datetime, cal: WorkCalendar, repeat: int) -> dict[str, Any]:
    """Full indicator set of the province over several ranges, one alert evaluation, and the table sizes."""
    midnight = now.astimezone(VN_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    ranges = {"today": midnight, "24h": now - timedelta(hours=24), "7d": now - timedelta(days=7),
              "30d": now - timedelta(days=30)}  # fmt: skip
    rules = load_rules()
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        out["rollup_rows"] = conn.execute(select(func.count()).select_from(t.rollups)).scalar()
        for name, since in ranges.items():

            def refresh(since: datetime = since) -> None:
                q.compute_indicators(conn, province=PROVINCE, since=since, until=now, now=now, cal=cal)

            out[f"indicators_{name}_ms"] = timings(refresh, repeat)
        week = now - timedelta(days=7)
        out["map_7d_ms"] = timings(lambda: q.unit_rollup_for_map(conn, "dos.on_time_rate", PROVINCE, week,
                                                                 now, now=now, cal=cal), repeat)  # fmt: skip
        out["open_counts_ms"] = timings(lambda: q.open_counts(conn, province=PROVINCE, now=now, cal=cal),
                                        repeat)  # fmt: skip

    def once() -> None:
        with engine.begin() as conn:
            evaluate(conn, rules, now=now, province=PROVINCE, cal=cal)

    out["evaluate_alerts_ms"] = timings(once, repeat)
    return out


def tidy(engine: Engine) -> None:
    """The steady state after bulk writes: SQLite WAL checkpointed; PostgreSQL statistics, visibility map."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE"))
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def shift_for(start: datetime, now: datetime) -> timedelta:
    """How far back each copy of the history goes: the simulated span in whole weeks, so copies never
    overlap and weekdays and hours stay aligned."""
    return WEEK * -(-(now - start) // WEEK)


def add_history(engine: Engine, copies: int, shift: timedelta) -> None:
    """Copies of the rollup rows (hourly and daily) and finished-case rows, each shifted ``shift`` back.

    ``shift`` is whole weeks, so daily buckets (local days) stay day buckets."""
    with engine.begin() as conn:
        for table in (t.rollups, t.rollups_daily):
            first = conn.execute(select(func.min(table.c.bucket))).scalar() or 0
            cols = list(table.c)
            for k in range(1, copies + 1):
                back = int(k * shift.total_seconds())
                shifted = [table.c.bucket - back if c.name == "bucket" else c for c in cols]
                rows = select(*shifted).where(table.c.bucket >= first)
                conn.execute(insert(table).from_select([c.name for c in cols], rows))
        for name, key in (("dossiers", "dossier_id"), ("feedback_cases", "case_id")):
            table = t.metadata.tables[name]
            times = [c.name for c in table.c if isinstance(c.type, t.UTCDateTime)]
            finished = select(table).where(table.c.status.not_in(OPEN[name]))
            rows = [dict(r._mapping) for r in conn.execute(finished)]
            for k in range(1, copies + 1) if rows else ():  # no rows: an empty insert would add a blank one
                conn.execute(insert(table), [
                    {**r, key: f"{r[key]}~{k}", **{c: r[c] - k * shift for c in times if r[c] is not None}}
                    for r in rows])  # fmt: skip
    tidy(engine)


def run(database_url: str | None = None, *, events: int = 1_000_000, copies: int = 9,
        repeat: int = 20) -> dict[str, Any]:  # fmt: skip
    """Ingest, measure at 1M, add 9 periods of history, measure at 10M; all times in ms (p50, p95)."""
    cal = WorkCalendar.vietnam()
    with tempfile.TemporaryDirectory() as folder:
        engine = connect(database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate(engine)
        now, rate = ingest(engine, events, cal)
        tidy(engine)
        out: dict[str, Any] = {"backend": engine.dialect.name, "now": now.isoformat(), "ingest": rate,
                               "generated": __doc__.split("\n\n")[1].replace("\n", " ")}  # fmt: skip
        label = f"{events / 1e6:g}M"
        out[label] = measure(engine, now, cal, repeat)
        add_history(engine, copies, shift_for(START, now))
        label = f"{events * (copies + 1) / 1e6:g}M"
        out[label] = measure(engine, now, cal, repeat)
        engine.dispose()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Print the benchmark as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="real events to simulate and ingest")
    parser.add_argument("--copies", type=int, default=9, help="periods of history to add for the larger size")
    parser.add_argument("--url", default=None, help="an empty database instead of a temporary SQLite file")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.url, events=args.events, copies=args.copies), indent=2, ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
