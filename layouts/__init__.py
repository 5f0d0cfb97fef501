"""The dashboard: three Dash pages over the same live data, and the JSON API beside them.

``create_dash(settings, engine, registry)`` builds a fresh app (tests build many):
pages are registered from their modules, not found by scanning a folder, and no data
is read until a request asks for it. Everything the browser loads comes from this
server: scripts and styles are served locally and compressed, the map has no tiles
unless the site names its own tile server, and boundaries come from /api/v1/geojson.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import dash
from dash import Dash, html
from flask import Flask
from sqlalchemy import Engine

from geodata.registry import Registry
from ioc.settings import Settings
from layouts import api, compress, display, figures, ops, unit
from layouts.context import Dashboard

__all__ = ["create_dash"]

ASSETS = Path(__file__).parent / "assets"


def create_dash(
    settings: Settings,
    engine: Engine,
    registry: Registry,
    *,
    server: Flask | bool | None = None,
    clock: Callable[[], datetime] | None = None,
    layers: Callable[[], Any] | None = None,
) -> Dash:
    """A Dash app with the operations room (/), unit view (/unit/<code>), display mode (/display) and /api/v1.

    ``server``: an existing Flask app to mount on (default: a new one). ``clock`` and
    ``layers`` replace the wall clock and the map layers (tests, benchmarks).
    """
    ctx = Dashboard(settings, engine, registry, layers_factory=layers)
    if clock is not None:
        ctx.clock = clock
    dash._pages.PAGE_REGISTRY.clear()  # the registry is global: a fresh app starts from its own pages only
    app = Dash(
        __name__,
        server=server if server is not None else True,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        serve_locally=True,
        title=f"IOC · {ctx.scope.name}",
        update_title=None,
        suppress_callback_exceptions=False,
        compress=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    ctx.prefix = app.config.requests_pathname_prefix
    for page in (ops, unit, display):
        page.register(app, ctx)
    app.layout = html.Div(dash.page_container, id="ioc-root")
    app.server.register_blueprint(api.blueprint(ctx))
    compress.install(app.server)
    figures.warm_up()
    ctx.warm_up()
    app.server.extensions["ioc_dashboard"] = ctx
    return app
