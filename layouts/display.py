"""Display mode (/display): the wall screen. No controls, dark, type that scales, rotating slides.

Slides and their seconds come from ``?slides=map:30,overview:20`` or the
``display_slides`` setting. Rotation runs in the browser; data arrives through the
same live loop as the other pages, and a full-width banner says so when a stream has
been silent past its threshold or the server cannot be reached, so a wall never shows
stale numbers as if they were live.
"""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, dcc, html

from ioc.i18n import Messages, language
from layouts import components as ui
from layouts import data, figures, live, maps
from layouts.context import SLIDES as SLIDE_NAMES
from layouts.context import Dashboard, parse_slides
from layouts.filters import filters
from layouts.views import Changes, bars, map_figure, trend

LIVE = live.ids("disp")
LANG, SLIDES, ACTIVE, RENDERED, VIEWPORT = (
    "disp-lang",
    "disp-slides",
    "disp-active",
    "disp-rendered",
    "disp-viewport",
)
SLIDE, DOT = "disp-slide", "disp-dot"
KPIS, MAP, OUTAGES, INFRA_KPIS = "disp-kpis", "disp-map", "disp-outages", "disp-infra-kpis"
TREND_DOS, TREND_FB, BY_SECTOR, BY_CATEGORY = (
    "disp-trend-dossier",
    "disp-trend-feedback",
    "disp-by-sector",
    "disp-by-category",
)
OVERVIEW_KEYS = (
    "dos.received",
    "dos.on_time_rate",
    "dos.overdue",
    "dos.online_rate",
    "fb.received",
    "fb.processed_rate",
    "fb.overdue",
    "site.active_outages",
)
INFRA_KEYS = ("site.availability", "site.active_outages", "site.outages", "site.mttr", "site.share_5g")
MAP_METRIC = "dos.on_time_rate"
GRAPH = {"displayModeBar": False, "staticPlot": False, "responsive": True}


def layout(ctx: Dashboard, lang: str | None = None, slides: str | None = None, **_: Any) -> html.Div:
    """Every slide stacked; the browser shows one at a time for its duration."""
    tr = Messages(language(lang, ctx.settings.language))
    plan = parse_slides(slides, ctx.option("display_slides"))
    names = [name for name, _ in plan]
    cfg = {"durations": [seconds for _, seconds in plan]}
    return html.Div(
        className="page display theme-wall",
        children=[
            *live.components(LIVE, ctx, tr.lang, page="display", **cfg),
            dcc.Store(id=LANG, data=tr.lang),
            dcc.Store(id=SLIDES, data=names),
            dcc.Store(id=ACTIVE, data=0),
            dcc.Store(id=RENDERED),
            dcc.Store(id=VIEWPORT),
            ui.banner(LIVE),
            html.Header(
                className="wall-top",
                children=[
                    html.Div(
                        className="brand",
                        children=[
                            html.Div("IOC", className="emblem"),
                            html.Div(
                                [
                                    html.Div(tr("app.title"), className="title"),
                                    html.Div(ctx.scope.full_name, className="subtitle"),
                                ]
                            ),
                        ],
                    ),
                    ui.stream_pills(LIVE, tr),
                    html.Div(id=LIVE.conn, className="conn"),
                    html.Div(
                        className="clock-box",
                        children=[
                            html.Div(id=LIVE.clock, className="clock"),
                            html.Div(id=LIVE.date, className="date"),
                        ],
                    ),
                ],
            ),
            html.Main(
                className="slides",
                children=[
                    html.Section(
                        id={"type": SLIDE, "index": i},
                        className="slide" + (" active" if i == 0 else ""),
                        **{"data-slide": name},
                        children=[html.H1(tr(f"slide.{name}"), className="slide-title"), *_slide(name, tr)],
                    )
                    for i, name in enumerate(names)
                ]
                + [
                    html.Section(className="slide off", children=_slide(name, tr))
                    for name in SLIDE_NAMES
                    if name not in names
                ],
            ),  # slides not in the plan: kept (hidden) so every callback output exists
            html.Footer(
                className="wall-foot",
                children=[
                    html.Div(
                        [
                            html.Span(id={"type": DOT, "index": i}, className="dot", title=tr(f"slide.{n}"))
                            for i, n in enumerate(names)
                        ],
                        className="dots",
                    ),
                    html.Div(tr("display.footer", scope=ctx.scope.name), className="muted"),
                ],
            ),
        ],
    )


def _slide(name: str, tr: Messages) -> list[Any]:
    """The empty frame of a slide; the refresh callback fills it."""
    if name == "overview":
        return [html.Div(id=KPIS, className="wall-kpis")]
    if name == "map":
        return [
            html.Div(
                dcc.Graph(
                    id=MAP, config=GRAPH, style={"height": "100%"}, figure=figures.empty_figure(tr, "…")
                ),
                className="wall-map",
            )
        ]
    if name == "dossiers":
        return [
            html.Div(
                className="wall-two",
                children=[_graph(TREND_DOS), html.Ul(id=BY_SECTOR, className="bars wall")],
            )
        ]
    if name == "feedback":
        return [
            html.Div(
                className="wall-two",
                children=[_graph(TREND_FB), html.Ul(id=BY_CATEGORY, className="bars wall")],
            )
        ]
    return [
        html.Div(
            className="wall-infra",
            children=[
                html.Div(id=INFRA_KPIS, className="wall-kpis small"),
                html.Ul(id=OUTAGES, className="list queue wall-list"),
            ],
        )
    ]


def _graph(graph_id: str) -> html.Div:
    return html.Div(dcc.Graph(id=graph_id, config=GRAPH, style={"height": "100%"}), className="wall-chart")


def register(app: Dash, ctx: Dashboard) -> None:
    """The page and its callbacks, bound to one dashboard."""
    dash.register_page(
        "layouts.display",
        path="/display",
        name="display",
        title=f"IOC · {ctx.scope.name}",
        order=2,
        layout=lambda **kw: layout(ctx, **kw),
    )
    live.register(app, LIVE)
    app.clientside_callback(
        ClientsideFunction("ioc", "rotate"),
        Output({"type": SLIDE, "index": ALL}, "className"),
        Output({"type": DOT, "index": ALL}, "className"),
        Output(ACTIVE, "data"),
        Input(LIVE.tick, "n_intervals"),
        State(LIVE.cfg, "data"),
        State(SLIDES, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("ioc", "viewport"), Output(VIEWPORT, "data"), Input(LANG, "data")
    )

    outputs = [
        Output(i, "children" if i in (KPIS, INFRA_KPIS, OUTAGES, BY_SECTOR, BY_CATEGORY) else "figure")
        for i in (KPIS, MAP, TREND_DOS, BY_SECTOR, TREND_FB, BY_CATEGORY, INFRA_KPIS, OUTAGES)
    ]

    @app.callback(
        *outputs,
        Output(RENDERED, "data"),
        Input(LIVE.live, "data"),
        Input(VIEWPORT, "data"),
        State(LANG, "data"),
        State(SLIDES, "data"),
        State(RENDERED, "data"),
        running=[(Output(LIVE.busy, "data"), True, False)],
    )
    def refresh(
        _live: Any,
        viewport: dict[str, float] | None,
        lang: str,
        names: list[str],
        rendered: dict[str, Any] | None,
    ) -> tuple[Any, ...]:
        """Every slide's content: figures scaled to the screen; patches of what moved only."""
        scale = wall_scale(viewport)
        signature = json.dumps([lang, names, scale])
        before = rendered["digests"] if rendered and rendered.get("signature") == signature else None
        *outputs, digests = wall_view(ctx, Messages(lang), scale, before)
        return (*outputs, {"signature": signature, "digests": digests})


def wall_scale(viewport: dict[str, float] | None) -> float:
    """Type scale of the charts: 1 on a 1080p screen, 2 on 4K (by the smaller of width and height)."""
    if not viewport:
        return 1.0
    return round(max(0.75, min(viewport.get("w", 1920) / 1920, viewport.get("h", 1080) / 1080, 2.5)), 2)


def wall_view(ctx: Dashboard, tr: Messages, scale: float, before: dict[str, str] | None) -> tuple[Any, ...]:
    """Contents of every slide (all are filled: the page holds them all, shown in turn), then the digests."""
    now = ctx.now()
    f = filters("today", now)
    where = {"province": ctx.province, "unit": None}
    with ctx.engine.connect() as conn:
        s = data.indicator_set(conn, **where, f=f, now=now, cal=ctx.calendar)
        points = data.trends(
            conn, **where, f=f, metrics=("dos.received", "dos.completed", "fb.received", "fb.resolved")
        )
        parts = data.breakdowns(conn, **where, f=f, names=("category", "sector"))
        down = data.queue(conn, "sites_down", **where, now=now, cal=ctx.calendar, limit=8)
    change = Changes(before)
    step = f.window.step
    figure, map_digest = map_figure(ctx, maps.initial(ctx), MAP_METRIC, f, tr, before, scale=scale)
    change.after.update(map_digest)
    dossiers, feedback = ("dos.received", "dos.completed"), ("fb.received", "fb.resolved")
    return (
        change(
            "kpis",
            [(k, s[k].value, s[k].previous) for k in OVERVIEW_KEYS],
            lambda _: [ui.card(s[k], tr, label=tr(f"ind.{k}"), big=True) for k in OVERVIEW_KEYS],
        ),
        figure,
        change(
            "trend_dos",
            {k: points[k] for k in dossiers},
            lambda p: trend(points, dossiers, step, tr, patch=p, scale=scale),
        ),
        change(
            "sector", parts["sector"], lambda _: bars(parts["sector"], None, figures.FAMILY["dossier"], tr)
        ),
        change(
            "trend_fb",
            {k: points[k] for k in feedback},
            lambda p: trend(points, feedback, step, tr, patch=p, scale=scale),
        ),
        change(
            "category",
            parts["category"],
            lambda _: bars(parts["category"], "category", figures.FAMILY["feedback"], tr),
        ),
        change(
            "infra",
            [(k, s[k].value, s[k].previous) for k in INFRA_KEYS],
            lambda _: [ui.card(s[k], tr, label=tr(f"ind.{k}"), big=True) for k in INFRA_KEYS],
        ),
        change(
            "down",
            [(r["site_id"], int(r.get("minutes") or 0)) for r in down],
            lambda _: ui.queue(down, "sites_down", tr, ctx.unit_name, now),
        ),
        change.after,
    )
