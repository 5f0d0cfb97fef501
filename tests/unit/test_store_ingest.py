"""Storing batches: idempotent, order-independent, nothing lost, rollups kept in step."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest
from sqlalchemy import Engine, func, select

from ioc import events as ev
from ioc.event_examples import examples
from ioc.ingest import decode_batch
from ioc.rollups import by_day
from ioc.simulation import Simulator, SimUnit
from ioc.store import queries as q
from ioc.store import tables as t
from ioc.store import write_batch
from ioc.worktime import VN_TZ, WorkCalendar
from tests.support.snapshot import snapshot

from .conftest import CodeLocator, messages


def ingest(engine: Engine, events: list[ev.Event], cal: WorkCalendar, batch: int = 50) -> None:
    values = [msgspec.json.encode(e) for e in events]
    for i in range(0, len(values), batch):
        accepted, dead = decode_batch(messages(values[i : i + batch]), CodeLocator(), 65536)
        write_batch(engine, accepted, dead, cal)


def simulated(hours: int = 240, seed: int = 3) -> list[ev.Event]:
    units = [SimUnit(f"{12000 + i}", 20.6, 106.1) for i in range(5)]
    start = datetime(2026, 3, 2, tzinfo=UTC)
    sim = Simulator(units, rate=0.008, start=start, cal=WorkCalendar.vietnam(), seed=seed)
    return sim.advance(start + timedelta(hours=hours))


def test_lifecycle_examples_fold_into_current_states(sqlite_engine: Engine, cal: WorkCalendar) -> None:
    ingest(sqlite_engine, list(examples().values()), cal)
    with sqlite_engine.connect() as conn:
        cases = t.feedback_cases
        case = conn.execute(select(cases).where(cases.c.case_id == "PA-2026-000123")).one()
        dossier = conn.execute(select(t.dossiers).where(t.dossiers.c.dossier_id.like("%0001"))).one()
        site = conn.execute(select(t.sites)).one()
    assert (case.status, case.satisfaction, case.outcome) == ("closed", 5, "early")
    assert (dossier.status, dossier.outcome) == ("completed", "early")
    assert (site.status, site.alarms, site.active_users) == ("down", 0, 318)


def test_redelivered_batches_change_nothing(sqlite_engine: Engine, cal: WorkCalendar) -> None:
    events = simulated()
    ingest(sqlite_engine, events, cal)
    first = snapshot(sqlite_engine)
    ingest(sqlite_engine, events, cal)
    ingest(sqlite_engine, events[: len(events) // 2], cal, batch=7)
    assert snapshot(sqlite_engine) == first


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_out_of_order_and_duplicated_delivery_gives_the_in_order_result(
    tmp_path, seed: int, cal: WorkCalendar  # type: ignore[no-untyped-def]
) -> None:
    from ioc.store import connect, migrate

    events = simulated(seed=seed)
    in_order = connect(f"sqlite:///{tmp_path / 'a.db'}")
    shuffled = connect(f"sqlite:///{tmp_path / 'b.db'}")
    for e in (in_order, shuffled):
        migrate(e)
    ingest(in_order, sorted(events, key=lambda e: (e.occurred_at, e.event_id)), cal)
    rng = random.Random(seed)
    mixed = events + rng.sample(events, len(events) // 5)
    rng.shuffle(mixed)
    ingest(shuffled, mixed, cal, batch=rng.randint(5, 40))
    assert snapshot(shuffled) == snapshot(in_order)
    with shuffled.connect() as conn:  # entities moved between states, refolds included, as the rows say
        assert q.stored_state_counts(conn) == q.recount_states(conn)
        assert sum(n for (family, *_), n in q.stored_state_counts(conn).items() if family == "dossier") > 0


def test_late_completion_moves_dossier_from_open_to_late(sqlite_engine: Engine, cal: WorkCalendar) -> None:
    ex = examples()
    received, completed = ex["dossier.received"], ex["dossier.completed"]
    forty_days = received.occurred_at + timedelta(days=40)
    late = msgspec.structs.replace(completed, event_id="late-1", occurred_at=forty_days)
    ingest(sqlite_engine, [received, late], cal)
    # An earlier completion arrives late: the state follows event time.
    ingest(sqlite_engine, [completed], cal)
    with sqlite_engine.connect() as conn:
        dossier = conn.execute(select(t.dossiers.c.status, t.dossiers.c.outcome, t.dossiers.c.finished_at)
                               .where(t.dossiers.c.dossier_id == received.dossier_id)).one()  # fmt: skip
        late_count = conn.execute(select(func.sum(t.rollups.c.value)).where(
            t.rollups.c.metric == "dos.late", t.rollups.c.dim == "")).scalar()  # fmt: skip
    assert dossier.finished_at == late.occurred_at.astimezone(UTC)
    assert (dossier.status, dossier.outcome) == ("completed", "late")
    assert late_count == 1


def test_dead_letters_are_stored_with_reason_and_bytes_once(sqlite_engine: Engine, cal: WorkCalendar) -> None:
    batch = messages([b"junk", msgspec.json.encode(examples()["feedback.received"])])
    for _ in range(2):  # a redelivery must not duplicate dead letters either
        accepted, dead = decode_batch(batch, CodeLocator(), 65536)
        write_batch(sqlite_engine, accepted, dead, cal)
    with sqlite_engine.connect() as conn:
        dl = t.dead_letters.c
        rows = conn.execute(select(dl.kind, dl.reason, dl.raw)).all()
        heads = conn.execute(select(t.stream_heads.c.family, t.stream_heads.c.events_total)).all()
    assert [(r.kind, r.raw) for r in rows] == [("json", b"junk")]
    assert "not valid JSON" in rows[0].reason
    assert heads == [("feedback", 1)]


def test_an_event_that_cannot_be_stored_is_dead_lettered_and_the_rest_of_its_batch_stored(
    sqlite_engine: Engine, cal: WorkCalendar
) -> None:
    from ioc.pipeline import Ingest

    ex = examples()
    beyond_calendar = msgspec.structs.replace(
        ex["feedback.received"], event_id="far-future", case_id="c-2040",
        occurred_at=datetime(2040, 1, 2, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    batch = [msgspec.json.encode(e) for e in (ex["dossier.received"], beyond_calendar, ex["site.status"])]
    result = Ingest(sqlite_engine, CodeLocator(), cal)(messages(batch))
    with sqlite_engine.connect() as conn:
        dl = t.dead_letters.c
        dead = conn.execute(select(dl.kind, dl.reason, dl.offset)).all()
    assert (result.stored, result.dead) == (2, 1)
    assert [(d.kind, d.offset) for d in dead] == [("store", 1)]
    assert "could not be stored" in dead[0].reason


@pytest.mark.parametrize(
    ("late_types", "status", "metric"),
    [
        (["dossier.processing", "dossier.supplement_requested"], "returned", "dos.returned"),
    ],
)
def test_steps_stamped_after_a_return_do_not_reopen_the_dossier(
    sqlite_engine: Engine, cal: WorkCalendar, late_types: list[str], status: str, metric: str
) -> None:
    ex = examples()
    base = ex["dossier.received"]
    returned = ev.DossierReturned(event_id="r-1", occurred_at=base.occurred_at + timedelta(hours=2),
                                  source="s", unit=base.unit, dossier_id=base.dossier_id)  # fmt: skip
    after = base.occurred_at + timedelta(hours=5)
    late = [msgspec.structs.replace(ex[tag], event_id=f"late-{i}", occurred_at=after)
            for i, tag in enumerate(late_types)]  # fmt: skip
    ingest(sqlite_engine, [base, returned, *late], cal)
    with sqlite_engine.connect() as conn:
        dossiers = t.dossiers.c
        row = conn.execute(select(dossiers.status).where(dossiers.dossier_id == base.dossier_id)).one()
        totals = dict(conn.execute(select(t.rollups.c.metric, func.sum(t.rollups.c.value)).where(
            t.rollups.c.dim == "").group_by(t.rollups.c.metric)).all())  # fmt: skip
    assert row.status == status
    assert totals.get(metric) == 1 and not totals.get("dos.completed")


def test_a_receipt_stamped_after_the_answer_does_not_reopen_the_case(
    sqlite_engine: Engine, cal: WorkCalendar
) -> None:
    ex = examples()
    after_close = ex["feedback.closed"].occurred_at + timedelta(minutes=1)
    received = msgspec.structs.replace(ex["feedback.received"], occurred_at=after_close)
    ingest(sqlite_engine, [ex["feedback.answered"], ex["feedback.closed"], received], cal)
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(t.feedback_cases.c.status)).scalar() == "closed"


def test_metrics_with_the_same_timestamp_keep_one_winner_in_any_order(tmp_path, cal: WorkCalendar) -> None:  # type: ignore[no-untyped-def]
    from ioc.store import connect, migrate

    m = examples()["site.metrics"]
    a = msgspec.structs.replace(m, event_id="m-a", active_users=1)
    b = msgspec.structs.replace(m, event_id="m-b", active_users=2)
    users = []
    for name, order in (("ab", [a, b]), ("ba", [b, a])):
        engine = connect(f"sqlite:///{tmp_path / name}.db")
        migrate(engine)
        for event in order:
            ingest(engine, [event], cal)
        with engine.connect() as conn:
            users.append(conn.execute(select(t.sites.c.active_users)).scalar())
    assert users == [2, 2]


def daily_drift(engine: Engine, cal: WorkCalendar) -> dict[str, object]:
    """Where the daily rollups differ from the hourly ones summed per local day, and from the recompute."""
    with engine.connect() as conn:
        daily = q.stored_rollups(conn, step="day")
        return {"hourly": q.rollup_drift(daily, by_day(q.stored_rollups(conn))),
                "raw": q.rollup_drift(daily, q.recompute_rollups(conn, cal, step="day"))}  # fmt: skip


def days_of(engine: Engine, metric: str) -> dict[date, float]:
    """The non-zero daily rows of a metric (dim ""), by local date."""
    with engine.connect() as conn:
        rows = q.stored_rollups(conn, step="day")
    return {datetime.fromtimestamp(b, VN_TZ).date(): v for (_p, _u, b, m, d), v in rows.items()
            if m == metric and d == "" and v}  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_daily_rollups_stay_the_hourly_ones_summed_per_local_day_in_any_delivery(
    sqlite_engine: Engine, cal: WorkCalendar, seed: int
) -> None:
    events = simulated(seed=seed)
    rng = random.Random(seed)
    mixed = events + rng.sample(events, len(events) // 5)
    rng.shuffle(mixed)  # late events refold their entities and move contributions between hours and days
    ingest(sqlite_engine, mixed, cal, batch=rng.randint(5, 40))
    assert daily_drift(sqlite_engine, cal) == {"hourly": {}, "raw": {}}
    assert len(days_of(sqlite_engine, "events.dossier")) == 11  # 240 hours from a UTC midnight: 11 local days


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in March 2026."""
    return datetime(2026, 3, day, hour, minute, tzinfo=VN_TZ)


def test_a_late_recovery_moves_the_restore_to_the_day_before(
    sqlite_engine: Engine, cal: WorkCalendar
) -> None:
    status = examples()["site.status"]

    def change(n: int, at: datetime, to: str) -> ev.Event:
        return msgspec.structs.replace(status, event_id=f"s-{n}", occurred_at=at, status=to)

    ingest(sqlite_engine, [change(1, local(2, 23), "down"), change(2, local(3, 2), "up")], cal)
    assert days_of(sqlite_engine, "site.restored") == {date(2026, 3, 3): 1}
    assert days_of(sqlite_engine, "site.down_minutes") == {date(2026, 3, 2): 60, date(2026, 3, 3): 120}
    ingest(sqlite_engine, [change(3, local(2, 23, 40), "up")], cal)  # earlier than the stored state: refold
    assert days_of(sqlite_engine, "site.restored") == {date(2026, 3, 2): 1}
    assert days_of(sqlite_engine, "site.down_minutes") == {date(2026, 3, 2): 40}
    assert daily_drift(sqlite_engine, cal) == {"hourly": {}, "raw": {}}


def test_a_completion_after_a_return_moves_the_dossier_to_the_next_day(
    sqlite_engine: Engine, cal: WorkCalendar
) -> None:
    ex = examples()
    received = msgspec.structs.replace(ex["dossier.received"], occurred_at=local(2, 8))
    returned = ev.DossierReturned(event_id="r-1", occurred_at=local(2, 23, 30), source="s",
                                  unit=received.unit, dossier_id=received.dossier_id)  # fmt: skip
    ingest(sqlite_engine, [received, returned], cal)
    assert (days_of(sqlite_engine, "dos.returned"), days_of(sqlite_engine, "dos.completed")) == (
        {date(2026, 3, 2): 1}, {})  # fmt: skip
    # Same UTC day (17:30 UTC), next local day: applied on top of the stored state.
    completed = msgspec.structs.replace(ex["dossier.completed"], event_id="c-1", occurred_at=local(3, 0, 30))
    ingest(sqlite_engine, [completed], cal)
    assert (days_of(sqlite_engine, "dos.returned"), days_of(sqlite_engine, "dos.completed")) == (
        {}, {date(2026, 3, 3): 1})  # fmt: skip
    assert daily_drift(sqlite_engine, cal) == {"hourly": {}, "raw": {}}
