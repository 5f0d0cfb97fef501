"""The composition root: settings -> store -> geodata -> ingest (Kafka or demo feed) -> Dash."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping

import dash

from geodata.registry import load_registry
from ioc.settings import Settings
from ioc.store import connect, migrate
from layouts import create_dash
from streams.alerting import kafka_publisher, start_alerting
from streams.service import build_ingest, start_consumer, start_demo
from streams.topics import Topics

log = logging.getLogger("ioc")


def create_app(settings: Settings, *, ingest: bool = True) -> dash.Dash:
    """A fresh app: migrated store, unit registry, the ingest feed (unless told not to), the pages.

    ``app.server.extensions["ioc_stop"]`` is the event that stops its background work (the consumer or
    demo feed, the alert loop) when set: for an embedding server's shutdown, and for tests.
    """
    engine = connect(settings.database_url)
    migrate(engine)
    registry = load_registry()
    app = create_dash(settings, engine, registry)
    stop = app.server.extensions["ioc_stop"] = threading.Event()
    if ingest:
        publish = None
        if settings.kafka_bootstrap:
            publish = kafka_publisher(settings.kafka_bootstrap, Topics(settings.topic_prefix).alerts)
        start_alerting(engine, settings.province or None, stop, publish=publish)
        if settings.kafka_bootstrap:
            start_consumer(settings, engine, registry, stop)
            log.info("consuming %s.* from %s", settings.topic_prefix, settings.kafka_bootstrap)
        else:
            start_demo(settings, build_ingest(settings, engine, registry), engine, registry, stop)
            log.info(
                "no IOC_KAFKA_BOOTSTRAP: running the built-in demo feed at %.1f events/s", settings.demo_rate
            )
    return app


def main(environ: Mapping[str, str] = os.environ) -> None:
    """Run the dashboard from the IOC_* environment."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env(environ)
    app = create_app(settings)
    log.info("dashboard on http://%s:%d/", settings.host, settings.port)
    app.run(host=settings.host, port=settings.port, debug=False)


if __name__ == "__main__":
    main()
