"""``python -m streams.consume``: a standalone ingest consumer (run several for one group).

SIGTERM or Ctrl-C finishes the current batch, commits it and exits.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading

from geodata.registry import load_registry
from ioc.errors import IocError
from ioc.settings import Settings
from ioc.store import connect, migrate
from streams.service import consume_forever


def main() -> int:
    """Consume the configured topics into the configured store until told to stop."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env(os.environ)
    if not settings.kafka_bootstrap:
        print("IOC_KAFKA_BOOTSTRAP is not set: nothing to consume from", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        engine = connect(settings.database_url)
        migrate(engine)
        stats = consume_forever(settings, engine, load_registry(), stop)
    except IocError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    logging.getLogger(__name__).info("stopped after %d messages in %d batches", stats.messages, stats.batches)
    return 0


if __name__ == "__main__":
    sys.exit(main())
