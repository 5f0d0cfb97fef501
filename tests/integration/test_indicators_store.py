"""The same events give the same indicators, queues and alerts on PostgreSQL as on SQLite."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import Engine, text

from ioc import events as ev
from ioc.ingest import decode_batch
from ioc.rollups import by_day
from ioc.simulation import Simulator, SimUnit
from ioc.store import connect, migrate, write_batch
from ioc.store import queries as q
from ioc.store.alerts import acknowledge_alert, alert_history, evaluate, open_alerts
from ioc.worktime import WorkCalendar
from tests.support.migrations import refill_daily_rollups
from tests.unit.conftest import CodeLocator, messages
from tests.unit.test_alerts import INCIDENT, SITE_DOWN, SURGE, feedback, site
from tests.unit.test_indicators import EXPECTED, NOW, vn, week

CAL = WorkCalendar.vietnam()


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Engine]:
    """A migrated engine on a fresh schema of the session's PostgreSQL."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = connect(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = connect(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    migrate(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def lite(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite engine."""
    engine = connect(f"sqlite:///{tmp_path / 'ioc.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def store(engine: Engine, events: list[ev.Event], batch: int = 200) -> None:
    """Through decode, placement and write_batch."""
    values = [msgspec.json.encode(x) for x in events]
    for i in range(0, len(values), batch):
        accepted, dead = decode_batch(messages(values[i : i + batch]), CodeLocator(), 65536)
        write_batch(engine, accepted, dead, CAL)


def simulated() -> list[ev.Event]:
    """Four days of a small province, around the scripted week."""
    units = [SimUnit(f"{12010 + i}", 20.6, 106.1) for i in range(6)]
    sim = Simulator(units, rate=0.05, start=vn(8), cal=CAL, seed=11)
    return sim.advance(vn(12, 10))


def everything(engine: Engine) -> dict[str, object]:
    """What the dashboard reads, for a few scopes and ranges."""
    out: dict[str, object] = {}
    with engine.connect() as conn:
        for label, since, unit in (("week", vn(10), None), ("day", vn(11, 10), None), ("1", vn(8), "12012")):
            got = q.compute_indicators(conn, province="33", unit=unit, since=since, until=NOW, now=NOW)
            out[label] = {i.key: (i.value, i.previous) for i in got}
            out[label + ".rank"] = (got.top_categories, got.hotspots)
        out["map"] = q.unit_rollup_for_map(conn, "dos.on_time_rate", "33", vn(8), NOW, now=NOW, cal=CAL)
        out["score"] = q.unit_rollup_for_map(conn, "score.service", "33", vn(8), NOW, now=NOW, cal=CAL)
        out["series"] = q.rollup_series(conn, "fb.received", since=vn(8), until=NOW, step="day")
        for queue in ("dossiers_overdue", "dossiers_due_soon", "feedback_open", "sites_down"):
            out[queue] = [r.get("id") or r.get("site_id") for r in q.open_items(conn, queue, now=NOW)]
        out["counts"] = q.open_counts(conn, province="33", now=NOW, cal=CAL)
        out["drift"] = q.rollup_drift(q.stored_rollups(conn), q.recompute_rollups(conn, CAL))
        out["daily"] = q.rollup_drift(q.stored_rollups(conn, step="day"), by_day(q.stored_rollups(conn)))
    return out


def same(a: object, b: object) -> bool:
    """Equal, floats up to rounding (PostgreSQL sums in another order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9, abs=1e-9)
    return a == b


def test_indicators_are_the_same_on_postgres_and_sqlite(pg: Engine, lite: Engine) -> None:
    events = week() + simulated()
    for engine in (pg, lite):
        store(engine, events)
    on_pg, on_lite = everything(pg), everything(lite)
    assert on_pg["drift"] == {} and on_lite["drift"] == {}
    assert on_pg["daily"] == {} and on_lite["daily"] == {}
    for key in on_lite:
        assert same(on_pg[key], on_lite[key]), key
    assert on_pg["dossiers_overdue"] and on_pg["sites_down"]  # the comparison compared something


def test_scripted_week_on_postgres(pg: Engine) -> None:
    store(pg, week(), batch=5)
    with pg.connect() as conn:
        got = q.compute_indicators(conn, province="33", since=vn(10), until=NOW, now=NOW, cal=CAL)
        health = {h["family"]: h["events_total"] for h in q.stream_health(conn, NOW)}
    assert {k: got[k].value for k in EXPECTED} == pytest.approx(EXPECTED)
    assert health == {"dossier": 14, "feedback": 10, "infra": 7}


def test_alert_lifecycle_on_postgres(pg: Engine) -> None:
    rules = [SITE_DOWN, SURGE, INCIDENT]
    store(pg, [site(vn(11, 9), "down", "12003"), *[feedback(vn(11, 9, m), "12003") for m in range(2, 24, 2)]])
    with pg.begin() as conn:
        changes = evaluate(conn, rules, now=vn(11, 9, 25), province="33", cal=CAL)
    assert sorted((c.change, c.alert.rule) for c in changes) == [("linked", "site_down"), ("linked", "surge"),
                                                                 ("raised", "incident")]  # fmt: skip
    incident = next(c.alert for c in changes if c.alert.rule == "incident")
    with pg.begin() as conn:
        assert acknowledge_alert(conn, incident.alert_id, by="lãnh đạo", now=vn(11, 9, 30)) is not None
        assert evaluate(conn, rules, now=vn(11, 9, 31), province="33", cal=CAL) == []
    store(pg, [site(vn(11, 10), "up", "12003")])
    for at in (vn(11, 11), vn(11, 12, 5), vn(11, 12, 40)):  # the outage leaves the whole-hour window at 12:00
        with pg.begin() as conn:
            last = evaluate(conn, rules, now=at, province="33", cal=CAL)
    with pg.connect() as conn:
        history = [h["change"] for h in alert_history(conn, incident.alert_id)]
        assert open_alerts(conn) == []
    assert [(c.change, c.alert.rule) for c in last] == [("cleared", "incident")]  # the others cleared before
    assert history == ["raised", "acknowledged", "cleared"]


def test_dates_stay_aware(pg: Engine) -> None:
    store(pg, week())
    with pg.connect() as conn:
        (row,) = q.open_items(conn, "dossiers_overdue", now=NOW, cal=CAL)
    assert row["due_at"] == vn(11, 9) and isinstance(row["due_at"], datetime) and row["due_at"].tzinfo


def test_migration_0004_fills_the_daily_rollups_on_postgres(pg: Engine) -> None:
    store(pg, simulated())
    hourly, written, filled, hourly_after = refill_daily_rollups(pg)
    assert hourly_after == hourly
    assert q.rollup_drift(filled, written) == {} and q.rollup_drift(filled, by_day(hourly)) == {}
    assert 0 < len(filled) < len(hourly)
