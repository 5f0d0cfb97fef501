"""Dashboard benchmarks on a store of 10 million events, live from a real Kafka broker.

The store (a temporary SQLite file): about 1M simulated Hưng Yên events ingested through the store up to
the present, plus copies of its events, rollups and finished cases up to ~10M events, each shifted a
further simulated span back (``bench.indicators_bench``'s history, here with the raw events too): about a
year of history. Then the real app (``app.create_app``) runs on it with its Kafka consumer on a local
Apache Kafka broker, a producer keeps ``--live-rate`` simulated events/s flowing, and Debian's headless
Chromium keeps the operations room open:

* refresh: server time of every callback request of the operations room, grouped per live update (the
  overview request a new change token triggers and the requests that follow it), summed; p50 and p95
  (target p95 ≤ 150 ms), for the default range (today) and for 7 days;
* bytes per live update: response bytes of those requests per update (target ≤ 200 KB);
* first load: bytes transferred until the page is complete (target ≤ 3 MB) and the time from navigation
  to every card, chart and the map drawn (target ≤ 3 s);
* freshness: a marked feedback case is produced to Kafka every few seconds; the page records
  (MutationObserver) when its text appears in the ticker; produce-to-shown p50 and p95 (target p95 ≤ 2 s).

First, Dash's WebSocket push against the polling design, transport only (see ``push_vs_poll``).

``python -m bench.dashboard_bench [--events N] [--total T] [--seconds S]`` prints them; ``run()`` returns
them.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from werkzeug.serving import make_server

from bench import indicators_bench as history
from bench.ingest_bench import create_topics
from ioc.settings import Settings
from ioc.store import connect, migrate
from ioc.worktime import WorkCalendar
from tests.support import chromium
from tests.unit.layouts.store import PROVINCE, feedback

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = ROOT.parent / "shared" / "geodata" / "hung-yen-communes-full.geojson"
PUSH_DEPS = ROOT / ".cache" / "push-deps"
# Dash's FastAPI backend and WebSocket callbacks, for the push side of push_vs_poll only (not a dependency
# of the product): installed into PUSH_DEPS with pip --target the first time.
PUSH_REQUIREMENTS = ("fastapi==0.165.0", "uvicorn==0.54.0", "janus==2.0.0", "websockets==17.4")


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    return (
        ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]
        if ordered
        else float("nan")
    )


def wait_until(what: str, fn: Any, timeout: float, every: float = 0.05) -> Any:
    """``fn()``'s first truthy value, or RuntimeError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(every)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


# --- the store -------------------------------------------------------------------------------------


# Events the simulator delivers per simulated second at rate 1.0 over weeks (measured: 2,000,522 in
# 36 days); the span of simulated time that holds about ``events`` of them.
EVENTS_PER_SIMULATED_SECOND = 0.64


def build_store(url: str, events: int, total: int) -> dict[str, Any]:
    """About ``events`` simulated events up to now, then shifted copies of them up to ``total`` events."""
    engine = connect(url)
    migrate(engine)
    cal = WorkCalendar.vietnam()
    now = datetime.now(UTC)
    start = now - timedelta(seconds=events / EVENTS_PER_SIMULATED_SECOND)
    started = time.perf_counter()
    _, rate = history.ingest(engine, events * 2, cal, start=start, until=now)
    ingested = time.perf_counter()
    copies = max(0, round(total / rate["events"]) - 1)
    shift = history.shift_for(start, now)
    history.add_history(engine, copies, shift)
    copy_events(engine, copies, shift)
    history.tidy(engine)
    with engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT count(*) FROM events").scalar()
        oldest = conn.exec_driver_sql("SELECT min(occurred_at) FROM events").scalar()
    engine.dispose()
    size = sum(f.stat().st_size for f in Path(url.removeprefix("sqlite:///")).parent.glob("*.db*"))
    return {"events": count, "simulated_and_ingested": rate["events"], "copies": copies,
            "ingest_events_per_s": rate["events_per_s"], "oldest_event": str(oldest)[:10],
            "file_gb": round(size / 1e9, 2), "ingest_seconds": round(ingested - started, 1),
            "history_seconds": round(time.perf_counter() - ingested, 1)}  # fmt: skip


def copy_events(engine: Engine, copies: int, shift: timedelta) -> None:
    """``copies`` copies of the raw events, each shifted ``shift`` further back, stored before the originals.

    Copies get negative rowids (original rowid minus k times the span), so SQLite's insertion order, which
    the ticker reads, stays "oldest first" as if the history had been ingested before the present.
    """
    days = shift.days
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        conn.exec_driver_sql("PRAGMA cache_size=-1000000")
        span = conn.exec_driver_sql("SELECT max(rowid) + 1 FROM events").scalar()
        conn.exec_driver_sql("DROP INDEX ix_events_entity")  # rebuilt once at the end, sorted
        for k in range(1, copies + 1):

            def back(col: str, k: int = k) -> str:
                return f"datetime({col}, '-{k * days} days') || substr({col}, 20)"

            conn.exec_driver_sql("BEGIN")
            conn.exec_driver_sql(
                "INSERT INTO events (rowid, event_id, type, family, entity_id, province, unit, occurred_at,"
                f" ingested_at, payload) SELECT rowid - {k * span}, event_id || '~{k}', type, family,"
                f" entity_id || '~{k}', province, unit, {back('occurred_at')}, {back('ingested_at')}, payload"
                f" FROM events WHERE rowid > 0 ORDER BY event_id"
            )
            conn.exec_driver_sql("COMMIT")
        conn.exec_driver_sql("CREATE INDEX ix_events_entity ON events (family, entity_id)")


# --- the live app ----------------------------------------------------------------------------------


class Timing:
    """WSGI middleware recording each request's path, callback outputs, token, server time and bytes."""

    def __init__(self, app: Any) -> None:
        self.app, self.rows, self.lock = app, [], threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        started, cpu = time.perf_counter(), time.thread_time()
        body = b""
        if environ.get("PATH_INFO") == "/_dash-update-component":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
        chunks = list(self.app(environ, start_response))
        size = sum(len(c) for c in chunks)
        request = json.loads(body) if body else {}
        token = None
        for item in request.get("inputs", []):
            if item.get("id") == "ops-live" and isinstance(item.get("value"), dict):
                token = item["value"].get("token")
        with self.lock:
            self.rows.append({"path": environ.get("PATH_INFO"), "output": request.get("output", ""),
                              "token": token, "seconds": time.perf_counter() - started, "bytes": size,
                              "cpu": time.thread_time() - cpu, "at": time.time()})  # fmt: skip
        return chunks


def produce(bootstrap: str, prefix: str, rate: float, mark_every: float) -> None:
    """Child process: simulated events every half second and a marked feedback case every ``mark_every``
    seconds, until stdin closes; prints one JSON line per mark with the wall time it was handed over."""
    from geodata.registry import load_registry
    from ioc.simulation import Simulator
    from streams.producer import make_producer
    from streams.service import sim_units
    from streams.topics import Topics, encode

    topics, producer = Topics(prefix), make_producer(bootstrap, linger_ms=0)
    sim = Simulator(sim_units(load_registry(), PROVINCE), rate=rate, start=datetime.now(UTC), seed=99,
                    cal=WorkCalendar.vietnam(), source="bench")  # fmt: skip

    def send(events: list[Any]) -> None:
        for event in events:
            key, value = encode(event)
            producer.send(topics.of(event.family), key=key, value=value)
        producer.flush()

    closed = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), closed.set()), daemon=True).start()
    marks, last_mark = 0, 0.0
    while not closed.wait(0.5):
        send(list(sim.advance(datetime.now(UTC))))
        if time.monotonic() - last_mark >= mark_every:
            text, last_mark = f"Đo độ trễ {marks:04d}", time.monotonic()
            marks += 1
            at = time.time()
            send([feedback(text)])
            print(json.dumps({"mark": text, "at": at}), flush=True)
    producer.close(timeout=10)


class Producer:
    """The producer in its own process (as in a province: not in the dashboard's), and the marks it sent."""

    def __init__(self, bootstrap: str, prefix: str, rate: float, mark_every: float = 3.0) -> None:
        args = ["--produce", bootstrap, prefix, str(rate), str(mark_every)]
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.dashboard_bench", *args], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        self.marks: dict[str, float] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                mark = json.loads(line)
                self.marks[mark["mark"]] = mark["at"]

    def close(self) -> None:
        """Stop producing and wait for the child."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


MILESTONES = """
window.__marks = {};
(function watch() {
  const mark = (name, ok) => {
    if (ok && !(name in window.__marks)) window.__marks[name] = Math.round(performance.now());
  };
  try {
    mark('cards', !!document.getElementById('card-dos.received'));
    mark('ticker', document.querySelectorAll('#ops-ticker li.tick').length > 0);
    const charts = [...document.querySelectorAll('.chart-box .js-plotly-plot')]
      .filter(g => g._fullData && g._fullData.length);
    mark('charts', charts.length === 2);
    const gd = document.querySelector('#ops-map .js-plotly-plot');
    const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    const map = sub && sub.map;
    mark('map', !!map);
    mark('map_drawn', !!map && map.loaded() && map.queryRenderedFeatures().length > 50);
  } catch (e) {}
  if (!('map_drawn' in window.__marks)) requestAnimationFrame(watch);
})();"""
OBSERVE = """
window.__shown = {};
new MutationObserver(() => {
  document.querySelectorAll('#ops-ticker .text').forEach(e => {
    const m = e.innerText.match(/Đo độ trễ \\d{4}/);
    if (m && !(m[0] in window.__shown)) window.__shown[m[0]] = performance.timeOrigin + performance.now();
  });
}).observe(document.getElementById('ops-ticker'), {childList: true, subtree: true, characterData: true});"""
TRANSFERRED = """const until = window.__marks.map_drawn;  // everything the first complete render needed
return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .filter(e => e.startTime <= until).reduce((s, e) => s + (e.transferSize || 0), 0)"""


def serve(url: str, bootstrap: str, prefix: str, cache: str) -> tuple[str, Timing, Any]:
    """The real app (consumer, alerting, pages) on a loopback port; its origin, request log and server."""
    from app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    settings = Settings(database_url=url, province=PROVINCE, kafka_bootstrap=bootstrap, topic_prefix=prefix,
                        consumer_group="bench-dashboard", cache_dir=cache,
                        boundaries_path=str(BOUNDARIES) if BOUNDARIES.exists() else "")  # fmt: skip
    app = create_app(settings)
    app.server.extensions["ioc_dashboard"].warm_up().join()
    timing = Timing(app.server.wsgi_app)
    app.server.wsgi_app = timing  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", timing, (server, app.server.extensions["ioc_stop"])


def open_page(driver: Any, url: str) -> dict[str, int]:
    """Navigate and wait until cards, charts, ticker and the map are drawn; the milestones in ms."""
    driver.get(url)
    drawn = "return 'map_drawn' in window.__marks"
    wait_until("the operations room to render", lambda: driver.execute_script(drawn), timeout=60)
    return dict(driver.execute_script("return window.__marks"))


def watch(origin: str, timing: Timing, producer: Producer, range_key: str, seconds: float,
          profile: str) -> dict[str, Any]:  # fmt: skip
    """Open the operations room for ``range_key``, watch it ``seconds`` while events flow; measure."""
    warm = chromium.start(
        f"{profile}-warm"
    )  # a server that has been up a while: caches and first queries warm
    try:
        warm.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": MILESTONES})
        open_page(warm, f"{origin}/?range={range_key}")
    finally:
        warm.quit()
    driver = chromium.start(profile)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": MILESTONES})
    try:
        marks = open_page(driver, f"{origin}/?range={range_key}")
        first_load = driver.execute_script(TRANSFERRED)
        loaded_at = time.time()
        marks_before = dict(producer.marks)
        driver.execute_script(OBSERVE)
        time.sleep(seconds)  # the observation window: the page lives through `seconds` of traffic
        window = {k: t for k, t in dict(producer.marks).items() if k not in marks_before}
        newest = max(window, key=window.__getitem__)
        wait_until("the newest mark to be shown (or 10 s)", lambda: newest in driver.execute_script(
            "return window.__shown") or time.time() - window[newest] > 10, timeout=15)  # fmt: skip
        shown = driver.execute_script("return window.__shown")
    finally:
        driver.quit()
    marks_window = window
    latencies = [shown[k] / 1000 - t for k, t in marks_window.items() if k in shown]
    updates: list[list[dict[str, Any]]] = []
    for row in sorted(timing.rows, key=lambda r: r["at"] - r["seconds"]):
        if (
            row["path"] != "/_dash-update-component"
            or row["at"] <= loaded_at
            or row["at"] > loaded_at + seconds
        ):
            continue
        if "ops-cards" in row["output"] and row["token"]:
            updates.append([])
        if updates:
            updates[-1].append(row)
    per_update = [sum(r["seconds"] for r in rows) for rows in updates]
    cpu_per_update = [sum(r["cpu"] for r in rows) for rows in updates]
    sizes_per_update = [sum(r["bytes"] for r in rows) for rows in updates]
    by_callback: dict[str, list[float]] = defaultdict(list)
    for rows in updates:
        for r in rows:
            by_callback[r["output"].strip(".").split(".")[0] or "?"].append(r["seconds"] * 1000)
    ms = 1000
    return {
        "refresh_ms": {"updates": len(per_update), "p50": round(percentile(per_update, 50) * ms, 1),
                       "p95": round(percentile(per_update, 95) * ms, 1),
                       "cpu_p50": round(percentile(cpu_per_update, 50) * ms, 1),
                       "cpu_p95": round(percentile(cpu_per_update, 95) * ms, 1)},
        "callback_ms_p95": {k: round(percentile(v, 95), 1) for k, v in sorted(by_callback.items())},
        "live_update_bytes": {"p50": percentile(sizes_per_update, 50),
                              "p95": percentile(sizes_per_update, 95),
                              "max": max(sizes_per_update, default=0)},
        "first_load_bytes": int(first_load),
        "first_render_s": round(max(marks.values()) / 1000, 2),
        "first_render_milestones_ms": marks,
        "freshness_s": {"samples": len(latencies), "p50": round(percentile(latencies, 50), 2),
                        "p95": round(percentile(latencies, 95), 2),
                        "max": round(max(latencies, default=0), 2),
                        "missed": len(marks_window) - len(latencies)},
    }  # fmt: skip


def run(events: int = 1_000_000, total: int = 10_000_000, live_rate: float = 20.0, seconds: float = 60.0,
        push_samples: int = 25) -> dict[str, Any]:  # fmt: skip
    """Push against poll; then build the store, serve the app on it with Kafka, watch the operations room."""
    from streams.broker import LocalKafka

    out: dict[str, Any] = {"transport_push_vs_poll": push_vs_poll(push_samples)}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        out["store"] = build_store(url, events, total)
        out["live_feed_events_per_s"] = live_rate
        with LocalKafka(heap="1g") as kafka:
            prefix = "bench"
            create_topics(kafka.bootstrap, prefix)
            producer = Producer(kafka.bootstrap, prefix, live_rate)
            origin, timing, server = serve(url, kafka.bootstrap, prefix, f"{tmp}/cache")
            try:
                for range_key in ("today", "7d"):
                    out[f"range_{range_key}"] = watch(origin, timing, producer, range_key, seconds,
                                                      f"{tmp}/profile-{range_key}")  # fmt: skip
            finally:
                producer.close()
                server[1].set()  # the app's consumer and alert loop stop before the broker does
                server[0].shutdown()
    return out


# --- Dash's WebSocket push against polling: transport latency only --------------------------------
#
# A counter (the stand-in for the store's change token) is bumped at random moments; two minimal Dash apps
# show it. poll: Flask, the browser fetches a tiny JSON token every second (the dashboard's design). push:
# FastAPI backend with ``websocket_callbacks``; one persistent WebSocket callback per page waits for the
# counter to move and streams it with ``set_props`` (Dash 4.2+). Chromium records when each value appears.
# The push app needs fastapi, uvicorn, janus and websockets, which the project does not depend on:
# ``--push-deps`` names a folder where they are installed (``pip install --target``).

OBSERVE_COUNTER = """
window.__seen = {};
new MutationObserver(() => {
  const v = document.getElementById('out').innerText;
  if (v && !(v in window.__seen)) window.__seen[v] = performance.timeOrigin + performance.now();
}).observe(document.getElementById('out'), {childList: true, subtree: true, characterData: true});"""


class Counter:
    """The value both apps show, and when each value was set."""

    def __init__(self) -> None:
        self.value, self.at = 0, {0: time.time()}
        self.changed = threading.Condition()

    def bump(self) -> None:
        with self.changed:
            self.value += 1
            self.at[self.value] = time.time()
            self.changed.notify_all()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def poll_app(counter: Counter, port: int, interval_ms: int) -> None:
    """Flask: the browser polls /token every ``interval_ms``; a clientside callback writes the value."""
    from dash import Dash, Input, Output, dcc, html

    app = Dash("poll", serve_locally=True, update_title=None)
    app.layout = html.Div([dcc.Interval(id="tick", interval=interval_ms), html.Div(id="out")])
    app.server.add_url_rule("/token", "token", lambda: {"v": counter.value})
    app.clientside_callback(
        "async function(n) { const r = await fetch('/token', {cache: 'no-store'});"
        " return String((await r.json()).v); }",
        Output("out", "children"),
        Input("tick", "n_intervals"),
    )
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def push_app(counter: Counter, port: int) -> None:
    """FastAPI: a persistent WebSocket callback streams each new value with set_props."""
    from dash import Dash, Input, Output, dcc, html, set_props

    app = Dash("push", backend="fastapi", websocket_callbacks=True, serve_locally=True, update_title=None)
    app.layout = html.Div([dcc.Store(id="start", data=1), html.Div(id="out"), html.Div(id="done")])

    @app.callback(Output("done", "children"), Input("start", "data"), websocket=True, persistent=True)
    def stream(_: Any) -> str:
        shown = [-1]
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            with counter.changed:
                counter.changed.wait_for(lambda: counter.value != shown[0], timeout=1.0)
                shown[0] = counter.value
            set_props("out", {"children": str(shown[0])})
        return "done"

    threading.Thread(
        target=lambda: app.run(host="127.0.0.1", port=port, log_level="warning", access_log=False),
        daemon=True,
    ).start()


def measure_counter(url: str, counter: Counter, samples: int) -> list[float]:
    """Open the page, bump the counter ``samples`` times at random moments; the latencies in seconds."""
    driver = chromium.start(tempfile.mkdtemp(), size=None)
    try:

        def opened() -> bool:
            try:
                driver.get(url)
                return bool(driver.execute_script("return !!document.getElementById('out')"))
            except Exception:  # noqa: BLE001 - the server is still starting
                return False

        wait_until("the counter page", opened, timeout=30, every=0.3)
        value = "return document.getElementById('out').innerText"
        wait_until("the first value", lambda: driver.execute_script(value), timeout=10)
        driver.execute_script(OBSERVE_COUNTER)
        start = counter.value
        for _ in range(samples):
            time.sleep(random.uniform(0.7, 2.3))  # changes land anywhere in the poll interval
            counter.bump()
        seen = "return window.__seen"
        wait_until("the last value", lambda: str(counter.value) in driver.execute_script(seen), timeout=5)
        shown = driver.execute_script(seen)
    finally:
        driver.quit()
    return [
        shown[str(v)] / 1000 - counter.at[v] for v in range(start + 1, counter.value + 1) if str(v) in shown
    ]


def summary(latencies: list[float], samples: int) -> dict[str, Any]:
    """p50, p95 and max in milliseconds."""
    ms = [x * 1000 for x in latencies]
    return {
        "samples": samples,
        "shown": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms, default=0), 1),
    }


def push_deps() -> str | None:
    """Install the FastAPI backend's packages into PUSH_DEPS once; None when done, else why not."""
    if not (PUSH_DEPS / ".installed").exists():
        done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(PUSH_DEPS),
                               *PUSH_REQUIREMENTS], capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode != 0:
            return f"pip could not install {' '.join(PUSH_REQUIREMENTS)}: {done.stderr.strip()[-500:]}"
        (PUSH_DEPS / ".installed").write_text("\n".join(PUSH_REQUIREMENTS) + "\n")
    if str(PUSH_DEPS) not in sys.path:
        sys.path.append(str(PUSH_DEPS))  # after the venv: the project's own packages win
    return None


def push_vs_poll(samples: int = 25) -> dict[str, Any]:
    """Transport latency of both designs, one after the other; the poll at the dashboard's interval."""
    random.seed(7)
    interval = Settings().poll_ms
    out: dict[str, Any] = {}
    counter = Counter()
    port = free_port()
    poll_app(counter, port, interval)
    out[f"poll_{interval}ms"] = summary(
        measure_counter(f"http://127.0.0.1:{port}/", counter, samples), samples
    )
    problem = push_deps()
    if problem:
        out["push_websocket"] = f"not measured: {problem}"
        return out
    counter = Counter()
    port = free_port()
    push_app(counter, port)
    out["push_websocket"] = summary(measure_counter(f"http://127.0.0.1:{port}/", counter, samples), samples)
    return out


def main() -> None:
    """Print the measurements as JSON."""
    p = argparse.ArgumentParser(prog="python -m bench.dashboard_bench")
    p.add_argument("--events", type=int, default=1_000_000, help="simulated events ingested up to now")
    p.add_argument("--total", type=int, default=10_000_000, help="events in all, with shifted copies")
    p.add_argument("--live-rate", type=float, default=20.0, help="events/s produced while the page is open")
    p.add_argument("--seconds", type=float, default=60.0, help="how long to watch the live page, per range")
    p.add_argument("--push-samples", type=int, default=25, help="changes per design in push against poll")
    p.add_argument(
        "--produce", nargs=4, metavar=("BOOTSTRAP", "PREFIX", "RATE", "MARK_EVERY"), help=argparse.SUPPRESS
    )  # the producer's child process
    args = p.parse_args()
    if args.produce:
        produce(args.produce[0], args.produce[1], float(args.produce[2]), float(args.produce[3]))
        return
    result = run(args.events, args.total, args.live_rate, args.seconds, args.push_samples)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
