"""Ingest benchmark: raw kafka-python consumption vs the full pipeline into SQLite and PostgreSQL.

One run: start a broker (full JIT) and a durable PostgreSQL, pre-produce N simulated
events, then measure in separate child processes (so each peak RSS is its own):
(a) raw consumption with no processing, the reference; (b) the pipeline into SQLite;
(c) the pipeline into PostgreSQL. Ratios are against (a) of the same run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def produce(bootstrap: str, prefix: str, n: int) -> float:
    """Pre-produce ``n`` simulated Hưng Yên events; returns seconds taken."""
    from geodata.registry import load_registry
    from ioc.simulation import Simulator
    from ioc.worktime import WorkCalendar
    from streams.producer import make_producer, produce_events
    from streams.service import sim_units
    from streams.topics import Topics

    sim = Simulator(sim_units(load_registry(), "33"), rate=3.0, start=datetime(2026, 1, 5, tzinfo=UTC),
                    cal=WorkCalendar.vietnam(), seed=42)  # fmt: skip
    producer = make_producer(bootstrap, linger_ms=50)
    topics = Topics(prefix)
    t0 = time.perf_counter()
    sent = 0
    for event in sim.stream():
        produce_events(producer, topics, [event])
        sent += 1
        if sent == n:
            break
    producer.flush(timeout=300)
    producer.close()
    return time.perf_counter() - t0


def worker(
    mode: str, bootstrap: str, prefix: str, n: int, database_url: str, profile: bool
) -> dict[str, Any]:
    """Consume ``n`` messages in this process as ``mode``; report rate and peak memory."""
    from streams import consumer as loop
    from streams.topics import Topics

    topics = Topics(prefix)
    consumer = loop.make_consumer(bootstrap, f"bench-{mode}-{uuid.uuid4().hex[:8]}", topics.streams)
    if mode != "raw":
        from geodata.registry import load_registry
        from ioc.settings import Settings
        from ioc.store import connect, migrate
        from streams.service import build_ingest

        engine = connect(database_url)
        migrate(engine)
        handle = build_ingest(Settings(), engine, load_registry())  # type: ignore[assignment]
    # Warm-up: wait for the assignment without counting the group join in the rate.
    while not consumer.assignment():
        consumer.poll(timeout_ms=100, max_records=1)
        if consumer.assignment():
            consumer.seek_to_beginning()
    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    if mode == "raw":
        messages = _raw_consume(consumer, n)
    else:
        messages = loop.run(consumer, handle, max_messages=n, idle_timeout=60, batch_size=2000).messages
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - t0
    consumer.close()
    out: dict[str, Any] = {
        "mode": mode, "messages": messages, "seconds": round(elapsed, 2),
        "events_per_s": round(messages / elapsed), "peak_rss_mb": round(_peak_rss_mb(), 1),
    }  # fmt: skip
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
        out["profile"] = text.getvalue()
    return out


def _raw_consume(consumer: Any, n: int) -> int:
    """The reference: plain kafka-python polling, touching each message, committing as the loop does."""
    seen = 0
    while seen < n:
        batch = consumer.poll(timeout_ms=200, max_records=2000)
        for records in batch.values():
            seen += len(records)
        if batch:
            consumer.commit()
    return seen


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int = 200_000, profile: bool = False) -> dict[str, Any]:
    """Start the infrastructure, produce, measure the three consumers; returns the results."""
    from streams.broker import LocalKafka

    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import LocalPostgres

    results: dict[str, Any] = {"n": n}
    with LocalKafka(jvm_options=(), heap="1g") as kafka, LocalPostgres(durable=True) as pg:
        prefix = f"bench{uuid.uuid4().hex[:8]}"
        create_topics(kafka.bootstrap, prefix)
        results["produce_seconds"] = round(produce(kafka.bootstrap, prefix, n), 1)
        sqlite_path = ROOT / "var" / f"bench-{prefix}.db"
        sqlite_path.parent.mkdir(exist_ok=True)
        for mode, url in (("raw", ""), ("sqlite", f"sqlite:///{sqlite_path}"), ("postgresql", pg.url)):
            results[mode] = _child(mode, kafka.bootstrap, prefix, n, url, False)
            r = results[mode]
            print(f"  {mode}: {r['events_per_s']} events/s, peak {r['peak_rss_mb']} MB",
                  flush=True)  # fmt: skip
            _drop(sqlite_path)
            if (
                profile and mode != "raw"
            ):  # a separate, smaller run: cProfile's overhead stays out of the rates
                url = _fresh_pg(pg.url) if mode == "postgresql" else f"sqlite:///{sqlite_path}"
                results[mode]["profile"] = _child(mode, kafka.bootstrap, prefix, n // 4, url, True)["profile"]
                _drop(sqlite_path)
    for mode in ("sqlite", "postgresql"):
        results[mode]["ratio_to_raw"] = round(
            results[mode]["events_per_s"] / results["raw"]["events_per_s"], 3
        )
    return results


def _fresh_pg(url: str) -> str:
    """An empty database next to ``url`` (the measured run filled the first one)."""
    from sqlalchemy import create_engine, text

    name = f"profile_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


def _drop(sqlite_path: Path) -> None:
    for f in sqlite_path.parent.glob(sqlite_path.name + "*"):
        f.unlink()


def create_topics(bootstrap: str, prefix: str) -> None:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    from streams.topics import Topics

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    topics = Topics(prefix)
    admin.create_topics([NewTopic(t, 3, 1) for t in (*topics.streams, topics.dead_letter, topics.alerts)])
    admin.close()


def _child(mode: str, bootstrap: str, prefix: str, n: int, url: str, profile: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.ingest_bench", "--worker", mode, "--bootstrap", bootstrap,
           "--prefix", prefix, "-n", str(n), "--database-url", url]  # fmt: skip
    cmd += ["--profile"] if profile else []
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """CLI: the whole benchmark, or one worker (internal)."""
    p = argparse.ArgumentParser()
    p.add_argument("-n", type=int, default=200_000)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--worker", choices=["raw", "sqlite", "postgresql"])
    p.add_argument("--bootstrap", default="")
    p.add_argument("--prefix", default="")
    p.add_argument("--database-url", default="")
    args = p.parse_args()
    if args.worker:
        print(
            json.dumps(
                worker(args.worker, args.bootstrap, args.prefix, args.n, args.database_url, args.profile)
            )
        )
    else:
        print(json.dumps(run(args.n, args.profile), indent=2))


if __name__ == "__main__":
    main()
