"""The ingest handler: decode, place, store, publish dead letters. One call per batch."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ioc import store
from ioc.errors import TransientError
from ioc.ingest import Accepted, DeadLetter, Locator, RawMessage, decode_batch
from ioc.store import BatchResult
from ioc.worktime import WorkCalendar

if TYPE_CHECKING:  # the store owns the database; the pipeline only passes its engine along
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
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

    engine: Engine
    locator: Locator
    calendar: WorkCalendar
    max_bytes: int = 65536
    publish_dead: PublishDead | None = None
    totals: Totals = field(default_factory=Totals)

    def __call__(self, messages: Sequence[RawMessage]) -> BatchResult:
        """Store the batch durably (raises StoreUnavailable to be retried), then publish dead letters."""
        accepted, dead = decode_batch(messages, self.locator, self.max_bytes)
        result, dead = self._store(accepted, dead)
        if dead and self.publish_dead is not None:
            self.publish_dead(dead)
        self.totals.add(result)
        return result

    def _store(
        self, accepted: Sequence[Accepted], dead: list[DeadLetter]
    ) -> tuple[BatchResult, list[DeadLetter]]:
        """Store; an event that cannot be stored for a lasting reason is found by halving and dead-lettered.

        Without this, one such message (a date beyond the working calendar, a byte the
        database refuses) would fail its batch on every redelivery and stop ingest.
        """
        try:
            return store.write_batch(self.engine, accepted, dead, self.calendar), dead
        except TransientError:
            raise
        except Exception as exc:  # noqa: BLE001 - anything lasting: isolate the culprit, keep the rest
            if len(accepted) <= 1:
                reason = f"could not be stored: {type(exc).__name__}: {exc}"
                culprits = [DeadLetter(a.message, "store", reason) for a in accepted]
                log.error("dead-lettering an event that cannot be stored: %s", exc)
                all_dead = [*dead, *culprits]
                return store.write_batch(self.engine, [], all_dead, self.calendar), all_dead
            mid = len(accepted) // 2
            first, dead_a = self._store(accepted[:mid], dead)
            second, dead_b = self._store(accepted[mid:], [])
            return first.plus(second), [*dead_a, *dead_b]
