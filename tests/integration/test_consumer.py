"""The consumer against a real Kafka broker and real databases: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from kafka import KafkaAdminClient, KafkaConsumer
from kafka.admin import NewTopic
from sqlalchemy import create_engine, select, text

from geodata.registry import load_registry
from ioc import events as ev
from ioc.event_examples import examples
from ioc.ingest import RawMessage
from ioc.settings import Settings
from ioc.simulation import Simulator
from ioc.store import connect, migrate
from ioc.store import tables as t
from ioc.worktime import WorkCalendar
from streams import consumer as loop
from streams.producer import DeadLetterPublisher, make_producer, produce_events
from streams.service import build_ingest, sim_units
from streams.topics import Topics
from tests.support.snapshot import count, snapshot, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ioc.db'}"
    else:
        base = request.getfixturevalue("postgres_url")
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = base.rsplit("/", 1)[0] + f"/{name}"
    engine = connect(url)
    migrate(engine)
    engine.dispose()
    yield url


def simulated(n: int, seed: int = 7) -> list[ev.Event]:
    """``n`` realistic events of Hưng Yên (real commune codes), fast-forwarded."""
    sim = Simulator(sim_units(load_registry(), "33"), rate=2.0, start=datetime(2026, 3, 2, tzinfo=UTC),
                    cal=WorkCalendar.vietnam(), seed=seed)  # fmt: skip
    out: list[ev.Event] = []
    for event in sim.stream():
        out.append(event)
        if len(out) == n:
            return out
    raise AssertionError("unreachable")


def reference(events: list[ev.Event], tmp_path: Path) -> dict[str, object]:
    """What the store looks like when the same events are stored directly, once, in order."""
    engine = connect(f"sqlite:///{tmp_path / f'ref-{uuid.uuid4().hex}.db'}")
    migrate(engine)
    ingest = build_ingest(Settings(), engine, load_registry())
    values = [msgspec.json.encode(e) for e in sorted(events, key=lambda e: (e.occurred_at, e.event_id))]
    for i in range(0, len(values), 1000):
        ingest([RawMessage("ref", 0, i + j, v) for j, v in enumerate(values[i : i + 1000])])
    return snapshot(engine)


def send(bootstrap: str, topics: Topics, events: list[ev.Event], extra: list[tuple[str, bytes]] = ()) -> None:
    producer = make_producer(bootstrap)
    produce_events(producer, topics, events)
    for topic, value in extra:
        producer.send(topic, value=value)
    producer.flush(timeout=60)
    producer.close()


def test_known_set_with_duplicates_disorder_and_poison_is_stored_exactly(
    kafka_bootstrap: str, database_url: str, group_id: str, tmp_path: Path
) -> None:
    topics = Topics(f"t{uuid.uuid4().hex[:10]}")
    good = list(examples().values())
    rng = random.Random(1)
    delivery = good + rng.sample(good, 8)  # duplicates
    rng.shuffle(delivery)  # out of order
    unknown_unit = msgspec.structs.replace(examples()["feedback.received"], event_id="u-1", unit="99999")
    in_tokyo = msgspec.structs.replace(examples()["site.metrics"], event_id="g-1", lat=35.68, lon=139.69)
    poison = [
        (topics.of("feedback"), b"{not json"),
        (topics.of("dossier"), json.dumps({"type": "dossier.completed", "event_id": "x"}).encode()),
        (topics.of("feedback"), msgspec.json.encode(unknown_unit)),
        (topics.of("infra"), msgspec.json.encode(in_tokyo)),
        (topics.of("feedback"), b"{" + b" " * 70_000 + b"}"),
    ]
    send(kafka_bootstrap, topics, delivery, poison)
    engine = connect(database_url)
    producer = make_producer(kafka_bootstrap)
    publish_dead = DeadLetterPublisher(producer, topics)
    ingest = build_ingest(Settings(), engine, load_registry(), publish_dead=publish_dead)
    consumer = loop.make_consumer(kafka_bootstrap, group_id, topics.streams)
    stats = loop.run(consumer, ingest, max_messages=len(delivery) + len(poison), idle_timeout=60)
    consumer.close()
    producer.close()

    assert stats.messages == len(delivery) + len(poison)
    assert snapshot(engine) == reference(good, tmp_path)
    with engine.connect() as conn:
        dead = conn.execute(select(t.dead_letters.c.kind, t.dead_letters.c.reason)).all()
        thai_binh = conn.execute(select(t.dossiers.c.unit, t.dossiers.c.province)
                                 .where(t.dossiers.c.dossier_id.like("%0002"))).one()  # fmt: skip
    assert sorted(k for k, _ in dead) == ["json", "place", "schema", "size", "unit"]
    assert any("outside Vietnam" in r for _, r in dead) and any("'99999'" in r for _, r in dead)
    assert thai_binh.province == "33"  # legacy Thái Bình code 34 lands in today's Hưng Yên
    reader = KafkaConsumer(
        topics.dead_letter, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest",
        consumer_timeout_ms=20_000,
    )  # fmt: skip
    reasons = []
    for message in reader:
        reasons.append(dict(message.headers)["reason"].decode())
        if len(reasons) == len(poison):
            break
    reader.close()
    assert len(reasons) == len(poison) and all(reasons)


def consume_process(
    bootstrap: str, database_url: str, topics: Topics, group: str, log: Path
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "IOC_KAFKA_BOOTSTRAP": bootstrap, "IOC_DATABASE_URL": database_url,
           "IOC_TOPIC_PREFIX": topics.prefix, "IOC_CONSUMER_GROUP": group,
           "IOC_BATCH_SIZE": "300"}  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "streams.consume"], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)  # fmt: skip


def test_sigkill_mid_stream_then_restart_loses_nothing_and_doubles_nothing(
    kafka_bootstrap: str, database_url: str, group_id: str, tmp_path: Path
) -> None:
    topics = Topics(f"t{uuid.uuid4().hex[:10]}")
    events = simulated(12_000)
    send(kafka_bootstrap, topics, events)
    engine = connect(database_url)
    log = tmp_path / "consumer.log"
    first = consume_process(kafka_bootstrap, database_url, topics, group_id, log)
    wait_for(lambda: count(engine) > 2000, 120, f"the first consumer to store 2000 events (log: {log})")
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    stored_at_kill = count(engine)
    assert stored_at_kill < len(events), "the kill must land mid-stream"
    second = consume_process(kafka_bootstrap, database_url, topics, group_id, log)
    try:
        wait_for(lambda: count(engine) == len(events), 180, f"all {len(events)} events after restart ({log})")
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0, log.read_text()[-2000:]
    finally:
        if second.poll() is None:
            second.kill()
    assert snapshot(engine) == reference(events, tmp_path)


def test_database_outage_mid_stream_is_retried_without_loss(
    kafka_bootstrap: str, postgres, postgres_url: str, group_id: str, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    topics = Topics(f"t{uuid.uuid4().hex[:10]}")
    events = simulated(6000, seed=11)
    engine = connect(postgres_url)
    migrate(engine)
    with engine.begin() as conn:  # the session database is shared: start from empty tables
        for table in reversed(t.metadata.sorted_tables):
            conn.execute(table.delete())
    send(kafka_bootstrap, topics, events[:3000])
    stop = threading.Event()
    stats: dict[str, loop.RunStats] = {}
    ingest = build_ingest(Settings(), engine, load_registry())
    consumer = loop.make_consumer(kafka_bootstrap, group_id, topics.streams)

    def consume() -> None:
        stats["run"] = loop.run(consumer, ingest, stop=stop, batch_size=500, backoff=loop.Backoff(0.1, 1.0))

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    try:
        wait_for(lambda: count(engine) == 3000, 120, "the first half to be stored")
        postgres.stop()
        send(kafka_bootstrap, topics, events[3000:])
        wait_for(lambda: ingest.totals.batches > 0 and thread.is_alive(), 5, "the consumer to keep running")
        postgres.start()
        wait_for(lambda: count(engine) == len(events), 180, "every event after the database came back")
    finally:
        stop.set()
        thread.join(60)
        consumer.close()
    assert stats["run"].retries > 0, "the outage must have been seen and retried"
    assert snapshot(engine) == reference(events, tmp_path)


def test_broker_restart_mid_stream_reconnects_and_continues(
    kafka, kafka_bootstrap: str, group_id: str, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    if not hasattr(kafka, "restart"):
        pytest.fail("restarting needs the local broker: unset IOC_KAFKA_BOOTSTRAP")
    topics = Topics(f"t{uuid.uuid4().hex[:10]}")
    events = simulated(4000, seed=5)
    engine = connect(f"sqlite:///{tmp_path / 'ioc.db'}")
    migrate(engine)
    send(kafka_bootstrap, topics, events[:2000])
    stop = threading.Event()
    ingest = build_ingest(Settings(), engine, load_registry())
    consumer = loop.make_consumer(kafka_bootstrap, group_id, topics.streams)
    def consume() -> None:
        loop.run(consumer, ingest, stop=stop, batch_size=500)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    try:
        wait_for(lambda: count(engine) == 2000, 120, "the first half")
        kafka.restart()
        send(kafka_bootstrap, topics, events[2000:])
        wait_for(lambda: count(engine) == len(events), 180, "every event after the broker restart")
    finally:
        stop.set()
        thread.join(60)
        consumer.close()
    assert snapshot(engine) == reference(events, tmp_path)


def test_two_consumers_in_one_group_split_the_partitions_without_overlap(
    kafka_bootstrap: str, group_id: str, tmp_path: Path
) -> None:
    topics = Topics(f"t{uuid.uuid4().hex[:10]}")
    events = simulated(6000, seed=9)
    engine = connect(f"sqlite:///{tmp_path / 'ioc.db'}")
    migrate(engine)
    ingest = build_ingest(Settings(), engine, load_registry())
    seen: dict[str, list[tuple[str, int, int]]] = {"a": [], "b": []}
    lock = threading.Lock()
    stop, go = threading.Event(), threading.Event()
    assigned: dict[str, set[tuple[str, int]]] = {"a": set(), "b": set()}
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_topics([NewTopic(name, 3, 1) for name in topics.streams])
    admin.close()

    def member(name: str) -> threading.Thread:
        consumer = loop.make_consumer(kafka_bootstrap, group_id, topics.streams)

        def handle(messages: list[RawMessage]) -> None:
            with lock:
                ingest(messages)
                seen[name] += [(m.topic, m.partition, m.offset) for m in messages]

        def body() -> None:
            while not go.is_set():  # join the group; nothing is produced yet, so polls return nothing
                consumer.poll(timeout_ms=100)
                assigned[name] = {(tp.topic, tp.partition) for tp in consumer.assignment()}
            loop.run(consumer, handle, stop=stop, batch_size=200)
            consumer.close()

        thread = threading.Thread(target=body, daemon=True)
        thread.start()
        return thread

    threads = [member("a"), member("b")]
    try:
        # Both members must hold partitions before anything is produced, so no rebalance moves work mid-run.
        wait_for(lambda: len(assigned["a"]) > 0 and len(assigned["b"]) > 0
                 and len(assigned["a"] | assigned["b"]) == 9 and not assigned["a"] & assigned["b"],
                 90, "both group members to share the 9 partitions", interval=0.2)  # fmt: skip
        go.set()
        send(kafka_bootstrap, topics, events)
        wait_for(lambda: count(engine) == len(events), 180, "every event stored by the pair")
    finally:
        go.set()
        stop.set()
        for thread in threads:
            thread.join(60)
    a, b = set(seen["a"]), set(seen["b"])
    assert a and b, "both members did work"
    assert not a & b, "no message was handled by both"
    assert not {(tp, p) for tp, p, _ in a} & {(tp, p) for tp, p, _ in b}, "partitions are not shared"
    assert len(a) + len(b) == len(events)
    assert snapshot(engine) == reference(events, tmp_path)


