"""Browser tests: the real app on a loopback port, driven by Debian's headless Chromium.

A missing browser is a failure, not a skip: these tests are how we know the pages
work. Three simulated days of Hưng Yên are stored once per session and copied for each
test, which then writes its own events while the page is open.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from werkzeug.serving import make_server

from geodata.registry import load_registry
from ioc.settings import Settings
from ioc.store import connect
from layouts import create_dash
from tests.support import chromium
from tests.unit.layouts.store import PROVINCE, Writer, seed

ROOT = Path(__file__).resolve().parents[2]
BOUNDARIES = ROOT.parent / "shared" / "geodata" / "hung-yen-communes-full.geojson"
SCREENSHOTS = "build/screenshots"  # IOC_SCREENSHOT_DIR overrides it; `make screenshots` sets docs/screenshots
FRESHNESS_S = 2.0  # the target: an event stored is on the page within two seconds


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything here ``browser``."""
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three simulated days of the province (a working day among them, whatever today is), stored once."""
    path = tmp_path_factory.mktemp("store") / "template.db"
    engine = seed(f"sqlite:///{path}", days=3.0, rate=1.0)
    engine.dispose()
    return path


@dataclass
class Clock:
    """The server's clock: real time plus a shift a test can add (to let streams go silent at once)."""

    shift: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


@dataclass
class LiveServer:
    """A running dashboard: its URL, its store and a writer of new events."""

    url: str
    settings: Settings
    writer: Writer
    clock: Clock


@pytest.fixture
def make_server_for(tmp_path: Path, template_db: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start the app on a free loopback port against a copy of the seeded store."""
    servers: list[Any] = []

    def start(**overrides: Any) -> LiveServer:
        db = tmp_path / f"ioc-{len(servers)}.db"
        shutil.copy(template_db, db)
        values = {
            "database_url": f"sqlite:///{db}",
            "province": PROVINCE,
            "cache_dir": str(tmp_path / "cache"),
            "boundaries_path": str(BOUNDARIES),
        } | overrides
        settings = _settings(values)
        engine = connect(settings.database_url)
        clock = Clock()
        app = create_dash(settings, engine, load_registry(), clock=clock)
        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return LiveServer(f"http://127.0.0.1:{server.server_port}", settings, Writer(engine, settings), clock)

    yield start
    for server in servers:
        server.shutdown()


def _settings(values: dict[str, Any]) -> Settings:
    """Settings, with the dashboard's own options set on top while they are not yet fields of Settings."""
    known = set(Settings.__dataclass_fields__)
    settings = Settings(**{k: v for k, v in values.items() if k in known})
    for name, value in values.items():
        if name not in known:
            object.__setattr__(settings, name, value)  # frozen: the dashboard reads these with getattr
    return settings


@pytest.fixture
def server(make_server_for: Callable[..., LiveServer]) -> LiveServer:
    """The dashboard with default settings."""
    return make_server_for()


# ioc.js's poll() dispatches an ``ioc:poll`` event on the document after each poll, ok or not.
POLL_LOG = """
window.__polls = [];
document.addEventListener('ioc:poll', e => window.__polls.push(e.detail.ok));"""


# Records, in the page, when each text under a selector first appears (ms since the epoch), so that a test
# measures when something was shown, not when its own next look at the page happened to fall.
SHOWN_LOG = """
const [selector] = arguments;
window.__shown = {};
const note = () => document.querySelectorAll(selector).forEach(e => {
  const t = e.innerText;
  if (!(t in window.__shown)) window.__shown[t] = performance.timeOrigin + performance.now();
});
note();
new MutationObserver(note).observe(document.body, {childList: true, subtree: true, characterData: true});"""


class Browser:
    """A headless Chromium session with helpers to wait (with deadlines) and to inspect the page."""

    def __init__(self, driver: webdriver.Chrome, screenshots: Path) -> None:
        self.driver = driver
        self.screenshots = screenshots

    def open(self, url: str, width: int = 1920, height: int = 1080) -> None:
        """Load a page at an exact viewport size."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self.driver.get(url)

    def js(self, script: str, *args: Any) -> Any:
        """Run a script in the page and return its value."""
        return self.driver.execute_script(script, *args)

    def wait_for(
        self, what: str, check: Callable[[], Any], timeout: float = 15.0, every: float = 0.05
    ) -> Any:
        """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                last = check()
            except Exception as exc:  # noqa: BLE001 - the page may be between renders; try again
                last = exc
            else:
                if last:
                    return last
            time.sleep(every)
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")

    def text(self, element_id: str) -> str:
        """The visible text of an element ('' when absent)."""
        return self.js(
            "const e = document.getElementById(arguments[0]); return e ? e.innerText : ''", element_id
        )

    def store(self, component_id: str) -> Any:
        """The data a ``dcc.Store`` holds in the page now (None before it has any)."""
        return self.js(
            "const n = window.dash_component_api.getLayout(arguments[0]); return n ? n.props.data : null",
            component_id,
        )

    def watch_polls(self) -> None:
        """From now on, log each outcome of the page's poll of /api/v1/health."""
        self.js(POLL_LOG)

    def watch_shown(self, selector: str) -> None:
        """From now on, note when each text of the elements matching ``selector`` first appears."""
        self.js(SHOWN_LOG, selector)

    def shown_at(self, part: str) -> tuple[str, float] | None:
        """The first text noted by ``watch_shown`` containing ``part``, and when (epoch s); else None."""
        shown: dict[str, float] = self.js("return window.__shown")
        return next(((t, at / 1000) for t, at in shown.items() if part in t), None)

    def polls(self) -> list[bool]:
        """Each poll the page took in since ``watch_polls``: True when the server answered, else False."""
        return self.js("return window.__polls")

    def still(self) -> bool:
        """No CSS transition or animation is under way (endless ones, like a blinking dot, aside)."""
        return self.js("""return document.getAnimations().every(
            a => a.playState !== 'running' || a.effect.getComputedTiming().endTime === Infinity)""")

    def console_errors(self) -> list[str]:
        """Severe console messages since the last call."""
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def requests(self, origin: str) -> list[str]:
        """Every URL the page at ``origin`` requested (CDP network events), plus its resource timing entries.

        The browser's own pages (chrome://new-tab-page before the first navigation) are not the page's.
        """
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message.get("method") == "Network.requestWillBeSent" and params.get(
                "documentURL", ""
            ).startswith(origin):
                urls.append(params["request"]["url"])
        urls += self.js("return performance.getEntriesByType('resource').map(e => e.name)")
        return urls

    def screenshot(self, name: str) -> Path:
        """Save a screenshot in the screenshot folder (see the ``screenshots`` fixture)."""
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / name
        self.driver.save_screenshot(str(path))
        return path


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the tests' screenshots go: $IOC_SCREENSHOT_DIR, else build/screenshots/ (relative to the repo).

    Not docs/screenshots/ by default, so that a test run leaves the committed README pictures alone.
    """
    return ROOT / (os.environ.get("IOC_SCREENSHOT_DIR") or SCREENSHOTS)


@pytest.fixture
def browser(tmp_path: Path, screenshots: Path) -> Iterator[Browser]:
    """A fresh headless Chromium (its own profile), failing the test when Chromium is not installed."""
    if why := chromium.missing():
        pytest.fail(f"browser tests: {why}")
    # No viewport override here (size=None): Browser.open sets each page's own size.
    driver = chromium.start(
        tmp_path / "profile",
        size=None,
        extra=("--window-size=1920,1080", "--hide-scrollbars", "--lang=vi-VN"),
        log_performance=True,
    )
    driver.execute_cdp_cmd("Network.enable", {})
    try:
        yield Browser(driver, screenshots)
    finally:
        driver.quit()
