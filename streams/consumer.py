"""The one consume loop: poll a batch, store it, then commit its offsets."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from ioc.errors import TransientError
from ioc.ingest import RawMessage

log = logging.getLogger(__name__)
Handle = Callable[[Sequence[RawMessage]], Any]


@dataclass
class RunStats:
    """What a run of the loop did."""

    messages: int = 0
    batches: int = 0
    retries: int = 0
    commit_failures: int = 0


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff between retries of a failed store, capped."""

    first: float = 0.2
    cap: float = 10.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        return min(self.cap, self.first * 2**attempt)


def make_consumer(bootstrap: str, group_id: str, topics: Sequence[str], **overrides: Any) -> KafkaConsumer:
    """A consumer in the group with manual commits; offsets start at the earliest message."""
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap.split(","),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": 2000,
        "max_poll_interval_ms": 600_000,  # a long database outage must not cost the assignment
        "fetch_max_bytes": 16 * 1024 * 1024,
        "reconnect_backoff_max_ms": 2000,
    }
    config.update(overrides)
    consumer = KafkaConsumer(**config)
    # Partition metadata first: joining the group before it is known gives an empty assignment and a
    # second rebalance as soon as it arrives, and kafka-python 3.0.12 once stayed stuck in that one
    # (no partitions, nothing consumed; seen in CI's test_sigkill_mid_stream_then_restart...).
    consumer.topics()
    consumer.subscribe(list(topics))
    return consumer


def run(
    consumer: KafkaConsumer, handle: Handle, *, max_messages: int | None = None,
    idle_timeout: float | None = None, stop: threading.Event | None = None, batch_size: int = 2000,
    backoff: Backoff = Backoff(), on_batch: Callable[[KafkaConsumer, RunStats], None] | None = None,
) -> RunStats:  # fmt: skip
    """Consume until ``max_messages``, ``idle_timeout`` seconds without messages, or ``stop``.

    Offsets are committed only after ``handle`` returns, so a crash re-delivers the
    batch (``handle`` is idempotent). A ``TransientError`` from ``handle`` (database
    down) is retried with backoff, without committing, until it succeeds or ``stop``.
    """
    stats = RunStats()
    stop = stop or threading.Event()
    last_message = time.monotonic()
    while not stop.is_set():
        if max_messages is not None and stats.messages >= max_messages:
            break
        limit = batch_size if max_messages is None else min(batch_size, max_messages - stats.messages)
        polled = consumer.poll(timeout_ms=200, max_records=limit)
        records = [r for batch in polled.values() for r in batch]
        if not records:
            if idle_timeout is not None and time.monotonic() - last_message > idle_timeout:
                break
            continue
        last_message = time.monotonic()
        messages = [RawMessage(r.topic, r.partition, r.offset, r.value, r.key) for r in records]
        if not _handle_with_retry(handle, messages, stop, backoff, stats):
            break  # stopped while the store was down: nothing committed, all re-delivered
        _commit(consumer, records, stats)
        stats.messages += len(records)
        stats.batches += 1
        if on_batch is not None:
            on_batch(consumer, stats)
    return stats


def _handle_with_retry(
    handle: Handle, messages: list[RawMessage], stop: threading.Event, backoff: Backoff, stats: RunStats
) -> bool:
    attempt = 0
    while True:
        try:
            handle(messages)
            return True
        except TransientError as exc:
            wait = backoff.delay(attempt)
            log.warning(
                "store unavailable (%s); retry %d in %.1fs, offsets not committed", exc, attempt + 1, wait
            )
            stats.retries += 1
            attempt += 1
            if stop.wait(wait):
                return False


def _commit(consumer: KafkaConsumer, records: list[Any], stats: RunStats) -> None:
    offsets: dict[TopicPartition, OffsetAndMetadata] = {}
    for r in records:
        tp = TopicPartition(r.topic, r.partition)
        if tp not in offsets or r.offset + 1 > offsets[tp].offset:
            offsets[tp] = OffsetAndMetadata(r.offset + 1, "", -1)
    for attempt in range(5):
        try:
            consumer.commit(offsets)
            return
        except CommitFailedError as exc:
            # The group rebalanced: these partitions may belong to another member now, which
            # will re-deliver from the last commit; storage is idempotent, so nothing doubles.
            log.warning("commit failed after rebalance (%s); batch will be re-delivered", exc)
            stats.commit_failures += 1
            return
        except KafkaError as exc:
            log.warning("commit failed (%s), retrying", exc)
            stats.commit_failures += 1
            time.sleep(min(2.0, 0.2 * 2**attempt))  # broker restarting: reconnect takes a moment


def lag(consumer: KafkaConsumer) -> dict[str, int]:
    """Messages not yet consumed, per topic, from the consumer's view of the high watermarks."""
    out: dict[str, int] = {}
    for tp in consumer.assignment():
        high = consumer.highwater(tp)
        if high is None:
            continue
        out[tp.topic] = out.get(tp.topic, 0) + max(0, high - consumer.position(tp))
    return out
