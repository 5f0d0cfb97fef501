"""The alert loop: evaluate the rules every few seconds; publish changes to Kafka when configured."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine

from ioc.alerts import AlertChange, Rule, load_rules
from ioc.store.alerts import evaluate
from ioc.store.engine import refresh_statistics
from ioc.worktime import WorkCalendar

STATISTICS_EVERY_S = 3600.0  # how often the alert loop refreshes the store's planner statistics

log = logging.getLogger(__name__)
Publish = Callable[[Sequence[AlertChange]], None]


def evaluate_once(
    engine: Engine, rules: Sequence[Rule], province: str | None, cal: WorkCalendar,
    publish: Publish | None = None, now: datetime | None = None,
) -> list[AlertChange]:  # fmt: skip
    """One evaluation in its own transaction; the changes go to ``publish`` after they are stored."""
    with engine.begin() as conn:
        changes = evaluate(conn, rules, now=now or datetime.now(UTC), province=province, cal=cal)
    if changes and publish is not None:
        publish(changes)
    return changes


def kafka_publisher(bootstrap: str, topic: str) -> Publish:
    """Alert changes as JSON messages keyed by alert id, for notification gateways."""
    from streams.producer import make_producer

    producer = make_producer(bootstrap)

    def publish(changes: Sequence[AlertChange]) -> None:
        for change in changes:
            producer.send(topic, key=change.alert.alert_id.encode(), value=change.to_json())
        producer.flush(timeout=30)

    return publish


def start_alerting(engine: Engine, province: str | None, stop: threading.Event, *, interval: float = 5.0,
                   publish: Publish | None = None) -> threading.Thread:  # fmt: skip
    """Evaluate the default rules every ``interval`` seconds in a daemon thread until ``stop``."""
    rules, cal = load_rules(), WorkCalendar.vietnam()

    def loop() -> None:
        analysed = time.monotonic()
        while not stop.wait(interval):
            try:
                for change in evaluate_once(engine, rules, province, cal, publish):
                    log.info("alert %s: %s %s", change.change, change.alert.rule, change.alert.subject)
                if time.monotonic() - analysed > STATISTICS_EVERY_S:  # the store grows: keep plans right
                    analysed = time.monotonic()
                    refresh_statistics(engine)
            except Exception:  # noqa: BLE001 - a failed round is logged and tried again next interval
                log.exception("alert evaluation failed")

    thread = threading.Thread(target=loop, name="alerts", daemon=True)
    thread.start()
    return thread
