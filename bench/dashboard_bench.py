"""Dashboard benchmarks: refresh server time, bytes per live update, first load, first render, freshness.

A store of simulated Hưng Yên history (``--days`` at ``--rate`` events/s) is built in a temporary SQLite
file; the app runs on a loopback port while a feed keeps storing events (``--live-rate`` events/s, in
half-second batches, like the demo feed), and Debian's headless Chromium keeps the operations room open:

* refresh: server time of every callback request of the operations room, grouped per live update (one
  change token), summed; p50 and p95 (target p95 ≤ 150 ms);
* bytes per live update: response bytes of those requests per update (target ≤ 200 KB);
* first load: bytes transferred until the page is complete (target ≤ 3 MB) and the time from navigation
  to every card, chart and the map drawn (target ≤ 3 s);
* freshness: a marked feedback case is stored every few seconds; the page records (MutationObserver)
  when its text appears in the ticker; produce-to-shown p50 and p95 (target p95 ≤ 2 s).

Then Dash's WebSocket push against the polling design, transport only (see ``push_vs_poll``).

``python -m bench.dashboard_bench [--days D] [--rate R] [--seconds S] [--push-deps DIR]`` prints them;
``run()`` returns them.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

from geodata.registry import load_registry
from ioc.settings import Settings
from ioc.store import connect
from layouts import create_dash
from tests.unit.layouts.store import PROVINCE, Writer, feedback, seed

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
BOUNDARIES = Path(__file__).resolve().parents[2] / "shared" / "geodata" / "hung-yen-communes-full.geojson"


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    return (
        ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]
        if ordered
        else float("nan")
    )


class Timing:
    """WSGI middleware recording, for each request, its path, callback outputs, server seconds and bytes."""

    def __init__(self, app: Any) -> None:
        self.app, self.rows, self.lock = app, [], threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        started, cpu = time.perf_counter(), time.thread_time()
        body = b""
        if environ.get("PATH_INFO") == "/_dash-update-component":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = __import__("io").BytesIO(body)
        chunks = list(self.app(environ, start_response))
        size = sum(len(c) for c in chunks)
        request = json.loads(body) if body else {}
        token = None
        for item in request.get("inputs", []):
            if item.get("id") == "ops-live" and isinstance(item.get("value"), dict):
                token = item["value"].get("token")
        with self.lock:
            self.rows.append(
                {
                    "path": environ.get("PATH_INFO"),
                    "output": request.get("output", ""),
                    "token": token,
                    "seconds": time.perf_counter() - started,
                    "bytes": size,
                    "cpu": time.thread_time() - cpu,
                    "at": time.time(),
                }
            )
        return chunks


class Feed(threading.Thread):
    """Stores simulated events every half second, and a marked feedback case every ``mark_every`` seconds."""

    def __init__(self, writer: Writer, sim: Any, mark_every: float = 3.0) -> None:
        super().__init__(daemon=True)
        self.writer, self.sim, self.mark_every = writer, sim, mark_every
        self.stop, self.marks = threading.Event(), {}

    def run(self) -> None:
        last_mark = 0.0
        while not self.stop.wait(0.5):
            events = list(self.sim.advance(datetime.now(UTC)))
            if time.monotonic() - last_mark >= self.mark_every:
                text = f"Đo độ trễ {len(self.marks):04d}"
                events.append(feedback(text))
                last_mark = time.monotonic()
                self.writer.write(events)
                self.marks[text] = time.time()  # stored (the transaction committed) at this instant
            elif events:
                self.writer.write(events)


def browser(profile: str) -> webdriver.Chrome:
    """Headless Chromium with the test flags, logging performance."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1920,1080",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
    )
    return driver


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


# Indexes the feedback cohort and open-count queries want (ioc/store/queries.py); measured, not installed.
PROPOSED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_bench_feedback_received ON feedback_cases (province, received_at)",
    "CREATE INDEX IF NOT EXISTS ix_bench_feedback_open"
    " ON feedback_cases (province, status, answered_at, due_at)",
)


def run(
    days: float = 3.0, rate: float = 4.0, live_rate: float = 20.0, seconds: float = 60.0, push_deps: str = ""
) -> dict[str, Any]:
    """Build the store; watch the live page on the schema as it is, then with the proposed indexes."""
    out: dict[str, Any] = {"transport_push_vs_poll": push_vs_poll(25, push_deps)}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        engine = seed(url, days=days, rate=rate)
        with engine.connect() as conn:
            events = conn.exec_driver_sql("select count(*) from events").scalar()
        out["store"] = {"events": events, "days": days, "rate": rate,
                        "build_seconds": round(time.perf_counter() - started, 1)}  # fmt: skip
        out["live_feed_events_per_s"] = live_rate
        out["schema_as_is"] = watch(url, engine, tmp, live_rate, seconds, "a")
        with engine.begin() as conn:
            for statement in PROPOSED_INDEXES:
                conn.exec_driver_sql(statement)
        out["with_proposed_indexes"] = watch(url, engine, tmp, live_rate, seconds, "b")
    return out


def watch(url: str, engine: Any, tmp: str, live_rate: float, seconds: float, name: str) -> dict[str, Any]:
    """Serve a fresh app on the store, open the operations room in Chromium, feed events; the measurements."""
    from ioc.simulation import Simulator
    from streams.service import sim_units

    settings = Settings(
        database_url=url,
        province=PROVINCE,
        cache_dir=f"{tmp}/cache",
        boundaries_path=str(BOUNDARIES) if BOUNDARIES.exists() else "",
    )
    registry = load_registry()
    app = create_dash(settings, connect(url), registry)
    timing = Timing(app.server.wsgi_app)
    app.server.wsgi_app = timing  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    writer = Writer(engine, settings, registry)
    sim = Simulator(sim_units(registry, PROVINCE), rate=live_rate, start=datetime.now(UTC), seed=99,
                    cal=writer.ingest.calendar, source="bench")  # fmt: skip
    app.server.extensions["ioc_dashboard"].warm_up().join()  # a server that has been up for a while
    warm = browser(f"{tmp}/warm-{name}")
    warm.get(origin + "/?range=today")  # its caches (compressed scripts, first queries) are warm
    time.sleep(8)
    warm.quit()
    driver = browser(f"{tmp}/profile-{name}")
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": MILESTONES})
    try:
        navigated = time.time()
        driver.get(origin + "/?range=today")
        deadline = time.monotonic() + 30
        while (
            not driver.execute_script("return 'map_drawn' in window.__marks") and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        marks = driver.execute_script("return window.__marks")
        first_render = max(marks.values()) / 1000 if marks else time.time() - navigated
        time.sleep(2)  # the map's GeoJSON and any late scripts
        first_load = driver.execute_script(
            "return performance.getEntriesByType('navigation')"
            ".concat(performance.getEntriesByType('resource'))"
            ".reduce((s, e) => s + (e.transferSize || 0), 0)"
        )
        loaded_at = time.time()
        driver.execute_script(OBSERVE)
        feed = Feed(writer, sim)
        feed.start()
        time.sleep(seconds)
        feed.stop.set()
        feed.join()
        time.sleep(3)
        shown = driver.execute_script("return window.__shown")
    finally:
        driver.quit()
        server.shutdown()
    latencies = [shown[k] / 1000 - t for k, t in feed.marks.items() if k in shown]
    # One live update: the overview request a new change token triggers, and the requests that follow it
    # (ticker, drill-down, the map chained after the overview) until the next overview request.
    updates: list[list[dict[str, Any]]] = []
    for row in sorted(timing.rows, key=lambda r: r["at"] - r["seconds"]):
        if row["path"] != "/_dash-update-component" or row["at"] <= loaded_at:
            continue
        if "ops-cards" in row["output"] and row["token"]:
            updates.append([])
        if updates:
            updates[-1].append(row)
    per_update = [sum(r["seconds"] for r in rows) for rows in updates]
    cpu_per_update = [sum(r["cpu"] for r in rows) for rows in updates]
    sizes = [sum(r["bytes"] for r in rows) for rows in updates]
    by_callback: dict[str, list[float]] = defaultdict(list)
    for rows in updates:
        for r in rows:
            by_callback[r["output"].strip(".").split(".")[0] or "?"].append(r["seconds"] * 1000)
    ms = 1000
    return {
        "refresh_ms": {
            "updates": len(per_update),
            "p50": round(percentile(per_update, 50) * ms, 1),
            "p95": round(percentile(per_update, 95) * ms, 1),
            "cpu_p50": round(percentile(cpu_per_update, 50) * ms, 1),
            "cpu_p95": round(percentile(cpu_per_update, 95) * ms, 1),
        },
        "callback_ms_p95": {k: round(percentile(v, 95), 1) for k, v in sorted(by_callback.items())},
        "live_update_bytes": {
            "p50": percentile(sizes, 50),
            "p95": percentile(sizes, 95),
            "max": max(sizes, default=0),
        },
        "first_load_bytes": int(first_load),
        "first_render_s": round(first_render, 2),
        "first_render_milestones_ms": marks,
        "freshness_s": {
            "samples": len(latencies),
            "p50": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
            "max": round(max(latencies, default=0), 2),
            "missed": len(feed.marks) - len(latencies),
        },
    }


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


def poll_app(counter: Counter, port: int) -> None:
    """Flask: the browser polls /token every second; a clientside callback writes the value."""
    from dash import Dash, Input, Output, dcc, html
    from werkzeug.serving import make_server

    app = Dash("poll", serve_locally=True, update_title=None)
    app.layout = html.Div([dcc.Interval(id="tick", interval=1000), html.Div(id="out")])
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

    threading.Thread(target=lambda: app.run(host="127.0.0.1", port=port), daemon=True).start()


def measure_counter(url: str, counter: Counter, samples: int) -> list[float]:
    """Open the page, bump the counter ``samples`` times, return the latencies in seconds."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tempfile.mkdtemp()}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                driver.get(url)
                break
            except Exception:  # noqa: BLE001 - the server is still starting
                time.sleep(0.3)
        while not driver.execute_script("return !!document.getElementById('out')"):
            time.sleep(0.1)
        time.sleep(2)
        driver.execute_script(OBSERVE_COUNTER)
        start = counter.value
        for _ in range(samples):
            time.sleep(random.uniform(0.7, 2.3))
            counter.bump()
        time.sleep(2.5)
        seen = driver.execute_script("return window.__seen")
    finally:
        driver.quit()
    return [
        seen[str(v)] / 1000 - counter.at[v] for v in range(start + 1, counter.value + 1) if str(v) in seen
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


def push_vs_poll(samples: int = 25, extra_path: str = "") -> dict[str, Any]:
    """Transport latency of both designs, one after the other."""
    random.seed(7)
    out: dict[str, Any] = {}
    counter = Counter()
    port = free_port()
    poll_app(counter, port)
    out["poll_1s"] = summary(measure_counter(f"http://127.0.0.1:{port}/", counter, samples), samples)
    if extra_path:
        sys.path.append(extra_path)
    try:
        import fastapi  # noqa: F401
        import janus  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        out["push_websocket"] = f"not measured: {exc} (the FastAPI backend is not installed)"
        return out
    counter = Counter()
    port = free_port()
    push_app(counter, port)
    out["push_websocket"] = summary(measure_counter(f"http://127.0.0.1:{port}/", counter, samples), samples)
    return out


def main() -> None:
    """Print the measurements as JSON."""
    p = argparse.ArgumentParser(prog="python -m bench.dashboard_bench")
    p.add_argument("--days", type=float, default=3.0)
    p.add_argument("--rate", type=float, default=4.0, help="events/s of the simulated history")
    p.add_argument("--live-rate", type=float, default=20.0, help="events/s stored while the page is open")
    p.add_argument("--seconds", type=float, default=60.0, help="how long to watch the live page")
    p.add_argument("--push-deps", default="", help="folder holding fastapi, uvicorn, janus, websockets")
    args = p.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print(json.dumps(run(args.days, args.rate, args.live_rate, args.seconds, args.push_deps), indent=2))


if __name__ == "__main__":
    main()
