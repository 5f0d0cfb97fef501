"""The test infrastructure itself: a real broker and a real PostgreSQL that behave like production ones."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from ioc.errors import BrokerError
from streams.broker import LocalKafka
from tests.support.kafka import ExternalKafka
from tests.support.postgres import LocalPostgres

DEADLINE_S = 60.0


def consume(consumer: KafkaConsumer, count: int, deadline_s: float = DEADLINE_S) -> list[tuple[str, str]]:
    """Poll until ``count`` messages arrived, failing the test at the deadline."""
    got: list[tuple[str, str]] = []
    deadline = time.monotonic() + deadline_s
    while len(got) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"received {len(got)} of {count} messages within {deadline_s}s: {got}")
        for records in consumer.poll(timeout_ms=500).values():
            got.extend((r.key.decode(), r.value.decode()) for r in records)
    return got


def produce(bootstrap: str, topic: str, messages: list[tuple[str, str]]) -> None:
    """Send keyed messages and wait for every acknowledgement."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        futures = [producer.send(topic, key=k.encode(), value=v.encode()) for k, v in messages]
        for future in futures:
            future.get(timeout=30)
    finally:
        producer.close()


@pytest.fixture
def consumer(kafka_bootstrap: str, topic: str, group_id: str) -> Iterator[KafkaConsumer]:
    c = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, group_id=group_id,
                      auto_offset_reset="earliest", enable_auto_commit=False)
    yield c
    c.close()


def test_messages_produced_are_consumed_in_order_per_key(kafka_bootstrap: str, topic: str,
                                                        consumer: KafkaConsumer) -> None:
    sent = [(f"unit-{i % 3}", f"event-{i}") for i in range(12)]
    produce(kafka_bootstrap, topic, sent)

    got = consume(consumer, len(sent))

    assert sorted(got) == sorted(sent)
    for key in {k for k, _ in sent}:
        assert [v for k, v in got if k == key] == [v for k, v in sent if k == key]


def test_broker_restart_keeps_topic_and_offsets_and_consumer_resumes(
    kafka: LocalKafka | ExternalKafka, kafka_bootstrap: str, topic: str, consumer: KafkaConsumer
) -> None:
    if not isinstance(kafka, LocalKafka):
        pytest.fail("restarting needs the local broker: unset IOC_KAFKA_BOOTSTRAP")
    before = [(f"k{i}", f"before-{i}") for i in range(3)]
    produce(kafka_bootstrap, topic, before)
    assert sorted(consume(consumer, 3)) == sorted(before)
    consumer.commit()

    kafka.restart()

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        assert topic in admin.list_topics()
    finally:
        admin.close()
    after = [(f"k{i}", f"after-{i}") for i in range(3)]
    produce(kafka_bootstrap, topic, after)
    assert sorted(consume(consumer, 3)) == sorted(after)
    consumer.commit()


def test_postgres_restart_keeps_data_and_pool_reconnects(postgres: LocalPostgres, postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://")
    engine = sa.create_engine(postgres_url, pool_pre_ping=True)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE harness_probe (code text PRIMARY KEY)"))
            conn.execute(sa.text("INSERT INTO harness_probe VALUES ('01'), ('33')"))

        postgres.stop()
        with pytest.raises(sa.exc.OperationalError):
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        postgres.start()

        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT code FROM harness_probe ORDER BY code")).scalars().all()
        assert rows == ["01", "33"]
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS harness_probe"))
        engine.dispose()


def test_broker_without_java_raises_broker_error() -> None:
    with pytest.raises(BrokerError, match="Java"):
        LocalKafka(java="no-such-java-binary").start()


def test_broker_that_cannot_listen_raises_with_its_log() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        broker = LocalKafka(port=taken.getsockname()[1], start_timeout=90)
        try:
            with pytest.raises(BrokerError) as error:
                broker.start()
        finally:
            broker.close()
    assert "exited" in str(error.value)
    assert "Address already in use" in str(error.value)
