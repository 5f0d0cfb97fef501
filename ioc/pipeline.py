"""The ingest handler: decode, place, store, publish dead letters. One call per batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ioc import store
from ioc.ingest import DeadLetter, Locator, RawMessage, decode_batch
from ioc.store import BatchResult
from ioc.worktime import WorkCalendar

if TYPE_CHECKING:  # the store owns the database; the pipeline only passes its engine along
    from sqlalchemy import Engine

PublishDead = Callable[[Sequence[DeadLetter]], None]


@dataclass
class Totals:
    """Running totals of what the handler did, for progress lines and benchmarks."""

    batches: int = 0
    stored: int = 0
    duplicates: int = 0
    dead: int = 0
    refolded: int = 0

    def add(self, result: BatchResult) -> None:
        """Add one batch's result."""
        self.batches += 1
        self.stored += result.stored
        self.duplicates += result.duplicates
        self.dead += result.dead
        self.refolded += result.refolded


@dataclass
class Ingest:
    """``handle(messages)`` for the consume loop and the demo feed alike."""

    engine: "Engine"
    locator: Locator
    calendar: WorkCalendar
    max_bytes: int = 65536
    publish_dead: PublishDead | None = None
    totals: Totals = field(default_factory=Totals)

    def __call__(self, messages: Sequence[RawMessage]) -> BatchResult:
        """Store the batch durably (raises StoreUnavailable to be retried), then publish dead letters."""
        accepted, dead = decode_batch(messages, self.locator, self.max_bytes)
        result = store.write_batch(self.engine, accepted, dead, self.calendar)
        if dead and self.publish_dead is not None:
            self.publish_dead(dead)
        self.totals.add(result)
        return result
