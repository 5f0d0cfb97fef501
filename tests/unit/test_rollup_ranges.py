"""Ranges read whole local days from the daily rollups and the edges hourly, with the all-hourly results."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from ioc.rollups import DAY, HOUR
from ioc.store import queries as q
from ioc.store import ranges, settled
from ioc.worktime import VN_TZ, WorkCalendar

from .test_store_ingest import ingest, simulated


def local(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    """A local time in 2026 (the simulated history runs from 2 March 07:00 to 12 March 07:00)."""
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


NOW = local(11, 14, 20)


@pytest.mark.parametrize(
    ("since", "until", "hours"),
    [
        (local(11, 8), local(11, 14), (6, 0, 0)),  # shorter than a day
        (local(11), NOW, (15, 0, 0)),  # today: from local midnight, nothing whole yet
        (local(10, 20), local(11, 6), (10, 0, 0)),  # crossing one midnight
        (NOW - timedelta(days=1), NOW, (25, 0, 0)),  # the last 24 hours (25 buckets): no whole day fits
        (local(10, 23), local(12, 1), (1, 24, 1)),  # two midnights: the day between is whole
        (local(10, 23), local(12, 0), (1, 24, 0)),  # one whole day, ending on a midnight
        (local(10), local(11), (0, 24, 0)),  # exactly one day
        (local(8), local(10, 5, 30), (0, 48, 6)),  # aligned start, the end ceiled to the hour
        (NOW - timedelta(days=7), NOW, (10, 6 * 24, 15)),
        (NOW - timedelta(days=30), NOW, (10, 29 * 24, 15)),  # crosses the end of February
        (local(28, 17, month=2), local(11, 17), (7, 10 * 24, 17)),
        (local(11, 10), local(11, 10), (0, 0, 0)),  # empty
    ],
)
def test_a_range_splits_into_an_hourly_head_whole_local_days_and_an_hourly_tail(
    since: datetime, until: datetime, hours: tuple[int, int, int]
) -> None:
    b0, b1 = q.span(since, until)
    (h0, h1), (d0, d1), (t0, t1) = ranges.split_span(b0, b1)
    assert (h0, h1 == d0, d1 == t0, t1) == (b0, True, True, b1)  # contiguous, covering [b0, b1)
    assert ((h1 - h0) // HOUR, (d1 - d0) // HOUR, (t1 - t0) // HOUR) == hours
    for day in range(d0, d1, DAY):  # whole days start at local midnight
        assert datetime.fromtimestamp(day, VN_TZ).time().hour == 0


RANGES = {
    "today": (local(11), NOW),
    "24h": (NOW - timedelta(days=1), NOW),
    "crossing midnight": (local(10, 20), local(11, 6)),
    "aligned days": (local(5), local(8)),
    "aligned start": (local(5), local(8, 9, 30)),
    "7d": (NOW - timedelta(days=7), NOW),
    "30d": (NOW - timedelta(days=30), NOW),  # since before the first row
    "all and after": (local(20, month=2), local(20)),
    "empty": (local(11, 10), local(11, 10)),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Ten days of five communes, delivered in batches."""
    from ioc.store import connect, migrate

    engine = connect(f"sqlite:///{tmp_path_factory.mktemp('ranges') / 'ioc.db'}")
    migrate(engine)
    ingest(engine, simulated(seed=5), WorkCalendar.vietnam(), batch=40)
    yield engine
    engine.dispose()


def reads(engine: Engine, since: datetime, until: datetime, *, cold: bool = True) -> dict[str, Any]:
    """Every rollup read of the store over the range."""
    kw: dict[str, Any] = {"province": "33", "since": since, "until": until}
    if cold:  # from the tables, not from settled sums an earlier read kept
        settled.for_engine(engine).clear()
    with engine.connect() as conn:
        got = q.compute_indicators(conn, **kw, now=NOW)
        unit = q.compute_indicators(conn, **kw, unit="12002", now=NOW)
        return {
            "indicators": {i.key: (i.value, i.previous) for i in got},
            "ranked": (got.top_categories, got.hotspots),
            "unit": {i.key: (i.value, i.previous) for i in unit},
            "totals": q.rollup_totals(conn, ["dos.received", "fb.received", "site.down_minutes"], **kw),
            "by sector": q.rollup_totals(conn, ["dos.received"], **kw, dim="sector:Hộ tịch"),
            "hours": q.rollup_series(conn, "events.dossier", **kw),
            "days": q.rollup_series(conn, "dos.completed", **kw, step="day"),
            "by unit": q.rollup_by_unit(conn, "dos.received", **kw),
            "categories": q.rollup_by_dim(conn, "fb.received", "category:", **kw),
            "channels": q.rollup_by_dim(conn, "fb.received", "channel:", **kw, values=["zalo", "web_portal"]),
            "dims": q.rollup_by_dim(conn, "fb.received", "", **kw),
            "map": q.unit_rollup_for_map(conn, "dos.on_time_rate", "33", since, until, now=NOW),
            "score": q.unit_rollup_for_map(conn, "score.service", "33", since, until, now=NOW),
            "facts": q.facts(conn, ["fb.avg_days", "site.availability"], **kw, now=NOW, by_unit=True),
        }


def same(a: object, b: object) -> bool:
    """Equal, floats up to the order of addition."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9, abs=1e-9)
    return a == b


@pytest.mark.parametrize("name", RANGES)
def test_every_rollup_read_gives_what_the_hourly_rows_alone_give(
    store: Engine, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    since, until = RANGES[name]
    with_days = reads(store, since, until)
    monkeypatch.setattr(ranges, "split_span", lambda b0, b1: ((b0, b1), (b1, b1), (b1, b1)))
    hourly = reads(store, since, until)
    for key, value in hourly.items():
        assert same(with_days[key], value), key
    if name not in ("empty", "all and after"):
        assert with_days["totals"]["dos.received"] > 0  # the comparison compared something


def test_totals_are_the_stored_hourly_rows_summed(store: Engine) -> None:
    with store.connect() as conn:
        rows = q.stored_rollups(conn)
        for since, until in RANGES.values():
            b0, b1 = q.span(since, until)
            want: dict[str, float] = {}
            for (_p, _u, bucket, metric, dim), value in rows.items():
                if dim == "" and b0 <= bucket < b1:
                    want[metric] = want.get(metric, 0.0) + value
            got = q.rollup_totals(conn, sorted(want) or ["dos.received"], since=since, until=until)
            assert got == pytest.approx(want or {"dos.received": 0.0})


@pytest.mark.parametrize("name", RANGES)
def test_reading_again_from_the_settled_sums_kept_gives_what_the_tables_give(
    store: Engine, name: str
) -> None:
    since, until = RANGES[name]  # March 2026: settled long ago, so the second read comes from memory
    cold = reads(store, since, until)
    kept = settled.for_engine(store)
    hits = kept.hits
    warm = reads(store, since, until, cold=False)
    for key, value in cold.items():
        assert same(warm[key], value), key
    assert kept.hits > hits or name == "empty"  # an empty range reads nothing
