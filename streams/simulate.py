"""``python -m streams.simulate``: realistic events for one province, produced to Kafka.

Live (default): events stamped with the wall clock at about ``--rate`` per second.
``--count N``: fast-forward simulated time from ``--start`` and produce N events as fast
as the broker takes them (for benchmarks and history).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import UTC, datetime, timedelta

from geodata.registry import load_registry
from ioc.errors import IocError
from ioc.settings import Settings
from ioc.simulation import Simulator
from ioc.worktime import WorkCalendar
from streams.producer import make_producer, produce_events
from streams.service import sim_units
from streams.topics import Topics

log = logging.getLogger("simulate")


def parse_args(argv: list[str], settings: Settings) -> argparse.Namespace:
    """Command-line options; defaults come from the IOC_* settings."""
    p = argparse.ArgumentParser(prog="python -m streams.simulate", description=__doc__.splitlines()[0])
    bootstrap = settings.kafka_bootstrap or "127.0.0.1:9092"
    p.add_argument("--bootstrap", default=bootstrap, help="Kafka bootstrap servers")
    p.add_argument(
        "--province", default=settings.province, help="2-digit province code; empty for the country"
    )
    p.add_argument(
        "--rate", type=float, default=settings.demo_rate, help="mean events per second (live mode)"
    )
    p.add_argument("--count", type=int, default=0, help="produce this many events fast-forward, then stop")
    p.add_argument("--duration", type=float, default=0, help="live mode: stop after this many seconds")
    p.add_argument("--start", default="", help="fast-forward start, ISO 8601 (default: 30 days ago)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--topic-prefix", default=settings.topic_prefix)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Produce simulated events until the count, the duration or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    settings = Settings.from_env(os.environ)
    args = parse_args(sys.argv[1:] if argv is None else argv, settings)
    registry = load_registry()
    try:
        units = sim_units(registry, args.province or None)
    except IocError as exc:
        units = []
        print(f"error: {exc}", file=sys.stderr)
    if not units:
        print(f"error: no communes with a centroid in scope {args.province or 'VN'!r}", file=sys.stderr)
        return 2
    topics, producer = Topics(args.topic_prefix), make_producer(args.bootstrap)
    cal = WorkCalendar.vietnam()
    now = datetime.now(UTC)
    try:
        if args.count:
            start = datetime.fromisoformat(args.start) if args.start else now - timedelta(days=30)
            sim = Simulator(units, rate=args.rate, start=start, cal=cal, seed=args.seed)
            sent = 0
            for event in sim.stream():
                produce_events(producer, topics, [event])
                sent += 1
                if sent % 50_000 == 0:
                    log.info("%d / %d events produced", sent, args.count)
                if sent >= args.count:
                    break
        else:
            sim = Simulator(units, rate=args.rate, start=now, cal=cal, seed=args.seed)
            deadline = time.monotonic() + args.duration if args.duration else None
            sent = 0
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.5)  # the live feed's tick: events are stamped with the wall clock
                sent += produce_events(producer, topics, sim.advance(datetime.now(UTC)))
                log.info("%d events produced", sent)
    except KeyboardInterrupt:
        pass
    finally:
        producer.flush(timeout=30)
        producer.close(timeout=10)
    log.info("done: %d events", sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
