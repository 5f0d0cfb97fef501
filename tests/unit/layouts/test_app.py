"""create_dash: fresh apps, pages registered from modules, everything served from the app's own origin."""

from __future__ import annotations

import gzip
import re

import dash

from layouts import create_dash
from layouts.context import Dashboard


def test_each_call_builds_a_fresh_app_with_the_three_pages(ctx: Dashboard) -> None:
    first = create_dash(ctx.settings, ctx.engine, ctx.registry)
    second = create_dash(ctx.settings, ctx.engine, ctx.registry)
    assert first is not second and first.server is not second.server
    assert sorted(p["path_template"] or p["path"] for p in dash.page_registry.values()) == [
        "/",
        "/display",
        "/unit/<code>",
    ]


def test_pages_load_scripts_from_this_server_only(ctx: Dashboard) -> None:
    app = create_dash(ctx.settings, ctx.engine, ctx.registry)
    html = app.server.test_client().get("/").get_data(as_text=True)
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    addresses = re.findall(r"https?://[^\s\"']+", html)
    assert [a for a in addresses if not a.startswith("http://localhost/")] == []  # only the page's own origin


def test_scripts_and_the_plotly_bundle_are_served_compressed(ctx: Dashboard) -> None:
    app = create_dash(ctx.settings, ctx.engine, ctx.registry)
    client = app.server.test_client()
    html = client.get("/").get_data(as_text=True)
    for pattern in (r'"(/_dash-component-suites/dash/dcc/dash_core_components[^"]+)"',
                    r'"(/assets/vendor/plotly-ioc\.min\.js\?m=[^"]+)"'):  # fmt: skip
        path = re.search(pattern, html).group(1)
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip", path
        assert len(gzip.decompress(response.get_data())) > 2 * len(response.get_data())
        assert client.get(path).get_data() == gzip.decompress(response.get_data())  # plain for who asks


def test_an_existing_flask_server_can_host_the_dashboard(ctx: Dashboard) -> None:
    from flask import Flask

    server = Flask("host")
    app = create_dash(ctx.settings, ctx.engine, ctx.registry, server=server)
    assert app.server is server and server.test_client().get("/api/v1/health").status_code == 200
