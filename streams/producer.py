"""Producing events and dead letters to Kafka."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from ioc import events as ev
from ioc.errors import TransientError
from ioc.ingest import DeadLetter
from streams.topics import Topics, encode


class DeadLettersUnpublished(TransientError):
    """The dead-letter topic did not acknowledge in time."""


def make_producer(bootstrap: str, **overrides: Any) -> KafkaProducer:
    """A producer that waits for the broker's acknowledgement and batches well."""
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap.split(","),
        "acks": "all",
        "linger_ms": 20,
        "batch_size": 256 * 1024,
        "compression_type": None,
        "retries": 10,
        "max_request_size": 4 * 1024 * 1024,
    }
    config.update(overrides)
    return KafkaProducer(**config)


def produce_events(producer: KafkaProducer, topics: Topics, events: Iterable[ev.Event]) -> int:
    """Send events to their family's topic; returns how many were sent (not yet flushed)."""
    n = 0
    for event in events:
        key, value = encode(event)
        producer.send(topics.of(event.family), key=key, value=value)
        n += 1
    return n


class DeadLetterPublisher:
    """Publishes dead letters with their reason and origin in headers, then flushes."""

    def __init__(self, producer: KafkaProducer, topics: Topics) -> None:
        self.producer, self.topics = producer, topics

    def __call__(self, dead: Sequence[DeadLetter]) -> None:
        """Send and flush, so the consumer commits only after the dead letters are out."""
        for d in dead:
            headers = [
                ("reason", d.reason.encode()),
                ("kind", d.kind.encode()),
                ("origin", f"{d.message.topic}/{d.message.partition}/{d.message.offset}".encode()),
            ]
            self.producer.send(self.topics.dead_letter, key=d.message.key, value=d.message.value or b"",
                               headers=headers)  # fmt: skip
        try:
            self.producer.flush(timeout=30)
        except KafkaError as exc:
            # The broker is restarting: the batch is retried (storing it again changes nothing).
            raise DeadLettersUnpublished(f"dead letters not yet published: {exc}") from exc
