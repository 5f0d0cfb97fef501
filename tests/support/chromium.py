"""Debian's headless Chromium, started the one way this machine allows, for the browser tests and the bench.

Tools that download their own browser fail here (no internet beyond the package registries), so
everything points at ``/usr/bin/chromium`` and ``/usr/bin/chromedriver``.
"""

from __future__ import annotations

from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (  # no sandbox in containers; no GPU; nothing that phones home or updates itself
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def missing() -> str | None:
    """Why Chromium cannot start here, or None when both binaries are installed."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return None
    return f"needs Debian's chromium ({CHROMIUM}) and chromium-driver ({CHROMEDRIVER})"


def start(
    profile: Path | str,
    *,
    size: tuple[int, int] | None = (1920, 1080),
    extra: tuple[str, ...] = (),
    log_performance: bool = False,
) -> webdriver.Chrome:
    """A fresh headless Chromium with its own profile folder; ``size`` is the viewport in CSS pixels."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (*FLAGS, f"--user-data-dir={profile}", *extra):
        options.add_argument(arg)
    if size:
        options.add_argument(f"--window-size={size[0]},{size[1]}")
    if log_performance:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    if size:  # the window size includes no chrome in headless mode, but pin the viewport exactly
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False},
        )
    return driver
