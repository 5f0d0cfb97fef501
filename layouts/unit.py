"""Unit view (/unit/<code>): one commune's (or province's) own queues, for an officer on a tablet."""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html

from ioc.i18n import Messages, language
from ioc.store import queries as q
from layouts import components as ui
from layouts import data, live
from layouts.context import Dashboard

PATH_TEMPLATE = "/unit/<code>"
LIVE = live.ids("unit")
CODE, LANG, TILES, COUNTDOWN = (
    "unit-code",
    "unit-lang",
    "unit-tiles",
    "unit-countdown",
)
QUEUES = ("dossiers_overdue", "dossiers_due_soon", "feedback_open", "sites_down")
QUEUE_IDS = {name: f"unit-queue-{name.replace('_', '-')}" for name in QUEUES}
# (count of queries.open_counts, the section its tile jumps to)
TILE_KEYS = (
    ("dos.overdue", "dossiers_overdue"),
    ("dos.due_soon", "dossiers_due_soon"),
    ("dos.open", ""),
    ("fb.open", "feedback_open"),
    ("fb.overdue", "feedback_open"),
    ("sites.down", "sites_down"),
)
ALARMS = ("dos.overdue", "fb.overdue", "sites.down")


def layout(ctx: Dashboard, code: str | None = None, lang: str | None = None, **_: Any) -> html.Div:
    """The page of one unit; an unknown code or one outside the scope says so."""
    tr = Messages(language(lang, ctx.settings.language))
    unit = ctx.unit(code)
    if unit is None and code is not None:
        return html.Div(
            className="page unit theme-light",
            children=[
                html.Div(
                    className="not-found",
                    children=[
                        html.H1(tr("unit.not_found", code=code or "")),
                        dcc.Link(
                            tr("unit.back_to_ops"), href=f"/?lang={tr.lang}", refresh=True, className="button"
                        ),
                    ],
                )
            ],
        )
    if unit is None:  # no code: Dash asks for the page's components to validate callbacks against
        unit = ctx.registry.communes(ctx.province)[0] if ctx.province else ctx.registry.provinces()[0]
    parent = ctx.unit_name(unit.parent_code) if unit.parent_code else ctx.scope.name
    kind = unit.type if tr.lang == "vi" else unit.type_en
    links = [
        dcc.Link(tr("nav.ops"), href=f"/?lang={tr.lang}&unit={unit.code}", className="link", refresh=True)
    ]
    return html.Div(
        className="page unit theme-light",
        children=[
            *live.components(LIVE, ctx, tr.lang, page=f"unit-{unit.code}"),
            dcc.Store(id=CODE, data=unit.code),
            dcc.Store(id=LANG, data=tr.lang),
            dcc.Store(id=COUNTDOWN),
            ui.banner(LIVE),
            ui.header(
                LIVE,
                tr,
                title=unit.name,
                subtitle=f"{kind.capitalize()} · {parent}",
                links=links,
                href=lambda c: f"/unit/{unit.code}?lang={c}",
                extra_class="compact",
            ),
            html.Main(
                className="unit-main",
                children=[
                    html.Div(
                        id=TILES,
                        className="tiles",
                        children=[_tile(None, tr, k, target) for k, target in TILE_KEYS],
                    ),
                    html.Div(
                        className="queues",
                        children=[
                            html.Section(
                                className="panel queue-panel",
                                id=f"section-{name}",
                                children=[
                                    html.H2(tr(f"queue.{name}")),
                                    html.Ul(id=QUEUE_IDS[name], className="list queue big"),
                                ],
                            )
                            for name in QUEUES
                        ],
                    ),
                ],
            ),
        ],
    )


def _tile(value: float | None, tr: Messages, key: str, target: str) -> html.A:
    text = tr.number(value) if value is not None else "…"
    alarm = bool(value) and key in ALARMS
    return html.A(
        href=f"#section-{target}" if target else "#",
        className=f"tile {'alarm' if alarm else ''}",
        id=f"tile-{key}",
        children=[html.Div(text, className="value"), html.Div(tr(f"tile.{key}"), className="label")],
    )


def register(app: Dash, ctx: Dashboard) -> None:
    """The page and its callbacks, bound to one dashboard."""
    dash.register_page(
        "layouts.unit",
        path_template=PATH_TEMPLATE,
        name="unit",
        title=f"IOC · {ctx.scope.name}",
        order=1,
        layout=lambda code=None, **kw: layout(ctx, code, **kw),
    )
    live.register(app, LIVE)
    app.clientside_callback(
        ClientsideFunction("ioc", "countdowns"),
        Output(COUNTDOWN, "data"),
        Input(LIVE.tick, "n_intervals"),
        State(LIVE.cfg, "data"),
    )

    @app.callback(
        Output(TILES, "children"),
        *[Output(QUEUE_IDS[q], "children") for q in QUEUES],
        Input(LIVE.live, "data"),
        State(CODE, "data"),
        State(LANG, "data"),
        running=[(Output(LIVE.busy, "data"), True, False)],
    )
    def refresh(_live: Any, code: str, lang: str) -> tuple[Any, ...]:
        """Counts and the four queues of the unit."""
        return unit_view(ctx, code, Messages(lang))


def unit_view(ctx: Dashboard, code: str, tr: Messages) -> tuple[Any, ...]:
    """Tiles and queues (overdue, due soon, open feedback, outages) of one unit, now."""
    unit = ctx.unit(code)
    if unit is None:
        return (dash.no_update,) * (1 + len(QUEUES))
    now = ctx.now()
    province, commune = (unit.code, None) if unit.level == "province" else (unit.parent_code, unit.code)
    with ctx.engine.connect() as conn:
        counts = q.open_counts(conn, province=province, unit=commune, now=now, cal=ctx.calendar)
        queues = {
            name: data.queue(
                conn,
                name,
                province=province,
                unit=commune,
                now=now,
                cal=ctx.calendar,  # type: ignore[arg-type]
                limit=40,
            )
            for name in QUEUES
        }
    tiles = [_tile(counts.get(k), tr, k, target) for k, target in TILE_KEYS]
    lists = [
        ui.queue(queues[name], name, tr, ctx.unit_name, now, show_unit=unit.level == "province")
        for name in QUEUES
    ]
    return (tiles, *lists)
