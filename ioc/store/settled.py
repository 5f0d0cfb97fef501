"""Rollup sums over settled hours, kept in memory until a late write reaches them.

Live events land in the current hour. The rollups of an hour more than an hour old
change only through late writes: a late event, an outage restored hours after it
started, a repair. A writer notes each batch that reaches that far back in
``rollup_late_writes`` (``note_writes``, in the batch's transaction). A reader
(``SettledSums``, one per engine) keeps the sums of hours that ended at least
``SETTLE`` ago and reads only the recent hours from the tables. Before it uses what
it keeps, it reads the log's newest position (one primary-key lookup) and forgets
the sums a newer late write reached: the log works across processes, so a consumer
in another process is seen as well as one in this one.

``SETTLE - LATE`` (an hour) is the slack for a batch's transaction and for clocks
that disagree between the writer and the reader.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select

from ioc.rollups import HOUR
from ioc.store import tables as t

SETTLE = 2 * HOUR  # readers keep sums of hours that ended this long ago
LATE = HOUR  # writers note writes to hours that ended this long ago
KEEP = 5_000  # log rows kept; a reader that has not looked since rows it missed were pruned forgets all
PRUNE_EVERY = 500  # the log is pruned when its position is a multiple of this
Sums = dict[tuple[Any, ...], float]


def settled_before(now: float | None = None) -> int:
    """The hour bucket up to which (excluded) sums are settled at ``now`` (seconds, wall clock)."""
    return int(time.time() if now is None else now) // HOUR * HOUR - SETTLE


def note_writes(conn: Connection, buckets: Iterable[int], *, now: float | None = None) -> None:
    """Log the batch if it wrote a rollup hour that ended more than ``LATE`` ago (by the wall clock)."""
    oldest = min(buckets, default=None)
    if oldest is None or oldest >= int(time.time() if now is None else now) // HOUR * HOUR - LATE:
        return
    log = t.rollup_late_writes
    row = conn.execute(insert(log).values(oldest=oldest, at=datetime.now(UTC))).inserted_primary_key
    seq = int(row[0]) if row else 0
    if seq % PRUNE_EVERY == 0:
        conn.execute(delete(log).where(log.c.seq <= seq - KEEP))


class SettledSums:
    """Settled rollup sums by what was read over which hours; forgotten when a late write reaches them."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[int, Sums]] = OrderedDict()  # key -> (settled end, sums)
        self._seq: int | None = None  # the log position the entries are valid at
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def sync(self, conn: Connection) -> int:
        """Catch up with the late-write log; the position to pass to ``put``."""
        log = t.rollup_late_writes.c
        with self._lock:  # two small reads: holding the lock keeps catching up in one order
            ends = conn.execute(select(func.max(log.seq), func.min(log.seq))).one()
            newest, first = int(ends[0] or 0), int(ends[1] or 0)
            seen = self._seq
            if seen == newest:
                return newest
            reached: int | None = None  # None: forget all (new, or rows it never saw are gone)
            if seen is not None and seen < newest and not (first and seen < first - 1):
                found = conn.execute(select(func.min(log.oldest)).where(log.seq > seen)).scalar()
                reached = None if found is None else int(found)
            if reached is None:
                self._entries.clear()
            else:
                for key in [k for k, (end, _) in self._entries.items() if reached < end]:
                    del self._entries[key]
            self._seq = newest
            return newest

    def get(self, key: Hashable) -> Sums | None:
        """The sums kept under ``key``, or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found[1]

    def put(self, key: Hashable, end: int, sums: Sums, seq: int) -> None:
        """Keep sums read over hours before ``end``, unless the log moved past ``seq`` (they may be stale)."""
        with self._lock:
            if self._seq != seq:
                return
            self._entries[key] = (end, sums)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (the next read goes to the tables)."""
        with self._lock:
            self._entries.clear()
            self._seq = None


_by_engine: weakref.WeakKeyDictionary[Engine, SettledSums] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def for_engine(engine: Engine) -> SettledSums:
    """The settled sums of one store (engine)."""
    with _registry_lock:
        found = _by_engine.get(engine)
        if found is None:
            found = _by_engine[engine] = SettledSums()
        return found
