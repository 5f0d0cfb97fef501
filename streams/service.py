"""Wiring the ingest side from settings: locator, handler, Kafka consumers or the demo feed."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from geodata.boundaries import load_boundaries
from geodata.placement import Placer
from geodata.registry import Registry
from ioc.pipeline import Ingest
from ioc.placement import RegistryLocator
from ioc.settings import Settings
from ioc.simulation import Simulator, SimUnit
from ioc.store import is_empty, record_lag
from ioc.worktime import WorkCalendar
from streams import consumer as loop
from streams.demo import DemoFeed
from streams.producer import DeadLetterPublisher, make_producer
from streams.topics import Topics

log = logging.getLogger(__name__)


def build_locator(settings: Settings, registry: Registry) -> RegistryLocator:
    """Point-in-polygon over the supplied boundary file, else nearest commune centroid."""
    if settings.boundaries_path:
        gdf, report = load_boundaries(
            settings.boundaries_path, registry,
            code_field=settings.boundaries_code_field, name_field=settings.boundaries_name_field,
        )  # fmt: skip
        log.info("boundaries: %s", report)
        return RegistryLocator(registry, Placer.from_boundaries(gdf, registry))
    return RegistryLocator(registry, Placer.from_registry(registry, settings.province or None))


def build_ingest(settings: Settings, engine: Engine, registry: Registry, **kwargs: Any) -> Ingest:
    """The batch handler shared by the Kafka consumer and the demo feed."""
    return Ingest(engine, build_locator(settings, registry), WorkCalendar.vietnam(), settings.max_event_bytes,
                  **kwargs)  # fmt: skip


def sim_units(registry: Registry, province: str | None) -> list[SimUnit]:
    """The communes of the scope that have a centroid, for the simulator."""
    return [SimUnit(u.code, u.lat, u.lon) for u in registry.communes(province or None)
            if u.lat is not None and u.lon is not None]  # fmt: skip


def start_demo(settings: Settings, ingest: Ingest, engine: Engine, registry: Registry,
               stop: threading.Event | None = None) -> DemoFeed:  # fmt: skip
    """Start the demo feed (until ``stop`` is set); history is backfilled only into an empty store."""
    now = datetime.now(UTC)
    start = now - timedelta(hours=settings.demo_backfill_hours) if is_empty(engine) else now
    sim = Simulator(sim_units(registry, settings.province), rate=settings.demo_rate, start=start,
                    cal=ingest.calendar, seed=int(now.timestamp()), source="demo")  # fmt: skip
    feed = DemoFeed(sim, ingest, batch_size=settings.batch_size)
    if stop is not None:
        feed.stop = stop
    feed.start()
    return feed


def consume_forever(settings: Settings, engine: Engine, registry: Registry, stop: threading.Event,
                    **consumer_overrides: Any) -> loop.RunStats:  # fmt: skip
    """Consume the three topics until ``stop``; dead letters also go to the dead-letter topic."""
    topics = Topics(settings.topic_prefix)
    producer = make_producer(settings.kafka_bootstrap)
    ingest = build_ingest(settings, engine, registry, publish_dead=DeadLetterPublisher(producer, topics))
    consumer = loop.make_consumer(settings.kafka_bootstrap, settings.consumer_group, topics.streams,
                                  max_poll_records=settings.batch_size, **consumer_overrides)  # fmt: skip

    def on_batch(c: Any, stats: loop.RunStats) -> None:
        try:  # the lag is for the freshness header only: a failure here must not stop ingest
            lags = loop.lag(c)
            record_lag(engine, {f: lags.get(topics.of(f), 0) for f in ("feedback", "dossier", "infra")})
        except Exception as exc:  # noqa: BLE001
            log.warning("could not record consumer lag: %s", exc)

    try:
        return loop.run(consumer, ingest, stop=stop, batch_size=settings.batch_size, on_batch=on_batch)
    finally:
        consumer.close()
        producer.close(timeout=10)


def start_consumer(
    settings: Settings, engine: Engine, registry: Registry, stop: threading.Event
) -> threading.Thread:
    """Run ``consume_forever`` in a daemon thread (the dashboard's own consumer), restarted if it fails."""

    def supervise() -> None:
        attempt = 0
        while not stop.is_set():
            try:
                consume_forever(settings, engine, registry, stop)
                attempt = 0
            except Exception:  # noqa: BLE001 - logged; the dashboard must not go quietly stale
                log.exception("consumer failed; restarting")
                attempt += 1
            stop.wait(min(30.0, 0.5 * 2**attempt))

    thread = threading.Thread(target=supervise, name="kafka-consumer", daemon=True)
    thread.start()
    return thread
