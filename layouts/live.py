"""The live loop every page shares: a cheap poll of /api/v1/health, a header that ages by itself.

Measured against Dash's WebSocket push (docs/api.md, bench/dashboard_bench.py), polling
won: push needs the FastAPI or Quart backend instead of Flask and a worker thread per
open page, and a half-second poll of a three-row table keeps pages within their
two-second freshness target.
The browser fetches the health endpoint every ``poll_ms`` (outside Dash's callback
machinery); only when the change token moves does it touch the stores that trigger the
page's server callbacks. While the heavy ones run (the page's ``busy`` store), new tokens
wait for them, so a slow server never piles callbacks up; cheap ones (the ticker) follow
the token at once, or, on a page whose heavy callback refreshes them too (``fast_in_live``
in its config: the operations room), only while the heavy one is busy: one request per
update. After a network drop the next good poll refreshes the page by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, dcc
from dash._callback_context import context_value  # public dash.ctx raises outside a callback instead

from ioc.i18n import Lang, js_messages
from layouts import data
from layouts.context import FAMILIES, Dashboard

HEALTH_PATH = "api/v1/health"
JS_KEYS = (
    "family.feedback",
    "family.dossier",
    "family.infra",
    "health.lag",
    "health.never",
    "health.online",
    "health.offline",
    "health.updated",
    "health.last_heard",
    "health.stale_banner",
    "health.offline_banner",
    "unit.seconds",
    "unit.minutes",
    "unit.hours",
    "unit.days",
    "unit.ago",
    "unit.left",
    "unit.late",
)


@dataclass(frozen=True)
class LiveIds:
    """The ids of one page's live components (each page passes its own prefixed constants)."""

    tick: str
    live: str  # the change token for the page's heavy callbacks: held back while they still run
    fast: str  # the same token at once, for cheap callbacks (the ticker)
    busy: str
    cfg: str
    clock: str
    date: str
    conn: str
    banner: str

    def pill(self, family: str) -> str:
        """Id of one stream's freshness pill."""
        return f"{self.tick.rsplit('-', 1)[0]}-stream-{family}"


def ids(prefix: str) -> LiveIds:
    """The live ids of a page: ``ops-tick``, ``ops-live``..."""
    names = ("tick", "live", "fast", "busy", "cfg", "clock", "date", "conn", "banner")
    return LiveIds(**{n: f"{prefix}-{n}" for n in names})


def components(li: LiveIds, ctx: Dashboard, lang: Lang, **extra: Any) -> list[Any]:
    """The interval and stores of the loop, with what the browser's scripts need to know."""
    cfg = {
        "url": ctx.prefix + HEALTH_PATH,
        "poll_ms": int(ctx.option("poll_ms")),
        "timeout_ms": 4000,
        "busy_grace_ms": 15000,
        "offline_after_ms": 10000,
        "lang": lang,
        "msgs": js_messages(lang, JS_KEYS),
        "families": list(FAMILIES),
        "ids": {
            "clock": li.clock,
            "date": li.date,
            "conn": li.conn,
            "banner": li.banner,
            "live": li.live,
            "fast": li.fast,
            "pills": {f: li.pill(f) for f in FAMILIES},
        },
        **extra,
    }
    # The token the page is rendered with: the first poll refreshes only if something was stored since.
    with ctx.engine.connect() as conn:
        token = {"token": data.change_token(conn), "at": None}
    return [
        dcc.Interval(id=li.tick, interval=cfg["poll_ms"], n_intervals=0),
        dcc.Store(id=li.live, data=token),
        dcc.Store(id=li.fast, data=token),
        dcc.Store(id=li.busy, data=False),
        dcc.Store(id=li.cfg, data=cfg),
    ]


def in_callback() -> bool:
    """Whether Dash serves a page to a browser (its router callback), not building its validation layout."""
    return bool(context_value.get({}))


def register(app: Dash, li: LiveIds) -> None:
    """The browser-side poll of the health endpoint; it also writes the header (clock, pills, banner)
    straight into the DOM, outside Dash's outputs, so a tick does not re-render the page."""
    # Not at page load: the first render must not wait for a poll (the first tick follows shortly).
    app.clientside_callback(
        ClientsideFunction("ioc", "poll"),
        Output(li.live, "data"),
        Output(li.fast, "data"),
        Input(li.tick, "n_intervals"),
        State(li.live, "data"),
        State(li.fast, "data"),
        State(li.busy, "data"),
        State(li.cfg, "data"),
        prevent_initial_call=True,
    )
