"""Stored rollups equal a recompute from the raw events, whatever the order, duplicates and batching.

Random lifecycles of a few dossiers, feedback cases and sites (events may contradict
each other, come without their first event, share timestamps or move between units)
are delivered shuffled, partly twice, in random batches through the real
``ioc.store.write_batch``. The stored rollups must equal ``recompute_rollups`` and the
in-order store, the daily rollups the hourly ones summed per local day, and the indicators
must come out the same.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from ioc import events as ev
from ioc import indicators as ind
from ioc.ingest import decode_batch
from ioc.rollups import Contributions, by_day
from ioc.store import connect, migrate, write_batch
from ioc.store import queries as q
from ioc.worktime import VN_TZ, WorkCalendar

from .conftest import CodeLocator, messages

CAL = WorkCalendar.vietnam()
T0 = datetime(2025, 3, 3, 8, tzinfo=VN_TZ)  # Monday
NOW = T0 + timedelta(days=15)
UNITS = ("12001", "12002")
Draw = Callable[[st.SearchStrategy[Any]], Any]

times = st.integers(0, 14 * 24 * 4).map(lambda k: T0 + timedelta(minutes=15 * k))  # coarse: times collide


def _event(draw: Draw, cls: type[ev.Event], key: str, entity: str, n: int, **fields: Any) -> ev.Event:
    unit = draw(st.sampled_from(UNITS))  # entities move between units now and then
    return cls(event_id=f"{entity}-{n}", occurred_at=draw(times), source="prop", unit=unit, **{key: entity},
               **fields)  # type: ignore[call-arg]  # fmt: skip


def _dossier(draw: Draw, entity: str) -> list[ev.Event]:
    choice = st.sampled_from
    steps: list[tuple[type[ev.Event], dict[str, Any]]] = []
    if draw(st.integers(0, 9)):  # now and then the received event never comes
        sector = draw(choice(["Hộ tịch", "Đất đai"]))
        steps.append((ev.DossierReceived, {"procedure_code": "p", "sector": sector, "agency": "UBND",
                      "channel": draw(choice(["online", "in_person", "postal"])),
                      "full_online": draw(st.booleans()), "statutory_days": draw(choice([0.5, 1, 3, 10])),
                      "has_fee": draw(st.booleans())}))  # fmt: skip
    for _ in range(draw(st.integers(0, 5))):
        steps.append(draw(choice([
            (ev.DossierProcessing, {}), (ev.DossierSupplementRequested, {}),
            (ev.DossierSupplementReceived, {}), (ev.DossierExtended, {"extension_days": 2}),
            (ev.DossierReturned, {}),
            (ev.DossierCompleted, {"paid_online": draw(st.booleans()), "digitised": draw(st.booleans())}),
        ])))  # fmt: skip
    return [_event(draw, cls, "dossier_id", entity, n, **f) for n, (cls, f) in enumerate(steps)]


def _feedback(draw: Draw, entity: str) -> list[ev.Event]:
    choice = st.sampled_from
    steps: list[tuple[type[ev.Event], dict[str, Any]]] = []
    if draw(st.integers(0, 9)):
        steps.append((ev.FeedbackReceived, {"channel": draw(choice(["zalo", "hotline_1022"])),
                                            "category": draw(choice(["land", "health"]))}))  # fmt: skip
    for _ in range(draw(st.integers(0, 5))):
        steps.append(draw(choice([
            (ev.FeedbackForwarded, {"agency": "UBND", "category": draw(choice([None, "traffic"]))}),
            (ev.FeedbackInProgress, {}), (ev.FeedbackExtended, {"due_at": draw(times)}),
            (ev.FeedbackAnswered, {}),
            (ev.FeedbackClosed, {"satisfaction": draw(choice([None, 2, 4, 5]))}), (ev.FeedbackRejected, {}),
            (ev.FeedbackDuplicate, {"duplicate_of": "x"}),
        ])))  # fmt: skip
    return [_event(draw, cls, "case_id", entity, n, **f) for n, (cls, f) in enumerate(steps)]


def _site(draw: Draw, entity: str) -> list[ev.Event]:
    choice = st.sampled_from
    steps: list[tuple[type[ev.Event], dict[str, Any]]] = []
    for _ in range(draw(st.integers(0, 7))):
        steps.append(draw(choice([
            (ev.SiteStatusChanged, {"status": draw(choice(["up", "down", "degraded"])), "kind": "cell_site",
                                    "operator": "viettel", "technology": draw(choice(["4G", "5G"]))}),
            (ev.AlarmRaised, {"alarm_id": draw(choice(["a1", "a2"])), "severity": "major"}),
            (ev.AlarmCleared, {"alarm_id": draw(choice(["a1", "a2"]))}),
            (ev.SiteMetrics, {"active_users": 10, "throughput_mbps": 5.5, "latency_ms": 20.0}),
        ])))  # fmt: skip
    return [_event(draw, cls, "site_id", entity, n, **f) for n, (cls, f) in enumerate(steps)]


@st.composite
def histories(draw: Draw) -> list[ev.Event]:
    """Every event of up to three dossiers, three feedback cases and two sites."""
    out: list[ev.Event] = []
    for make, prefix, most in ((_dossier, "D", 3), (_feedback, "F", 3), (_site, "S", 2)):
        for i in range(draw(st.integers(0, most))):
            out.extend(make(draw, f"{prefix}{i}"))
    return out


def deliver(engine: Engine, events: list[ev.Event], batch_sizes: list[int]) -> None:
    """Encode, decode, place and store the events in consecutive batches of the given sizes."""
    values = [msgspec.json.encode(e) for e in events]
    start = 0
    for size in [*batch_sizes, len(values)]:
        chunk = values[start : start + size]
        start += size
        if chunk:
            accepted, dead = decode_batch(messages(chunk), CodeLocator(), 65536)
            write_batch(engine, accepted, dead, CAL)


def totals(contributions: Contributions, since: datetime, until: datetime) -> dict[str, float]:
    """Scope totals of every metric over a range, from contributions."""
    b0, b1 = q.span(since, until)
    out: dict[str, float] = {}
    for (_p, _u, bucket, metric, dim), value in contributions.items():
        if dim == "" and b0 <= bucket < b1:
            out[metric] = out.get(metric, 0.0) + value
    return out


def indicator_rows(engine: Engine) -> Rows:
    """(value, previous) of every indicator for the scope over the last eight days."""
    with engine.connect() as conn:
        got = q.compute_indicators(conn, province="33", since=NOW - timedelta(days=8), until=NOW, now=NOW)
    return {i.key: (i.value, i.previous) for i in got}


Rows = dict[str, tuple[float | None, ...]]


def close(a: Rows, b: Rows) -> bool:
    """Equal up to float noise (None only equals None)."""
    return a.keys() == b.keys() and all(
        (x is None) == (y is None) and (x is None or y is None or x == pytest.approx(y, rel=1e-9, abs=1e-9))
        for k in a for x, y in zip(a[k], b[k], strict=True)
    )  # fmt: skip


hour_ranges = st.tuples(st.integers(-24, 15 * 24), st.integers(0, 9 * 24)).map(
    lambda r: (T0 + timedelta(hours=r[0]), T0 + timedelta(hours=r[0] + r[1])))  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.randoms(use_true_random=False), st.lists(st.integers(1, 12), max_size=8), hour_ranges)
def test_stored_rollups_equal_the_recompute_whatever_the_delivery(
    events: list[ev.Event], rng: random.Random, batch_sizes: list[int], hours: tuple[datetime, datetime]
) -> None:
    mixed = events + [rng.choice(events) for _ in range(len(events) // 3)] if events else []
    rng.shuffle(mixed)
    with tempfile.TemporaryDirectory() as folder:
        shuffled, in_order = (connect(f"sqlite:///{Path(folder) / name}") for name in ("a.db", "b.db"))
        for engine in (shuffled, in_order):
            migrate(engine)
        deliver(shuffled, mixed, batch_sizes)
        deliver(in_order, sorted(events, key=lambda e: (e.occurred_at, e.event_id)), [])
        with shuffled.connect() as conn:
            stored, recomputed = q.stored_rollups(conn), q.recompute_rollups(conn, CAL)
            daily = q.stored_rollups(conn, step="day")
        with in_order.connect() as conn:
            reference, reference_daily = q.stored_rollups(conn), q.stored_rollups(conn, step="day")
        assert q.rollup_drift(stored, recomputed) == {}
        assert q.rollup_drift(stored, reference) == {}
        assert q.rollup_drift(daily, by_day(stored)) == {}
        assert q.rollup_drift(daily, by_day(recomputed)) == {}
        assert q.rollup_drift(daily, reference_daily) == {}
        since = NOW - timedelta(days=8)
        from_stored = ind.compute_values(totals(stored, since, NOW))
        from_raw = ind.compute_values(totals(recomputed, since, NOW))
        assert close({k: (v,) for k, v in from_stored.items()}, {k: (v,) for k, v in from_raw.items()})
        assert close(indicator_rows(shuffled), indicator_rows(in_order))
        want = totals(recomputed, *hours)  # whole local days of the range read from the daily rollups
        with shuffled.connect() as conn:
            got = q.rollup_totals(conn, sorted(want) or ["events.dossier"], since=hours[0], until=hours[1])
        assert got == pytest.approx(want or {"events.dossier": 0.0}, rel=1e-9, abs=1e-9)
        for engine in (shuffled, in_order):
            engine.dispose()


def test_a_site_known_only_from_metrics_is_placed_whatever_the_arrival_order(tmp_path: Path) -> None:
    metrics = [ev.SiteMetrics(event_id=f"m{i}", occurred_at=T0 + timedelta(minutes=5 * i), source="prop",
                              unit=unit, site_id="S9", active_users=i, throughput_mbps=1.0, latency_ms=1.0)
               for i, unit in enumerate(UNITS)]  # fmt: skip
    maps = []
    for name, order in (("a.db", metrics), ("b.db", metrics[::-1])):
        engine = connect(f"sqlite:///{tmp_path / name}")
        migrate(engine)
        deliver(engine, order, [1])
        with engine.connect() as conn:
            maps.append(q.unit_rollup_for_map(conn, "site.total", "33", T0, NOW, now=NOW, cal=CAL))
        engine.dispose()
    assert maps[0] == maps[1]
