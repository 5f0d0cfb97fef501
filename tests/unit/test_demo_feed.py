"""The demo feed stores simulated history and then live events through the ingest handler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from ioc.pipeline import Ingest
from ioc.simulation import Simulator, SimUnit
from ioc.store import tables as t
from ioc.worktime import WorkCalendar
from streams.demo import DemoFeed

from .conftest import CodeLocator

UNITS = [SimUnit("11953", 20.66, 106.07), SimUnit("12364", 20.68, 106.14)]


def stored(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(t.events.c.family, func.count()).group_by(t.events.c.family)).all()
    return dict(rows)  # type: ignore[arg-type]


def test_backfill_then_live_ticks_reach_the_store(sqlite_engine: Engine, cal: WorkCalendar) -> None:
    now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    clock = [now]
    sim = Simulator(UNITS, rate=0.05, start=now - timedelta(hours=12), cal=cal, seed=5)
    feed = DemoFeed(sim, Ingest(sqlite_engine, CodeLocator(), cal), batch_size=100, clock=lambda: clock[0])
    feed.backfill(now)
    after_backfill = stored(sqlite_engine)
    assert feed.backfilled.is_set()
    assert set(after_backfill) == {"feedback", "dossier", "infra"}
    clock[0] = now + timedelta(minutes=10)
    feed._send(feed.sim.advance(clock[0]))  # one live tick, as run() does every second
    assert sum(stored(sqlite_engine).values()) > sum(after_backfill.values())
    assert sum(stored(sqlite_engine).values()) == feed.sent


def test_simulated_day_has_office_hours_rhythm_and_a_realistic_late_share(cal: WorkCalendar) -> None:
    start = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
    sim = Simulator(UNITS, rate=0.05, start=start, cal=cal, seed=1)
    events = sim.advance(start + timedelta(days=14))
    received = [e for e in events if e.__struct_config__.tag == "dossier.received"]
    by_hour = [0] * 24
    for e in received:
        by_hour[e.occurred_at.astimezone(cal.to_local(start).tzinfo).hour] += 1
    assert sum(by_hour[8:17]) > 2 * sum(by_hour[:6] + by_hour[22:])  # busy office hours, quiet nights
    assert {e.__struct_config__.tag for e in events} >= {
        "site.status", "site.alarm_raised", "feedback.closed", "dossier.completed",
        "dossier.supplement_requested",
    }  # fmt: skip
