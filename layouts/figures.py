"""Pure figure builders: plain data in, ``go.Figure`` (or a ``Patch`` for live updates) out.

No I/O and no Dash state here: callbacks fetch, these draw. The map uses Plotly's
MapLibre traces on a style without any tile source (or the site's own tile server),
with its GeoJSON served from the dashboard's own origin, so nothing is fetched from
outside. Numbers and dates follow the language through ``separators`` and tick formats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import plotly.graph_objects as go
from dash import Patch

from ioc.i18n import TZ, Messages

Fmt = Callable[[float | None], str]

# The palette of the product (mirrored in assets/ioc.css).
INK = {"dark": "#e6edf7", "light": "#13233a"}
MUTED = {"dark": "#8ea3bf", "light": "#5b6b80"}
GRID = {"dark": "rgba(142,163,191,0.16)", "light": "rgba(19,35,58,0.10)"}
BG = {"dark": "#0c1a2e", "light": "#ffffff"}
EDGE = {"dark": "#284569", "light": "#c9d3e0"}
NO_DATA = {"dark": "#1a2d47", "light": "#e7ecf2"}
FAMILY = {"dossier": "#38bdf8", "feedback": "#a78bfa", "infra": "#34d399"}
GOOD, WARN, BAD = "#22c55e", "#f59e0b", "#ef4444"
HIGHLIGHT = "#fde047"  # the selected unit
# Higher is better: red to green; higher is worse: calm blue to hot orange; neutral: blues.
SCALES = {
    True: [[0.0, "#b91c1c"], [0.35, "#f97316"], [0.65, "#facc15"], [1.0, "#16a34a"]],
    False: [[0.0, "#1e3a5f"], [0.3, "#2563eb"], [0.65, "#f59e0b"], [1.0, "#dc2626"]],
    None: [[0.0, "#0e3a5c"], [0.5, "#0ea5e9"], [1.0, "#a5f3fc"]],
}
BLANK_STYLE_ID = "ioc-blank"
CONTEXT, BASE, VALUES = 0, 1, 2  # map trace order: province outline, every unit (grey), units with a value


def warm_up() -> None:
    """Import now what Plotly and the map layers import lazily: request threads racing an import fail."""
    import pandas  # noqa: F401

    import geodata.layers  # noqa: F401  (geopandas, pandas, shapely)

    go.Figure(go.Bar(x=[0], y=[0], hovertemplate="%{y}")).to_plotly_json()


def separators(tr: Messages) -> str:
    """Plotly's decimal and thousands separators for the language (``,.`` in Vietnamese)."""
    return ",." if tr.lang == "vi" else ".,"


def base_layout(tr: Messages, *, dark: bool = True, scale: float = 1.0, **extra: Any) -> dict[str, Any]:
    """Layout shared by every chart: transparent, the product's font and colours, no template."""
    mode = "dark" if dark else "light"
    size = round(13 * scale)
    axis = {
        "gridcolor": GRID[mode],
        "zerolinecolor": GRID[mode],
        "linecolor": GRID[mode],
        "tickfont": {"color": MUTED[mode], "size": size},
        "automargin": True,
    }
    layout = {
        "template": {},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {
            "family": "Inter, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', Arial, sans-serif",
            "color": INK[mode],
            "size": size,
        },
        "separators": separators(tr),
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "xaxis": dict(axis),
        "yaxis": dict(axis),
        "showlegend": False,
        "hoverlabel": {
            "bgcolor": BG[mode],
            "bordercolor": EDGE[mode],
            "font": {"color": INK[mode], "size": size},
        },
    }
    layout.update(extra)
    return layout


# --- map ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapView:
    """Which units the map shows and where it looks."""

    level: str  # "province" or "commune"
    layer: str  # GeoJSON layer: provinces, communes (polygons) or commune-points
    geojson_url: str | None  # None for points
    codes: tuple[str, ...]
    names: Mapping[str, str]
    center: tuple[float, float]  # lat, lon
    zoom: float
    revision: str  # uirevision: the user's zoom and pan survive updates while this stays the same
    points: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # code -> (lat, lon)
    outline_url: str | None = None  # the province drawn under commune points, for context
    outline_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Marker:
    """A point on the map: an outage or an alert."""

    kind: str  # "outage" or "alert"
    lat: float
    lon: float
    text: str
    code: str = ""


def fit_zoom(bounds: tuple[float, float, float, float], width: int = 1100, height: int = 600) -> float:
    """The web-mercator zoom at which the (west, south, east, north) box fits the map's pixels."""
    west, south, east, north = bounds
    lon_span = max(east - west, 0.01)

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lat_span = max(merc(north) - merc(south), 0.0002)
    # MapLibre's world is 512 px wide at zoom 0.
    zx = math.log2(width / 512 * 360 / lon_span)
    zy = math.log2(height / 512 * 2 * math.pi / lat_span)
    return round(max(2.5, min(zx, zy) - 0.1), 2)


def map_style(tiles: str | None, dark: bool) -> dict[str, Any]:
    """A MapLibre style with only a background, plus the site's raster tiles when configured."""
    layers: list[dict[str, Any]] = [
        {
            "id": "background",
            "type": "background",
            "paint": {"background-color": "#0a1524" if dark else "#eef2f7"},
        }
    ]
    sources: dict[str, Any] = {}
    if tiles:
        sources["site-tiles"] = {"type": "raster", "tiles": [tiles], "tileSize": 256}
        layers.append(
            {
                "id": "site-tiles",
                "type": "raster",
                "source": "site-tiles",
                "paint": {"raster-opacity": 0.55 if dark else 0.9},
            }
        )
    return {"version": 8, "name": BLANK_STYLE_ID, "sources": sources, "layers": layers}


def _range(values: Sequence[float], rate: bool) -> tuple[float, float]:
    if rate:
        low = min(values, default=0.0)
        return (min(low, 80.0) if low < 100 else 90.0), 100.0
    return 0.0, max(max(values, default=1.0), 1.0)


def map_figure(
    view: MapView,
    values: Mapping[str, float | None],
    markers: Sequence[Marker],
    tr: Messages,
    *,
    title: str,
    fmt: Fmt,
    higher_is_better: bool | None,
    rate: bool,
    tiles: str | None = None,
    dark: bool = True,
    scale: float = 1.0,
    selected: str | None = None,
) -> go.Figure:
    """Units coloured by one indicator (grey without data), outages, alerts; selection outlined."""
    mode = "dark" if dark else "light"
    have = [c for c in view.codes if values.get(c) is not None]
    zmin, zmax = _range([float(values[c]) for c in have], rate)  # type: ignore[arg-type]
    size = round(12 * scale)
    colorbar = {
        "title": {"text": title, "side": "right", "font": {"size": size, "color": MUTED[mode]}},
        "thickness": round(10 * scale),
        "len": 0.6,
        "x": 0.99,
        "xanchor": "right",
        "y": 0.5,
        "bgcolor": "rgba(0,0,0,0)",
        "outlinewidth": 0,
        "tickfont": {"size": size, "color": MUTED[mode]},
    }
    no_data = [[view.names.get(c, c), tr("map.no_data"), c] for c in view.codes]
    hover = "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"
    shown = [[view.names.get(c, c), f"{title}: {fmt(values[c])}", c] for c in have]
    traces: list[Any]
    if view.geojson_url is not None:
        common = {"geojson": view.geojson_url, "featureidkey": "properties.code", "hovertemplate": hover}
        traces = [
            go.Choroplethmap(
                name="base",
                locations=list(view.codes),
                z=[0] * len(view.codes),
                showscale=False,
                colorscale=[[0, NO_DATA[mode]], [1, NO_DATA[mode]]],
                customdata=no_data,
                marker={"line": {"color": EDGE[mode], "width": 0.6}},
                **common,
            ),
            go.Choroplethmap(
                name="values",
                locations=have,
                z=[values[c] for c in have],
                zmin=zmin,
                zmax=zmax,
                colorscale=SCALES[higher_is_better],
                colorbar=colorbar,
                customdata=shown,
                marker={"opacity": 0.9, "line": {"color": EDGE[mode], "width": 0.6}},
                **common,
            ),
        ]
    else:
        lat = [view.points[c][0] for c in view.codes]
        lon = [view.points[c][1] for c in view.codes]
        traces = [
            go.Scattermap(
                name="base",
                lat=lat,
                lon=lon,
                mode="markers",
                customdata=no_data,
                hovertemplate=hover,
                marker={
                    "size": round(11 * scale),
                    "color": NO_DATA[mode],
                },
            ),
            go.Scattermap(
                name="values",
                lat=[view.points[c][0] for c in have],
                lon=[view.points[c][1] for c in have],
                mode="markers",
                customdata=shown,
                hovertemplate=hover,
                marker={
                    "size": round(11 * scale),
                    "color": [values[c] for c in have],
                    "cmin": zmin,
                    "cmax": zmax,
                    "colorscale": SCALES[higher_is_better],
                    "colorbar": colorbar,
                    "showscale": True,
                },
            ),
        ]
    traces.insert(0, _outline(view, mode))
    traces += marker_traces(markers, scale)
    traces.append(_selection(view, selected, scale))
    layout = base_layout(
        tr,
        dark=dark,
        scale=scale,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision=view.revision,
        clickmode="event",
        map={
            "style": map_style(tiles, dark),
            "center": {"lat": view.center[0], "lon": view.center[1]},
            "zoom": view.zoom,
        },
    )
    return go.Figure(data=traces, layout=layout)


def _outline(view: MapView, mode: str) -> Any:
    """Trace 0: the province under commune points (or an empty placeholder, so trace indices never move)."""
    if view.outline_url is None:
        return go.Scattermap(name="context", lat=[], lon=[], hoverinfo="skip", showlegend=False)
    return go.Choroplethmap(
        name="context",
        geojson=view.outline_url,
        featureidkey="properties.code",
        locations=list(view.outline_codes),
        z=[0] * len(view.outline_codes),
        showscale=False,
        colorscale=[[i, "#10243f" if mode == "dark" else "#dfe7f1"] for i in (0, 1)],
        hoverinfo="skip",
        marker={"line": {"color": "#3b6ea5" if mode == "dark" else "#7b93b3", "width": 1.5}, "opacity": 0.9},
    )


def marker_traces(markers: Sequence[Marker], scale: float = 1.0) -> list[go.Scattermap]:
    """Outages (red) and alerts (amber) as two point traces, drawn above the units."""
    out = []
    for kind, color, size in (("alert", WARN, 15), ("outage", BAD, 12)):
        pts = [m for m in markers if m.kind == kind]
        out.append(
            go.Scattermap(
                name=kind,
                lat=[m.lat for m in pts],
                lon=[m.lon for m in pts],
                mode="markers",
                marker={"size": round(size * scale), "color": color, "opacity": 0.95},
                customdata=[[m.text, m.code] for m in pts],
                hovertemplate="%{customdata[0]}<extra></extra>",
            )
        )
    return out


def _selection(view: MapView, selected: str | None, scale: float) -> Any:
    """The last trace, above everything: the selected unit's outline (or a ring around its point)."""
    codes = [selected] if selected in view.codes else []
    if view.geojson_url is not None:
        return go.Choroplethmap(
            name="selected",
            geojson=view.geojson_url,
            featureidkey="properties.code",
            locations=codes,
            z=[1] * len(codes),
            zmin=0,
            zmax=1,
            showscale=False,
            colorscale=[[0, HIGHLIGHT], [1, HIGHLIGHT]],
            marker={"opacity": 0.35, "line": {"color": HIGHLIGHT, "width": 3.5}},
            hoverinfo="skip",
        )
    return go.Scattermap(
        name="selected",
        lat=[view.points[c][0] for c in codes],
        lon=[view.points[c][1] for c in codes],
        mode="markers",
        hoverinfo="skip",
        marker={"size": round(24 * scale), "color": HIGHLIGHT, "opacity": 0.55},
    )


def map_patch(
    view: MapView,
    values: Mapping[str, float | None],
    markers: Sequence[Marker],
    *,
    title: str,
    fmt: Fmt,
    rate: bool,
) -> Patch:
    """Only what a live update changes: the coloured units' values and the markers."""
    have = [c for c in view.codes if values.get(c) is not None]
    zmin, zmax = _range([float(values[c]) for c in have], rate)  # type: ignore[arg-type]
    patch = Patch()
    shown = [[view.names.get(c, c), f"{title}: {fmt(values[c])}", c] for c in have]
    values_trace = patch["data"][VALUES]
    if view.geojson_url is not None:
        values_trace["locations"] = have
        values_trace["z"] = [values[c] for c in have]
        values_trace["zmin"], values_trace["zmax"] = zmin, zmax
    else:
        values_trace["lat"] = [view.points[c][0] for c in have]
        values_trace["lon"] = [view.points[c][1] for c in have]
        values_trace["marker"]["color"] = [values[c] for c in have]
        values_trace["marker"]["cmin"], values_trace["marker"]["cmax"] = zmin, zmax
    values_trace["customdata"] = shown
    for i, trace in enumerate(marker_traces(markers), start=VALUES + 1):
        patch["data"][i]["lat"] = list(trace.lat)
        patch["data"][i]["lon"] = list(trace.lon)
        patch["data"][i]["customdata"] = [list(c) for c in trace.customdata]
    return patch


# --- charts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One trace of a trend chart."""

    key: str
    label: str
    kind: str  # "bar" or "line"
    color: str


def _tick_format(step: str, tr: Messages) -> str:
    if step == "hour":
        return "%H:%M" if tr.lang == "vi" else "%-I %p"
    return "%d/%m" if tr.lang == "vi" else "%b %d"


def _local(points: Sequence[tuple[datetime, float]]) -> tuple[list[str], list[float]]:
    """x as naive local times (Plotly draws what it gets, so Vietnam's clock is what it shows)."""
    xs = [at.astimezone(TZ).replace(tzinfo=None).isoformat() for at, _ in points]
    return xs, [v for _, v in points]


def trend_figure(
    data: Mapping[str, Sequence[tuple[datetime, float]]],
    series: Sequence[Series],
    step: str,
    tr: Messages,
    *,
    dark: bool = True,
    scale: float = 1.0,
    legend: bool = True,
) -> go.Figure:
    """Bars and lines over time (received as bars, completed as a line...), x in Vietnam's time."""
    traces = []
    for s in series:
        xs, ys = _local(data.get(s.key, []))
        if s.kind == "bar":
            traces.append(
                go.Bar(
                    x=xs,
                    y=ys,
                    name=s.label,
                    marker={"color": s.color, "opacity": 0.75},
                    hovertemplate=f"{s.label}: %{{y:,.0f}}<extra></extra>",
                )
            )
        else:
            traces.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    name=s.label,
                    mode="lines",
                    line={"color": s.color, "width": 2.5 * scale, "shape": "spline", "smoothing": 0.6},
                    hovertemplate=f"{s.label}: %{{y:,.0f}}<extra></extra>",
                )
            )
    mode = "dark" if dark else "light"
    layout = base_layout(
        tr,
        dark=dark,
        scale=scale,
        bargap=0.25,
        hovermode="x unified",
        showlegend=legend,
        legend={
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
            "bgcolor": "rgba(0,0,0,0)",
            "font": {"color": MUTED[mode]},
        },
        margin={"l": 4, "r": 8, "t": 28 if legend else 6, "b": 4},
    )
    layout["xaxis"].update(
        type="date",
        tickformat=_tick_format(step, tr),
        showgrid=False,
        hoverformat="%d/%m/%Y %H:%M" if tr.lang == "vi" else "%b %d, %Y %H:%M",
    )
    layout["yaxis"].update(rangemode="tozero", tickformat=",d", nticks=5)
    return go.Figure(data=traces, layout=layout)


def trend_patch(data: Mapping[str, Sequence[tuple[datetime, float]]], series: Sequence[Series]) -> Patch:
    """A live update of a trend chart: new x and y, same styling."""
    patch = Patch()
    for i, s in enumerate(series):
        xs, ys = _local(data.get(s.key, []))
        patch["data"][i]["x"] = xs
        patch["data"][i]["y"] = ys
    return patch


def _note(message: str, dark: bool) -> dict[str, Any]:
    return {
        "text": message,
        "showarrow": False,
        "font": {"color": MUTED["dark" if dark else "light"], "size": 14},
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
    }


def empty_figure(tr: Messages, message: str, *, dark: bool = True) -> go.Figure:
    """A chart with only a centred message (no data yet)."""
    layout = base_layout(tr, dark=dark, annotations=[_note(message, dark)])
    layout["xaxis"].update(visible=False)
    layout["yaxis"].update(visible=False)
    return go.Figure(layout=layout)
