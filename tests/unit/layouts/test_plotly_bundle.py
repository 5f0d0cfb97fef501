"""The browser's plotly.js bundle is the version the Python plotly package writes figures for, and holds
every trace type the dashboard draws."""

from __future__ import annotations

import re
from pathlib import Path

import plotly

LAYOUTS = Path(__file__).resolve().parents[3] / "layouts"
BUNDLE = LAYOUTS / "assets" / "vendor" / "plotly-ioc.min.js"


def banner() -> str:
    """The bundle's first line, written by ``make bundle``."""
    with BUNDLE.open(encoding="utf-8") as f:
        return f.readline()


def test_the_bundle_is_the_plotly_js_the_python_package_ships() -> None:
    found = re.search(r"plotly\.js v([\d.]+)", banner())
    assert found, banner()
    assert found.group(1) == plotly.offline.get_plotlyjs_version()  # else: make bundle


def test_the_bundle_has_every_trace_type_the_figures_use() -> None:
    used = {
        name.lower()
        for source in LAYOUTS.glob("*.py")
        for name in re.findall(r"\bgo\.(?!Figure\b)([A-Z][A-Za-z]+)\(", source.read_text(encoding="utf-8"))
    }
    bundled = set(banner().split("traces:")[1].split(";")[0].split())
    assert used, "no trace found: the pattern no longer matches how figures are built"
    assert used <= bundled, f"add {sorted(used - bundled)} to layouts/vendor/plotly-ioc.js, then make bundle"
