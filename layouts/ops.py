"""Operations room (/): the whole scope at once for leaders, on a desktop or the room's main screen."""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html, no_update

from geodata.names import fold
from ioc.i18n import Messages, language
from layouts import components as ui
from layouts import figures, live, maps
from layouts.context import Dashboard
from layouts.drill import drill_panel
from layouts.filters import RANGES, filters
from layouts.views import MAP_METRICS, live_lists, map_figure, overview_figures

PATH = "/"
LIVE = live.ids("ops")
RANGE, DATES, SECTOR, CATEGORY, SEARCH = "ops-range", "ops-dates", "ops-sector", "ops-category", "ops-search"
CARDS, MAP, MAP_METRIC, MAP_VIEW, MAP_BACK = (
    "ops-cards",
    "ops-map",
    "ops-map-metric",
    "ops-map-view",
    "ops-map-back",
)
SELECTED, DRILL, DRILL_BODY, DRILL_CLOSE = "ops-selected", "ops-drill", "ops-drill-body", "ops-drill-close"
TREND_DOS, TREND_FB = "ops-trend-dossier", "ops-trend-feedback"
BY_CATEGORY, BY_SECTOR, BY_AGENCY = "ops-by-category", "ops-by-sector", "ops-by-agency"
TICKER, ALERTS, LANG, RENDERED, MAP_RENDERED, COUNTDOWN = (
    "ops-ticker",
    "ops-alerts",
    "ops-lang",
    "ops-rendered",
    "ops-map-rendered",
    "ops-countdown",
)
FLY = "ops-map-fly"
# What each part of the page's refresh depends on: a part is computed only when one of them moved.
OVERVIEW_INPUTS = {LIVE.live, RANGE, DATES, SECTOR, CATEGORY}
MAP_INPUTS = OVERVIEW_INPUTS | {MAP_METRIC, MAP_VIEW, SELECTED}
DRILL_INPUTS = {LIVE.live, RANGE, DATES, SELECTED}
# Read-only lists drawn in the browser from a store (ioc.paint): as Dash components, their hundreds of
# elements would each be re-checked by Dash's renderer on every update of the page.
PAINTED = (CARDS, BY_CATEGORY, BY_SECTOR, BY_AGENCY, TICKER, ALERTS)


def data_of(list_id: str) -> str:
    """The store a painted list is drawn from."""
    return f"{list_id}-data"


GRAPH_CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}
MAP_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "displayModeBar": True,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
}


def layout(
    ctx: Dashboard,
    lang: str | None = None,
    unit: str | None = None,
    range: str | None = None,  # noqa: A002
    *,
    content: bool = True,
    **_: Any,
) -> html.Div:
    """Header, filters, indicator groups, map with drill-down, alerts, ticker, trends, breakdowns.

    With ``content`` the page comes filled with the data of now, so the first render waits for no
    callback (they fire on later changes only); without it, the empty shell Dash validates ids against.
    """
    tr = Messages(language(lang, ctx.settings.language))
    found = ctx.unit(unit)
    selected = found.code if found else None
    state = maps.initial(ctx)
    range_key = range if range in RANGES else "today"
    # The token first: what is stored later refreshes. One callback refreshes all (fast_in_live).
    loop = live.components(LIVE, ctx, tr.lang, page="ops", fast_in_live=True)
    if content:
        cards, trend_dos, trend_fb, by_category, by_sector, by_agency, sectors, rendered = overview(
            ctx, tr.lang, range_key
        )
        ticker, alerts = live_lists(ctx, tr)
        map_fig, back, map_rendered = map_outputs(
            ctx, tr.lang, MAP_METRICS[0], state.to_dict(), range_key, selected=selected
        )
        drill_body, drill_class = drill_outputs(ctx, tr.lang, selected, range_key)
    else:  # only ids matter here: nothing is drawn from it
        trend_dos = trend_fb = map_fig = figures.empty_figure(tr, tr("map.loading"))
        cards = by_category = by_sector = by_agency = ticker = alerts = drill_body = []
        sectors, rendered, map_rendered = [], None, None
        back, drill_class = "ghost hidden", "panel drill closed"
    links = [dcc.Link(tr("nav.display"), href=f"/display?lang={tr.lang}", className="link", refresh=True)]
    return html.Div(
        className="page ops theme-dark",
        children=[
            *loop,
            dcc.Store(id=LANG, data=tr.lang),
            dcc.Store(id=SELECTED, data=selected),
            dcc.Store(id=MAP_VIEW, data=state.to_dict()),
            dcc.Store(id=RENDERED, data=rendered),
            dcc.Store(id=MAP_RENDERED, data=map_rendered),
            dcc.Store(id=COUNTDOWN),
            dcc.Store(id=FLY),
            *[
                dcc.Store(id=data_of(i), data=d)
                for i, d in zip(
                    PAINTED, (cards, by_category, by_sector, by_agency, ticker, alerts), strict=True
                )
            ],
            ui.banner(LIVE),
            ui.header(
                LIVE,
                tr,
                title=tr("app.title"),
                subtitle=ctx.scope.full_name,
                links=links,
                href=lambda code: f"/?lang={code}&range={range_key}",
            ),
            _filter_bar(ctx, tr, range_key, sectors),
            html.Main(
                className="ops-grid",
                children=[
                    html.Div(id=CARDS, className="kpis"),
                    html.Section(
                        className="panel map-panel",
                        children=[
                            html.Div(
                                className="panel-head",
                                children=[
                                    html.H2(tr("map.title")),
                                    html.Button(
                                        "← " + tr("map.back"),
                                        id=MAP_BACK,
                                        className=back,
                                        n_clicks=0,
                                    ),
                                    dcc.Dropdown(
                                        id=MAP_METRIC,
                                        options=[
                                            {"label": tr(f"metric.{k}"), "value": k} for k in MAP_METRICS
                                        ],
                                        value=MAP_METRICS[0],
                                        clearable=False,
                                        searchable=False,
                                        className="metric-picker",
                                    ),
                                ],
                            ),
                            html.Div(
                                dcc.Graph(
                                    id=MAP,
                                    config=MAP_CONFIG,
                                    style={"height": "100%"},
                                    figure=map_fig,
                                ),
                                className="map",
                            ),
                            html.Div(
                                className="legend-note",
                                children=[
                                    html.Span(className="key outage"),
                                    tr("map.outage"),
                                    html.Span(className="key alert"),
                                    tr("map.alert"),
                                    html.Span(className="key nodata"),
                                    tr("map.no_data"),
                                    html.Span(tr("map.hint"), className="muted"),
                                ],
                            ),
                        ],
                    ),
                    html.Aside(
                        className="side",
                        children=[
                            html.Section(
                                id=DRILL,
                                className=drill_class,
                                children=[
                                    html.Button(
                                        "×", id=DRILL_CLOSE, className="close", title=tr("drill.close")
                                    ),
                                    html.Div(id=DRILL_BODY, children=drill_body),
                                ],
                            ),
                            html.Section(
                                className="panel alerts-panel",
                                children=[
                                    html.H2(tr("alerts.title")),
                                    html.Ul(id=ALERTS, className="list alerts"),
                                ],
                            ),
                            html.Section(
                                className="panel ticker-panel",
                                children=[
                                    html.H2([tr("ticker.title"), html.Span(className="live-dot")]),
                                    html.Ul(id=TICKER, className="list ticker"),
                                ],
                            ),
                        ],
                    ),
                    html.Section(
                        className="panel trend",
                        children=[html.H2(tr("trend.dossier")), _chart(TREND_DOS, trend_dos)],
                    ),
                    html.Section(
                        className="panel trend",
                        children=[html.H2(tr("trend.feedback")), _chart(TREND_FB, trend_fb)],
                    ),
                    html.Section(
                        className="panel breakdown",
                        children=[
                            html.H2(tr("breakdown.category")),
                            html.Ul(id=BY_CATEGORY, className="bars"),
                        ],
                    ),
                    html.Section(
                        className="panel breakdown",
                        children=[
                            html.H2(tr("breakdown.sector")),
                            html.Ul(id=BY_SECTOR, className="bars"),
                        ],
                    ),
                    html.Section(
                        className="panel breakdown",
                        children=[
                            html.H2(tr("breakdown.agency")),
                            html.Ul(id=BY_AGENCY, className="bars"),
                        ],
                    ),
                ],
            ),
        ],
    )


def _chart(graph_id: str, figure: Any) -> html.Div:
    return html.Div(
        dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": "100%"}, figure=figure),
        className="chart-box",
    )


def _filter_bar(ctx: Dashboard, tr: Messages, range_key: str, sectors: list[Any]) -> html.Div:
    categories = (
        "environment",
        "traffic",
        "land",
        "urban_order",
        "health",
        "education",
        "utilities",
        "social_welfare",
        "other",
    )
    return html.Div(
        className="filterbar",
        children=[
            dcc.RadioItems(
                id=RANGE,
                className="segmented",
                inline=True,
                value=range_key,
                options=[{"label": tr(f"range.{k}"), "value": k} for k in RANGES],
            ),
            dcc.DatePickerRange(
                id=DATES,
                className="dates hidden",
                display_format="DD/MM/YYYY" if tr.lang == "vi" else "MMM D, YYYY",
                first_day_of_week=1,
                start_date_placeholder_text=tr("range.from"),
                end_date_placeholder_text=tr("range.to"),
                max_date_allowed=ctx.now().date(),
            ),
            dcc.Dropdown(
                id=SECTOR, placeholder=tr("filter.all_sectors"), className="filter", options=sectors
            ),
            dcc.Dropdown(
                id=CATEGORY,
                placeholder=tr("filter.all_categories"),
                className="filter",
                options=[{"label": tr(f"category.{c}"), "value": c} for c in categories],
            ),
            dcc.Dropdown(
                id=SEARCH,
                placeholder=tr("filter.search"),
                className="filter search",
                options=[],
                search_value="",
                clearable=True,
            ),
        ],
    )


def register(app: Dash, ctx: Dashboard) -> None:
    """The page and its callbacks, bound to one dashboard."""
    dash.register_page(
        "layouts.ops",
        path=PATH,
        name="ops",
        title=f"IOC · {ctx.scope.name}",
        order=0,
        layout=lambda **kw: layout(ctx, content=live.in_callback(), **kw),
    )
    live.register(app, LIVE)
    app.clientside_callback(ClientsideFunction("ioc", "fly"), Output(FLY, "data"), Input(MAP_VIEW, "data"),
                            State(MAP, "id"), prevent_initial_call=True)  # fmt: skip
    app.clientside_callback(
        ClientsideFunction("ioc", "countdowns"),
        Output(COUNTDOWN, "data"),
        Input(LIVE.tick, "n_intervals"),
        State(LIVE.cfg, "data"),
    )

    for list_id in PAINTED:  # paint() draws into the DOM itself: its output is never updated (no_update)
        app.clientside_callback(ClientsideFunction("ioc", "paint"), Output(list_id, "className"),
                                Input(data_of(list_id), "data"), State(list_id, "id"))  # fmt: skip

    @app.callback(Output(DATES, "className"), Input(RANGE, "value"))
    def show_dates(range_key: str) -> str:
        return "dates" if range_key == "custom" else "dates hidden"

    @app.callback(
        Output(data_of(TICKER), "data"),
        Output(data_of(ALERTS), "data"),
        Input(LIVE.fast, "data"),
        State(LANG, "data"),
        prevent_initial_call=True,
    )
    def refresh_lists(_live: Any, lang: str) -> tuple[Any, Any]:
        """The newest events and the open alerts, on their own while the page's refresh is busy."""
        return live_lists(ctx, Messages(lang))

    @app.callback(
        Output(data_of(CARDS), "data"),
        Output(TREND_DOS, "figure"),
        Output(TREND_FB, "figure"),
        Output(data_of(BY_CATEGORY), "data"),
        Output(data_of(BY_SECTOR), "data"),
        Output(data_of(BY_AGENCY), "data"),
        Output(SECTOR, "options"),
        Output(RENDERED, "data"),
        Output(MAP, "figure"),
        Output(MAP_BACK, "className"),
        Output(MAP_RENDERED, "data"),
        Output(DRILL_BODY, "children"),
        Output(DRILL, "className"),
        Output(data_of(TICKER), "data", allow_duplicate=True),
        Output(data_of(ALERTS), "data", allow_duplicate=True),
        Input(LIVE.live, "data"),
        Input(RANGE, "value"),
        Input(DATES, "start_date"),
        Input(DATES, "end_date"),
        Input(SECTOR, "value"),
        Input(CATEGORY, "value"),
        Input(MAP_METRIC, "value"),
        Input(MAP_VIEW, "data"),
        Input(SELECTED, "data"),
        State(LANG, "data"),
        State(RENDERED, "data"),
        State(MAP_RENDERED, "data"),
        running=[(Output(LIVE.busy, "data"), True, False)],
        prevent_initial_call=True,  # the page comes with them
    )
    def refresh(
        _live: Any,
        range_key: str,
        start: str | None,
        end: str | None,
        sector: str | None,
        category: str | None,
        metric: str,
        view: dict[str, Any] | None,
        selected: str | None,
        lang: str,
        rendered: dict[str, Any] | None,
        map_rendered: dict[str, Any] | None,
    ) -> tuple[Any, ...]:
        """Cards, trends, breakdowns, map, drill-down, ticker and alerts in one request, each part only if
        its inputs moved.

        One request per live update, not four side by side: they no longer compete for the server's
        interpreter (together they took about twice their work), and cards and map show one moment. The
        ticker and alerts have their own callback (the fast token) only while this one is busy. Within a
        part, only what moved is sent (patches).
        """
        moved = {str(p).split(".")[0] for p in dash.ctx.triggered_prop_ids}
        f = (range_key, start, end, sector, category)
        return refresh_outputs(ctx, moved, lang, f, metric, view, selected, rendered, map_rendered)

    @app.callback(
        Output(MAP_VIEW, "data"),
        Input(MAP, "relayoutData"),
        Input(MAP, "clickData"),
        Input(MAP_BACK, "n_clicks"),
        Input(SELECTED, "data"),
        State(MAP_VIEW, "data"),
        prevent_initial_call=True,
    )
    def move_map(
        relayout: dict[str, Any] | None,
        click: dict[str, Any] | None,
        _back: int,
        selected: str | None,
        state: dict[str, Any] | None,
    ) -> Any:
        """Zooming picks the level of detail; a click or a search result flies to its province."""
        return map_state(ctx, dash.ctx.triggered_id, relayout, selected, maps.ViewState.from_dict(state, ctx))

    @app.callback(
        Output(SELECTED, "data"),
        Output(SEARCH, "value"),
        Input(MAP, "clickData"),
        Input(SEARCH, "value"),
        Input(DRILL_CLOSE, "n_clicks"),
        prevent_initial_call=True,
    )
    def select(click: dict[str, Any] | None, searched: str | None, _close: int | None) -> tuple[Any, Any]:
        """A unit clicked on the map or chosen in the search opens its drill-down; × closes it."""
        return selection(ctx, dash.ctx.triggered_id, click, searched)

    @app.callback(Output(SEARCH, "options"), Input(SEARCH, "search_value"), State(LANG, "data"))
    def search(text: str | None, lang: str) -> Any:
        """Units in scope matching the text, ignoring diacritics ("pho hien" finds Phố Hiến)."""
        return search_options(ctx, text)


def refresh_outputs(
    ctx: Dashboard, moved: set[str], lang: str, f: tuple[Any, ...], metric: str, view: dict[str, Any] | None,
    selected: str | None, rendered: dict[str, Any] | None, map_rendered: dict[str, Any] | None,
) -> tuple[Any, ...]:  # fmt: skip
    """The page refresh's outputs: each part computed when one of its inputs (ids in ``moved``) moved,
    else no_update. ``f``: range, start, end, sector, category."""
    skip = (no_update,)
    drill = moved & DRILL_INPUTS and (selected or SELECTED in moved)  # a closed panel stays closed
    return (
        *(overview(ctx, lang, *f, rendered) if moved & OVERVIEW_INPUTS else skip * 8),
        *(map_outputs(ctx, lang, metric, view, *f, selected=selected, rendered=map_rendered)
          if moved & MAP_INPUTS else skip * 3),
        *(drill_outputs(ctx, lang, selected, *f[:3]) if drill else skip * 2),
        *(live_lists(ctx, Messages(lang)) if LIVE.live in moved else skip * 2),
    )  # fmt: skip


def overview(ctx: Dashboard, lang: str, range_key: str, start: str | None = None, end: str | None = None,
             sector: str | None = None, category: str | None = None,
             rendered: dict[str, Any] | None = None) -> tuple[Any, ...]:  # fmt: skip
    """The outputs of the overview callback, from the filters' values and what the page shows."""
    signature = json.dumps([range_key, start, end, sector, category, lang])
    before = rendered["digests"] if rendered and rendered.get("signature") == signature else None
    f = filters(range_key, ctx.now(), start=start, end=end, sector=sector, category=category)
    *outputs, digests = overview_figures(ctx, f, Messages(lang), before)
    return (*outputs, {"signature": signature, "digests": digests})


def map_outputs(ctx: Dashboard, lang: str, metric: str, state: dict[str, Any] | None, range_key: str,
                start: str | None = None, end: str | None = None, sector: str | None = None,
                category: str | None = None, selected: str | None = None,
                rendered: dict[str, Any] | None = None) -> tuple[Any, str, dict[str, Any]]:  # fmt: skip
    """The map's figure (or patch), its back button's class and what it now shows."""
    signature = json.dumps([metric, state, range_key, start, end, sector, category, selected, lang])
    before = rendered["digests"] if rendered and rendered.get("signature") == signature else None
    f = filters(range_key, ctx.now(), start=start, end=end, sector=sector, category=category)
    s = maps.ViewState.from_dict(state, ctx)
    figure, digests = map_figure(ctx, s, metric, f, Messages(lang), before, selected=selected)
    back = "ghost" if ctx.province is None and s.level == "commune" else "ghost hidden"
    return figure, back, {"signature": signature, "digests": digests}


def drill_outputs(ctx: Dashboard, lang: str, selected: str | None, range_key: str, start: str | None = None,
                  end: str | None = None) -> tuple[list[Any], str]:  # fmt: skip
    """The drill-down's content and class: closed and empty without a selected unit."""
    unit = ctx.unit(selected)
    if unit is None:
        return [], "panel drill closed"
    f = filters(range_key, ctx.now(), start=start, end=end)
    return drill_panel(unit, Messages(lang), ctx=ctx, f=f), "panel drill open"


def map_state(
    ctx: Dashboard, trigger: Any, relayout: dict[str, Any] | None, selected: str | None, state: maps.ViewState
) -> Any:
    """The map's next view state, or no_update when nothing the map shows changes."""
    if trigger == MAP_BACK:
        return maps.ViewState("province", None, "coarse", state.revision + 1).to_dict()
    if trigger == SELECTED:
        unit = ctx.unit(selected)
        if unit is None:
            return no_update
        province = ctx.province_of(unit)
        focus = unit.code if unit.level == "commune" else None
        moved = maps.ViewState("commune", province, state.lod, state.revision + 1, focus)
        return moved.to_dict() | {"target": maps.focus_target(ctx, moved)}
    if trigger == MAP and relayout and "map.zoom" in relayout:
        center = relayout.get("map.center") or {}
        moved = maps.after_zoom(
            state, float(relayout["map.zoom"]), (center["lat"], center["lon"]) if center else None, ctx
        )
        return moved.to_dict() if moved != state else no_update
    return no_update


def selection(
    ctx: Dashboard, trigger: Any, click: dict[str, Any] | None, searched: str | None
) -> tuple[Any, Any]:
    """(selected unit, search box value) after a click, a search or closing the panel."""
    if trigger == DRILL_CLOSE:  # the panel's own button: it stays in the page, so this is a real click
        return None, None
    if trigger == SEARCH:
        return (searched, no_update) if searched and ctx.unit(searched) else (no_update, no_update)
    point = ((click or {}).get("points") or [{}])[0]
    code = point.get("location") or (point.get("customdata") or [None, None, None])[-1]
    return (code, no_update) if code and ctx.unit(str(code)) else (no_update, no_update)


def search_options(ctx: Dashboard, text: str | None) -> Any:
    """Dropdown options for a search: in scope, best first; ``search`` carries the folded name."""
    if not text or len(text.strip()) < 2:
        return no_update
    found = [u for u in ctx.registry.search(text, limit=60) if ctx.scope.contains(u.code)][:15]
    typed = fold(text)
    return [
        {
            "label": f"{u.full_name}" + (f" · {ctx.unit_name(u.parent_code)}" if u.parent_code else ""),
            "value": u.code,
            "search": f"{typed} {fold(u.name)} {u.code}",
        }
        for u in found
    ]
