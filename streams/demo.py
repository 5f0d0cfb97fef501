"""The built-in demo feed: simulated events through the same ``handle`` a Kafka batch takes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from ioc import events as ev
from ioc.errors import TransientError
from ioc.ingest import RawMessage
from ioc.simulation import Simulator
from streams.topics import encode

log = logging.getLogger(__name__)
Handle = Callable[[Sequence[RawMessage]], object]


class DemoFeed:
    """Backfills some simulated history, then feeds live events every ``tick`` seconds."""

    def __init__(
        self, simulator: Simulator, handle: Handle, *, batch_size: int = 2000, tick: float = 1.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:  # fmt: skip
        self.sim, self.handle, self.clock = simulator, handle, clock
        self.batch_size, self.tick = batch_size, tick
        self.stop = threading.Event()
        self.backfilled = threading.Event()
        self._run_id = f"demo-{int(time.time())}"
        self._offset = 0
        self.sent = 0

    def _messages(self, events: Sequence[ev.Event]) -> list[RawMessage]:
        out = []
        for event in events:
            key, value = encode(event)
            out.append(RawMessage(f"{self._run_id}.{event.family}", 0, self._offset, value, key))
            self._offset += 1
        return out

    def _send(self, events: Sequence[ev.Event]) -> None:
        for i in range(0, len(events), self.batch_size):
            batch = self._messages(events[i : i + self.batch_size])
            attempt = 0
            while True:
                try:
                    self.handle(batch)
                    break
                except TransientError as exc:  # the store is busy or restarting: wait, nothing is dropped
                    log.warning("demo feed: %s; retrying", exc)
                    attempt += 1
                    if self.stop.wait(min(10.0, 0.2 * 2**attempt)):
                        return
            self.sent += len(batch)

    def backfill(self, until: datetime) -> None:
        """Fast-forward the simulator to ``until``, storing the history it produces, with progress."""
        start, step = self.sim.now, timedelta(hours=1)
        total = (until - start).total_seconds()
        last_report = 0.0
        while self.sim.now < until and not self.stop.is_set():
            self._send(self.sim.advance(min(until, self.sim.now + step)))
            done = (self.sim.now - start).total_seconds() / total if total > 0 else 1.0
            if done - last_report >= 0.1 or done >= 1.0:
                log.info("demo backfill %3.0f%%: %d events stored", done * 100, self.sent)
                last_report = done
        self.backfilled.set()

    def run(self) -> None:
        """Backfill to now, then produce live events until ``stop`` is set."""
        try:
            self.backfill(self.clock())
            while not self.stop.wait(self.tick):
                self._send(self.sim.advance(self.clock()))
        except Exception:  # the dashboard keeps serving; the log says why the feed stopped
            log.exception("demo feed stopped")
            raise

    def start(self) -> threading.Thread:
        """Run in a daemon thread."""
        thread = threading.Thread(target=self.run, name="demo-feed", daemon=True)
        thread.start()
        return thread
