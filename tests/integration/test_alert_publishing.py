"""Alert changes reach the Kafka alerts topic after the rules see a site down too long."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import msgspec
from kafka import KafkaConsumer

from geodata.registry import load_registry
from ioc.alerts import load_rules
from ioc.event_examples import examples
from ioc.ingest import RawMessage
from ioc.settings import Settings
from ioc.store import connect, migrate
from ioc.worktime import WorkCalendar
from streams.alerting import evaluate_once, kafka_publisher
from streams.service import build_ingest
from streams.topics import Topics


def test_a_site_down_for_20_minutes_raises_an_alert_published_to_kafka(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'ioc.db'}")
    migrate(engine)
    down = examples()["site.status"]  # a Viettel 5G site going down
    build_ingest(Settings(), engine, load_registry())([RawMessage("t", 0, 0, msgspec.json.encode(down))])
    topic = Topics(f"t{uuid.uuid4().hex[:10]}").alerts
    rules = [r for r in load_rules() if r.key == "site_down"]
    publish = kafka_publisher(kafka_bootstrap, topic)
    now = down.occurred_at + timedelta(minutes=20)
    changes = evaluate_once(engine, rules, None, WorkCalendar.vietnam(), publish, now=now)
    assert [(c.change, c.alert.subject) for c in changes] == [("raised", down.site_id)]
    reader = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest",
                           consumer_timeout_ms=30_000)  # fmt: skip
    message = next(iter(reader))
    reader.close()
    body = json.loads(message.value)
    assert (body["change"], body["rule"], body["subject"]) == ("raised", "site_down", down.site_id)
