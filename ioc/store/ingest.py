"""Store one batch: raw events (dedup by id), current states, hourly and daily rollup deltas, dead letters.

Everything happens in the caller's transaction, so a batch is stored whole or not at
all; the consumer commits Kafka offsets only after that transaction commits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ioc import events as ev
from ioc.ingest import Accepted, DeadLetter, _decoder
from ioc.rollups import Contributions, accumulate, by_day, diff, event_contributions, state_contributions
from ioc.state import STATE_TYPES, EntityState, Placed, fold, needs_refold
from ioc.store import bulk, settled
from ioc.store import tables as t
from ioc.worktime import WorkCalendar

CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: new events, duplicates skipped, dead letters, entities refolded."""

    stored: int
    duplicates: int
    dead: int
    refolded: int

    def plus(self, other: BatchResult) -> BatchResult:
        """Both results together."""
        return BatchResult(self.stored + other.stored, self.duplicates + other.duplicates,
                           self.dead + other.dead, self.refolded + other.refolded)  # fmt: skip


def _insert(conn: Connection, table: Table) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def store_batch(
    conn: Connection, accepted: Sequence[Accepted], dead: Sequence[DeadLetter], cal: WorkCalendar,
    *, now: datetime | None = None,
) -> BatchResult:  # fmt: skip
    """Store a decoded batch idempotently: a redelivered batch changes nothing."""
    now = now or datetime.now(UTC)
    new = _insert_events(conn, accepted, now)
    contributions: Contributions = {}
    for item in new:
        accumulate(contributions, event_contributions(item.event, item.place.province, item.place.unit))
    refolded = 0
    by_family: dict[str, dict[str, list[Accepted]]] = defaultdict(lambda: defaultdict(list))
    for item in new:
        by_family[item.event.family][item.event.entity_id].append(item)
    counts: Counter[CountKey] = Counter()
    for family, entities in by_family.items():
        refolded += _update_states(conn, family, entities, contributions, counts, cal)
    _apply_rollups(conn, contributions)
    _apply_counts(conn, counts)
    _insert_dead(conn, dead, now)
    _update_heads(conn, new, now)
    return BatchResult(len(new), len(accepted) - len(new), len(dead), refolded)


def _insert_events(conn: Connection, accepted: Sequence[Accepted], now: datetime) -> list[Accepted]:
    unique: dict[str, Accepted] = {}
    for item in accepted:
        unique.setdefault(item.event.event_id, item)
    if not unique:
        return []
    at = bulk.time_binder(conn)
    ingested = at(now)
    rows = sorted(
        (i.event.event_id, i.event.__struct_config__.tag, i.event.family, i.event.entity_id,
         i.place.province, i.place.unit, at(i.event.occurred_at), ingested, i.raw)
        for i in unique.values()
    )  # fmt: skip  (sorted: writers take row locks in one order)
    inserted = set(
        bulk.upsert(conn, t.events, EVENT_COLUMNS, rows, conflict=["event_id"], returning="event_id")
    )
    return [i for i in unique.values() if i.event.event_id in inserted]


EVENT_COLUMNS = ("event_id", "type", "family", "entity_id", "province", "unit", "occurred_at", "ingested_at",
                 "payload")  # fmt: skip


def _update_states(
    conn: Connection, family: str, entities: dict[str, list[Accepted]], out: Contributions,
    counts: Counter[CountKey], cal: WorkCalendar,
) -> int:  # fmt: skip
    table, key = t.STATE_TABLES[family], t.KEY_COLUMNS[family]
    state_type = STATE_TYPES[family]
    current: dict[str, EntityState] = {}
    ids = sorted(entities)
    if conn.dialect.name == "postgresql":
        # Serialise writers of the same entity (a replaced consumer finishing its old batch, producers
        # that don't key by entity): without it both read the same "before" and rollups drift.
        conn.exec_driver_sql(
            "SELECT pg_advisory_xact_lock(hashtext(x)) FROM unnest(%s::text[]) AS x ORDER BY x",
            ([f"{family}:{i}" for i in ids],),
        )
    for chunk in _chunks(ids):
        for entity_id, doc in conn.execute(select(table.c[key], table.c.doc).where(table.c[key].in_(chunk))):
            current[entity_id] = msgspec.json.decode(doc, type=state_type)
    refold: list[str] = []
    changed: list[EntityState] = []
    for entity_id, items in entities.items():
        state = current.get(entity_id)
        before = state_contributions(state, cal)
        if (was := count_key(family, state)) is not None:
            counts[was] -= 1
        items.sort(key=lambda i: (i.event.occurred_at, i.event.event_id))
        if state is not None and any(needs_refold(state, i.event) for i in items):
            refold.append(entity_id)
            accumulate(out, before, -1)
            continue
        state = state or state_type(entity_id=entity_id)
        for item in items:
            state.apply(item.event, item.place, cal)  # type: ignore[attr-defined]
        accumulate(out, diff(before, state_contributions(state, cal)))
        changed.append(state)
    for state in _refold(conn, family, refold, cal):
        accumulate(out, state_contributions(state, cal))
        changed.append(state)
    for state in changed:
        if (now := count_key(family, state)) is not None:
            counts[now] += 1
    _upsert_states(conn, family, changed)
    return len(refold)


def _refold(conn: Connection, family: str, ids: list[str], cal: WorkCalendar) -> list[EntityState]:
    """Rebuild states from every stored event of these entities (late or out-of-order input)."""
    history: dict[str, list[tuple[ev.Event, Placed]]] = defaultdict(list)
    cols = (t.events.c.entity_id, t.events.c.payload, t.events.c.unit, t.events.c.province)
    for chunk in _chunks(ids):
        query = select(*cols).where(t.events.c.family == family, t.events.c.entity_id.in_(chunk))
        for entity_id, payload, unit, province in conn.execute(query):
            history[entity_id].append((_decoder.decode(payload), Placed(unit, province)))
    return [fold(family, entity_id, history[entity_id], cal) for entity_id in ids]


def _upsert_states(conn: Connection, family: str, states: list[EntityState]) -> None:
    if not states:
        return
    table, key = t.STATE_TABLES[family], t.KEY_COLUMNS[family]
    fields = [c.name for c in table.c if c.name not in (key, "doc", "alarms")]
    columns = [key, "doc", *fields] + (["alarms"] if family == "infra" else [])
    times = {c.name for c in table.c if isinstance(c.type, t.UTCDateTime)}
    at = bulk.time_binder(conn)
    rows = []
    for state in sorted(states, key=lambda s: s.entity_id):
        values = [at(getattr(state, f)) if f in times else getattr(state, f) for f in fields]
        extra = [len(state.alarms)] if family == "infra" else []  # type: ignore[attr-defined]
        rows.append((state.entity_id, msgspec.json.encode(state), *values, *extra))
    bulk.upsert(conn, table, columns, rows, conflict=[key], update=columns[1:])


def _apply_rollups(conn: Connection, contributions: Contributions) -> None:
    """Add the batch's contributions to the hourly rollups, then the same summed per day to the daily ones."""
    # Sorted, hourly before daily: writers take row locks in one order.
    for table, changes in ((t.rollups, contributions), (t.rollups_daily, by_day(contributions))):
        rows = sorted((p, m, b, u, d, float(v)) for (p, u, b, m, d), v in changes.items() if v)
        if rows:
            bulk.upsert(conn, table, ROLLUP_COLUMNS, rows, conflict=ROLLUP_COLUMNS[:5], increment=["value"])
    settled.note_writes(conn, (b for (_, _, b, _, _), v in contributions.items() if v))


ROLLUP_COLUMNS = ("province", "metric", "bucket", "unit", "dim", "value")
COUNT_COLUMNS = ("family", "province", "status", "answered", "unit", "n")
CountKey = tuple[str, str, str, bool, str]  # COUNT_COLUMNS but n


def count_key(family: str, state: EntityState | None) -> CountKey | None:
    """Where an entity counts in ``state_counts`` (None: a family not counted, or no state yet)."""
    if state is None or family not in t.COUNTED:
        return None
    answered = getattr(state, "answered_at", None) is not None
    return (family, state.province or "", state.status or "", answered, state.unit or "")  # type: ignore[attr-defined]


def _apply_counts(conn: Connection, counts: Counter[CountKey]) -> None:
    """Move the batch's entities between states in ``state_counts``, in key order like the rollups."""
    rows = sorted((*key, n) for key, n in counts.items() if n)
    if rows:
        bulk.upsert(conn, t.state_counts, COUNT_COLUMNS, rows, conflict=COUNT_COLUMNS[:5], increment=["n"])


def _insert_dead(conn: Connection, dead: Sequence[DeadLetter], now: datetime) -> None:
    if not dead:
        return
    rows = [
        {"topic": d.message.topic, "partition": d.message.partition, "offset": d.message.offset,
         "kind": d.kind, "reason": d.reason, "raw": d.message.value or b"", "received_at": now}
        for d in dead
    ]  # fmt: skip
    stmt = _insert(conn, t.dead_letters).on_conflict_do_nothing(
        index_elements=["topic", "partition", "offset"]
    )
    conn.execute(stmt, rows)


def _update_heads(conn: Connection, new: Sequence[Accepted], now: datetime) -> None:
    newest: dict[str, datetime] = {}
    counts: Counter[str] = Counter()
    for item in new:
        family = item.event.family
        counts[family] += 1
        if family not in newest or item.event.occurred_at > newest[family]:
            newest[family] = item.event.occurred_at
    for family, count in sorted(counts.items()):
        stmt = _insert(conn, t.stream_heads).values(
            family=family, newest_event_at=newest[family], last_ingested_at=now, events_total=count
        )
        head = t.stream_heads.c
        conn.execute(stmt.on_conflict_do_update(
            index_elements=["family"],
            set_={
                "last_ingested_at": stmt.excluded.last_ingested_at,
                "events_total": head.events_total + stmt.excluded.events_total,
                "newest_event_at": _greatest(conn, head.newest_event_at, stmt.excluded.newest_event_at),
            },
        ))  # fmt: skip


def _greatest(conn: Connection, a: Any, b: Any) -> Any:
    return func.greatest(a, b) if conn.dialect.name == "postgresql" else func.max(a, b)


