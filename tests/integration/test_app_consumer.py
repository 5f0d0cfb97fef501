"""The dashboard's own consumer (``app.create_app`` with Kafka configured) runs in a child process."""

from __future__ import annotations

import multiprocessing
import time
import uuid
from pathlib import Path

from kafka import KafkaAdminClient
from sqlalchemy import text

from app import create_app
from ioc.settings import Settings
from ioc.store import connect
from streams.producer import make_producer
from streams.topics import Topics, encode
from tests.unit.layouts.store import feedback


def consumers() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "ioc-consumer"]


def test_the_apps_consumer_stores_events_from_its_own_process_and_stops_with_the_app(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    topics = Topics(f"app-{uuid.uuid4().hex[:8]}")
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="ioc-test-admin")
    try:
        admin.create_topics({t: {"num_partitions": 1, "replication_factor": 1} for t in topics.streams},
                            timeout_ms=30_000, wait_for_metadata=True)  # fmt: skip
    finally:
        admin.close()
    url = f"sqlite:///{tmp_path / 'ioc.db'}"
    settings = Settings(database_url=url, kafka_bootstrap=kafka_bootstrap, topic_prefix=topics.prefix,
                        consumer_group=f"{topics.prefix}-app", cache_dir=str(tmp_path / "cache"))  # fmt: skip
    app = create_app(settings)
    stop = app.server.extensions["ioc_stop"]
    producer = make_producer(kafka_bootstrap, linger_ms=0)
    engine = connect(url)
    try:
        event = feedback(f"Rác thải ùn ứ ở chợ {uuid.uuid4().hex[:6]}")
        key, value = encode(event)
        producer.send(topics.of(event.family), key=key, value=value)
        producer.flush(timeout=10)

        def stored() -> bool:
            with engine.connect() as conn:
                sql = text("SELECT 1 FROM events WHERE event_id = :i")
                return conn.execute(sql, {"i": event.event_id}).first() is not None

        deadline = time.monotonic() + 60
        while not stored():
            assert time.monotonic() < deadline, "the app's consumer did not store the event within 60 s"
            time.sleep(0.2)
        assert len(consumers()) == 1  # stored by a child process, not by a thread of this one
    finally:
        stop.set()
        producer.close(timeout=10)
        engine.dispose()
    deadline = time.monotonic() + 30
    while consumers():
        assert time.monotonic() < deadline, "the consumer process outlived the app's stop by 30 s"
        time.sleep(0.2)
