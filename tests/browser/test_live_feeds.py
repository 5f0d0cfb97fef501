"""The views fed the way they run for real, through ``app.create_app``: events produced to a real Kafka
broker and stored by the app's own consumer (``IOC_KAFKA_BOOTSTRAP``), and the built-in demo feed of
``make run``; each shown without a reload."""

from __future__ import annotations

import shutil
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from app import create_app
from ioc import events as ev
from ioc.settings import Settings
from ioc.store import connect
from layouts.display import OVERVIEW_KEYS
from streams.producer import make_producer
from streams.topics import Topics, encode
from tests.browser.conftest import BOUNDARIES, FRESHNESS_S, Browser
from tests.browser.test_ops import TICKER_TEXTS
from tests.browser.test_ops import loaded as ops_loaded
from tests.browser.test_unit import loaded as unit_loaded
from tests.unit.layouts.store import COMMUNE, PROVINCE, feedback, heartbeat


@dataclass
class KafkaFed:
    """The app on a loopback port, consuming its own topics of the session's broker; a producer to them."""

    url: str
    settings: Settings
    producer: Any
    topics: Topics

    def produce(self, events: list[ev.Event]) -> float:
        """Send and flush; the time (epoch s) the broker acknowledged them."""
        for event in events:
            key, value = encode(event)
            self.producer.send(self.topics.of(event.family), key=key, value=value)
        self.producer.flush(timeout=10)
        return time.time()

    def stored(self, event_id: str) -> bool:
        """Whether the app's consumer has stored this event."""
        engine = connect(self.settings.database_url)
        try:
            with engine.connect() as conn:
                row = conn.execute(text("SELECT 1 FROM events WHERE event_id = :i"), {"i": event_id}).first()
            return row is not None
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def fed(
    kafka_bootstrap: str, template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KafkaFed]:
    """A copy of the seeded store behind the whole app, its consumer already assigned its partitions."""
    from kafka import KafkaAdminClient

    folder = tmp_path_factory.mktemp("kafka-fed")
    shutil.copy(template_db, folder / "ioc.db")
    topics = Topics(f"browser-{uuid.uuid4().hex[:8]}")
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="ioc-test-admin")
    try:
        admin.create_topics({t: {"num_partitions": 3, "replication_factor": 1} for t in topics.streams},
                            timeout_ms=30_000, wait_for_metadata=True)  # fmt: skip
    finally:
        admin.close()
    settings = Settings(database_url=f"sqlite:///{folder / 'ioc.db'}", province=PROVINCE,
                        kafka_bootstrap=kafka_bootstrap, topic_prefix=topics.prefix,
                        consumer_group=f"{topics.prefix}-app", cache_dir=str(folder / "cache"),
                        boundaries_path=str(BOUNDARIES))  # fmt: skip
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    producer = make_producer(kafka_bootstrap, linger_ms=0)
    kafka_fed = KafkaFed(f"http://127.0.0.1:{server.server_port}", settings, producer, topics)
    first = heartbeat()  # the consumer joins its group and stores these before any test measures anything
    kafka_fed.produce(first)
    deadline = time.monotonic() + 60
    while not all(kafka_fed.stored(e.event_id) for e in first):
        if time.monotonic() > deadline:
            pytest.fail("the app's consumer did not store the first events within 60 s")
        time.sleep(0.2)
    try:
        yield kafka_fed
    finally:
        app.server.extensions["ioc_stop"].set()
        producer.close(timeout=10)
        server.shutdown()


def test_operations_room_shows_an_event_produced_to_kafka_within_the_freshness_target(
    fed: KafkaFed, browser: Browser
) -> None:
    browser.open(fed.url + "/")
    browser.wait_for("the operations room to render", lambda: ops_loaded(browser), timeout=20)
    browser.watch_shown("#ops-ticker .text")
    delays = []
    for n in range(3):  # the median of three: one sample may meet a garbage collection or a busy CI box
        marker = f"Ngập úng đường Nguyễn Văn Linh {n}-{time.time_ns() % 10**6}"
        acknowledged = fed.produce([feedback(marker)])
        _, shown = browser.wait_for(
            "the produced feedback in the ticker", lambda marker=marker: browser.shown_at(marker), timeout=15
        )
        delays.append(shown - acknowledged)
    assert statistics.median(delays) <= FRESHNESS_S, f"shown after {', '.join(f'{d:.2f}' for d in delays)} s"


def test_unit_view_shows_a_case_produced_to_kafka_for_its_unit(fed: KafkaFed, browser: Browser) -> None:
    browser.open(f"{fed.url}/unit/{COMMUNE}", 800, 1280)
    browser.wait_for("the unit view to render", lambda: unit_loaded(browser), timeout=20)

    def open_cases() -> int:
        value = browser.js("return document.getElementById('tile-fb.open').querySelector('.value').innerText")
        return int(value.replace(".", ""))

    before = open_cases()
    marker = f"Cột điện nghiêng trước trường học {time.time_ns() % 10**6}"
    fed.produce([feedback(marker, unit=COMMUNE)])
    browser.wait_for("the open-case count to grow by one", lambda: open_cases() == before + 1, timeout=15)


def test_display_counts_cases_produced_to_kafka(fed: KafkaFed, browser: Browser) -> None:
    browser.open(f"{fed.url}/display?slides=overview:600", 1920, 1080)
    browser.wait_for(
        "the wall to render",
        lambda: browser.js("return document.querySelectorAll('#disp-kpis .card').length"),
    )
    index = OVERVIEW_KEYS.index("fb.received")

    def received_today() -> int:
        card = "return document.querySelectorAll('#disp-kpis .card')[arguments[0]]"
        value = browser.js(card + ".querySelector('.value').innerText", index)
        return int(value.replace(".", ""))

    before = received_today()
    run = uuid.uuid4().hex[:8]
    fed.produce([feedback(f"Phản ánh số {n} từ Zalo", case=f"pa-wall-{run}-{n}") for n in range(3)])
    browser.wait_for("the wall's count to grow by three", lambda: received_today() == before + 3, timeout=15)


def test_the_demo_feed_of_make_run_keeps_the_operations_room_and_the_wall_moving(
    tmp_path: Path, browser: Browser
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}", province=PROVINCE, demo_rate=20.0,
                        demo_backfill_hours=0.25, cache_dir=str(tmp_path / "cache"),
                        boundaries_path=str(BOUNDARIES))  # fmt: skip
    # No Kafka configured: the demo feed backfills a quarter of an hour (about 11k events), then runs live.
    # The wall is stale until the backfill reaches now; that takes seconds here and far longer on a busy CI.
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        browser.open(url + "/")
        browser.wait_for("the operations room to render", lambda: ops_loaded(browser), timeout=30)
        first = browser.js(TICKER_TEXTS)
        browser.wait_for(
            "new demo events in the ticker", lambda: browser.js(TICKER_TEXTS) != first, timeout=15
        )
        browser.open(url + "/display?slides=overview:600", 1920, 1080)
        browser.wait_for(
            "every stream fresh on the wall",
            lambda: browser.js("return document.querySelectorAll('.stream-pill.ok').length") == 3,
            timeout=120,
        )
        assert "hidden" in browser.js("return document.getElementById('disp-banner').className")
    finally:
        app.server.extensions["ioc_stop"].set()
        server.shutdown()
