"""The wall screen: no controls, slides rotating with their own durations, a stale banner when data stops."""

from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import Browser, LiveServer
from tests.browser.test_ops import foreign
from tests.unit.layouts.store import heartbeat


def active(b: Browser) -> str:
    """The slide on screen."""
    return b.js(
        "const s = document.querySelector('.slide.active'); return s ? s.getAttribute('data-slide') : ''"
    )


SLIDE_LOG = """
window.__slides = [];
new MutationObserver(() => {
  const s = document.querySelector('.slide.active');
  const name = s && s.getAttribute('data-slide');
  const log = window.__slides;
  if (name && (!log.length || log[log.length - 1][0] !== name)) log.push([name, performance.now()]);
}).observe(document.querySelector('.slides'),
           {attributes: true, subtree: true, attributeFilter: ['class']});"""


def shown(b: Browser, slide: str) -> bool:
    """``slide`` is on screen and has finished fading in."""
    return b.js(
        "const s = document.querySelector('.slide.active');"
        "return !!s && s.getAttribute('data-slide') === arguments[0] && getComputedStyle(s).opacity === '1'",
        slide,
    )


def stale(b: Browser) -> bool:
    """The banner across the wall, every stream's pill red, the slides greyed out."""
    return b.js("""return document.getElementById('disp-banner').offsetHeight > 0
        && document.querySelectorAll('.stream-pill.red').length === 3
        && document.documentElement.classList.contains('is-stale')""")


def loaded(b: Browser) -> bool:
    """The overview's big numbers are in."""
    return b.js("return document.querySelectorAll('#disp-kpis .card').length === 8")


def test_display_rotates_its_slides_with_durations_from_the_url(server: LiveServer, browser: Browser) -> None:
    server.writer.write(heartbeat())
    browser.open(f"{server.url}/display?slides=overview:3,map:3,dossiers:3", 1920, 1080)
    browser.wait_for("the wall to render", lambda: loaded(browser), timeout=20)
    assert browser.js("return document.querySelectorAll('input, select, button, .dash-dropdown').length") == 0
    plan = ["overview", "map", "dossiers"]
    browser.js(SLIDE_LOG)  # the page logs each change itself: a busy page may keep a script waiting
    browser.wait_for("four slide changes", lambda: len(browser.js("return window.__slides")) >= 4, timeout=25)
    log = browser.js("return window.__slides")[:4]
    seen = [name for name, _ in log]
    first = plan.index(seen[0])
    assert seen == [plan[(first + i) % 3] for i in range(4)]  # in the plan's order, round and round
    shown_for = (log[2][1] - log[1][1]) / 1000
    assert 2.9 <= shown_for <= 4.5, f"a 3-second slide was shown {shown_for:.1f} s"
    assert browser.console_errors() == []
    assert foreign(browser.requests(server.url), server.url) == []


def test_display_raises_the_stale_banner_when_the_stream_stops(server: LiveServer, browser: Browser) -> None:
    server.writer.write(heartbeat())
    browser.open(f"{server.url}/display?slides=overview:60", 1920, 1080)
    browser.wait_for("the wall to render", lambda: loaded(browser), timeout=20)
    browser.wait_for(
        "every stream to be fresh",
        lambda: browser.js("return document.querySelectorAll('.stream-pill.ok').length") == 3,
        timeout=10,
    )
    assert "hidden" in browser.js("return document.getElementById('disp-banner').className")
    browser.wait_for("the overview on screen", lambda: shown(browser, "overview") and browser.still())
    browser.screenshot("display.png")
    server.clock.shift = timedelta(minutes=11)  # nothing arrives for 11 minutes (threshold: 10)
    browser.wait_for(
        "the stale banner",
        lambda: "shown" in browser.js("return document.getElementById('disp-banner').className"),
        timeout=10,
    )
    assert "CẢNH BÁO" in browser.text("disp-banner")
    browser.wait_for("the wall greyed out under the banner", lambda: stale(browser) and browser.still())
    browser.screenshot("display-stale.png")
