"""The unit view on a tablet: 768-1280 px wide, no horizontal scroll; heals after a network drop."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import Browser, LiveServer
from tests.browser.test_ops import foreign
from tests.unit.layouts.store import COMMUNE, feedback


def loaded(b: Browser) -> bool:
    """Tiles and queues filled by the server."""
    return b.js("""return document.querySelectorAll('#unit-tiles .tile .value').length === 6
        && ![...document.querySelectorAll('#unit-tiles .tile .value')].some(e => e.innerText === '…')
        && document.querySelectorAll('#unit-queue-feedback-open li').length > 0""")


def countdowns_drawn(b: Browser) -> bool:
    """Every row of the queues shows its time to (or past) the deadline."""
    return b.js("""const rows = [...document.querySelectorAll('.queue .countdown')];
        return rows.length > 0 && rows.every(e => e.getAttribute('data-left'))""")


def test_unit_view_loads_clean_and_shows_the_units_own_queues(server: LiveServer, browser: Browser) -> None:
    browser.open(f"{server.url}/unit/{COMMUNE}", 800, 1280)
    browser.wait_for("the unit view to render", lambda: loaded(browser), timeout=20)
    assert "Phố Hiến" in browser.text("ioc-root")
    assert browser.text("unit-queue-feedback-open").strip()
    browser.wait_for("the last-heard line", lambda: "trước" in browser.text("unit-conn"))
    browser.wait_for(
        "the clock and every deadline countdown drawn",
        lambda: browser.text("unit-clock") and countdowns_drawn(browser) and browser.still(),
    )
    browser.screenshot("unit-view.png")
    assert browser.console_errors() == []
    assert foreign(browser.requests(server.url), server.url) == []


@pytest.mark.parametrize("width", [768, 800, 1024, 1280])
def test_unit_view_has_no_horizontal_scroll(server: LiveServer, browser: Browser, width: int) -> None:
    browser.open(f"{server.url}/unit/{COMMUNE}", width, 1280)
    browser.wait_for("the unit view to render", lambda: loaded(browser), timeout=20)
    scroll, client = browser.js(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{scroll} px of content in a {client} px wide window"
    too_wide = browser.js("""return [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(e => e.id || e.className).slice(0, 5)""")
    assert too_wide == []


def test_unit_view_recovers_by_itself_after_the_network_drops(server: LiveServer, browser: Browser) -> None:
    browser.open(f"{server.url}/unit/{COMMUNE}", 800, 1280)
    browser.wait_for("the unit view to render", lambda: loaded(browser), timeout=20)

    def open_cases() -> int:
        return int(
            browser.js(
                "return document.getElementById('tile-fb.open').querySelector('.value').innerText"
            ).replace(".", "")
        )

    before = open_cases()
    network = {"latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    browser.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, **network})
    browser.wait_for(
        "the page to say it lost the server",
        lambda: "offline" in browser.js("return document.getElementById('unit-conn').className"),
        timeout=10,
    )
    assert "Mất kết nối" in browser.text("unit-conn")
    browser.watch_polls()
    marker = f"Đèn đường hỏng {time.time_ns() % 10**6}"
    server.writer.write([feedback(marker, unit=COMMUNE)])  # stored while the tablet is offline
    browser.wait_for(
        "two polls to fail while the case waits on the server",
        lambda: browser.polls().count(False) >= 2,
        timeout=10,
    )
    browser.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, **network})
    browser.wait_for(
        "the page to reconnect",
        lambda: "online" in browser.js("return document.getElementById('unit-conn').className"),
        timeout=10,
    )
    browser.wait_for("the case stored meanwhile", lambda: open_cases() == before + 1, timeout=10)
