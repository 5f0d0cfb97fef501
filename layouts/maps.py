"""Which units the map draws, at which level of detail, and where markers go.

The country scope shows provinces and, once the user zooms in or clicks one, that
province's communes; a province scope shows its communes. Communes are polygons when
a boundary file is loaded and points at their centroids otherwise. The level of detail
(coarse, medium, fine) follows the zoom. Views are plain values, cached per key.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ioc.i18n import Messages
from layouts.context import Dashboard
from layouts.figures import MapView, Marker, fit_zoom

COUNTRY_BOUNDS = (102.1, 8.4, 109.6, 23.4)
# Zoom at which the country map switches to the communes of the province under its centre, and back.
COMMUNES_FROM_ZOOM, PROVINCES_BELOW_ZOOM = 7.2, 6.4
LOD_ZOOMS = ((10.5, "fine"), (8.6, "medium"), (0.0, "coarse"))


@dataclass(frozen=True)
class ViewState:
    """What the user has asked the map to show: stored in the page between callbacks."""

    level: str  # "province" or "commune"
    province: str | None
    lod: str = "coarse"
    revision: int = 0  # bumped when the map should fly somewhere (a click), kept across zooms
    focus: str | None = None  # a commune to centre on

    def to_dict(self) -> dict[str, Any]:
        """For a dcc.Store."""
        return {
            "level": self.level,
            "province": self.province,
            "lod": self.lod,
            "revision": self.revision,
            "focus": self.focus,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, ctx: Dashboard) -> ViewState:
        """From a dcc.Store, falling back to the scope's own view."""
        if not data:
            return initial(ctx)
        return cls(
            data.get("level", "province"),
            data.get("province"),
            data.get("lod", "coarse"),
            int(data.get("revision", 0)),
            data.get("focus"),
        )


def initial(ctx: Dashboard) -> ViewState:
    """Provinces of the country, or the communes of the scope's province."""
    return ViewState("commune", ctx.province) if ctx.province else ViewState("province", None)


def lod_for(zoom: float) -> str:
    """Level of detail of commune polygons for a zoom."""
    return next(name for z, name in LOD_ZOOMS if zoom >= z)


def after_zoom(
    state: ViewState, zoom: float | None, center: tuple[float, float] | None, ctx: Dashboard
) -> ViewState:
    """The view after the user zoomed or panned: level of detail, and in the country scope the level."""
    if zoom is None:
        return state
    state = ViewState(state.level, state.province, lod_for(zoom), state.revision, state.focus)
    if ctx.province is not None:
        return state
    if state.level == "province" and zoom >= COMMUNES_FROM_ZOOM and center is not None:
        province = province_at(ctx, *center)
        return ViewState("commune", province, state.lod, state.revision, state.focus) if province else state
    if state.level == "commune" and zoom < PROVINCES_BELOW_ZOOM:
        return ViewState("province", None, state.lod, state.revision)
    return state


def province_at(ctx: Dashboard, lat: float, lon: float) -> str | None:
    """The province under a point: the nearest commune's province (placer), else the nearest centroid."""
    try:
        code, _ = ctx.layers.placer.place_one(lon, lat)
    except AttributeError:
        code = None
    if code:
        unit = ctx.unit(code)
        return ctx.province_of(unit) if unit else None
    best = min(ctx.registry.provinces(), key=lambda u: math.hypot((u.lat or 0) - lat, (u.lon or 0) - lon))
    return best.code


def view(ctx: Dashboard, state: ViewState, lang: str = "vi") -> MapView:
    """The MapView of a state: codes, names, GeoJSON URL or points, fitted centre and zoom."""
    cache: dict[tuple[Any, ...], MapView] = ctx.cache.setdefault("map_views", {})
    key = (state.level, state.province, state.lod)
    if key not in cache:
        cache[key] = _build(ctx, state)
    where = state.province or ctx.province or "country"
    found = replace(cache[key], revision=f"map:{where}:{state.revision}")
    target = focus_target(ctx, state, found)
    if target is not None:
        found = replace(found, center=(target[0], target[1]), zoom=target[2])
    return found


def focus_target(
    ctx: Dashboard, state: ViewState, base: MapView | None = None
) -> tuple[float, float, float] | None:
    """(lat, lon, zoom) to fly to for the state's focused commune, None without one."""
    unit = ctx.unit(state.focus) if state.focus else None
    if unit is None or unit.lat is None or unit.lon is None:
        return None
    fit = base.zoom if base is not None else view(ctx, replace(state, focus=None)).zoom
    return unit.lat, unit.lon, round(max(fit + 1.2, 9.5), 2)


def _build(ctx: Dashboard, state: ViewState) -> MapView:
    layers = ctx.layers
    revision = ""  # set per state by view()
    if state.level == "province":
        frame = layers.frame("provinces", "coarse")
        codes = tuple(str(c) for c in frame["code"])
        names = {c: ctx.unit_name(c) for c in codes}
        return MapView(
            "province",
            "provinces",
            _url(ctx, "provinces", "coarse", None),
            codes,
            names,
            (16.0, 106.0),
            fit_zoom(COUNTRY_BOUNDS),
            revision,
        )
    province = state.province or ctx.province
    polygons = layers.frame("communes", state.lod, province)
    communes = [u for u in ctx.registry.communes(province)]
    names = {u.code: u.name for u in communes}
    if len(polygons):
        codes = tuple(str(c) for c in polygons["code"])
        bounds = tuple(float(b) for b in polygons.total_bounds)
        return MapView(
            "commune",
            "communes",
            _url(ctx, "communes", state.lod, province),
            codes,
            names,
            _centre(bounds),
            fit_zoom(bounds),
            revision,
        )  # type: ignore[arg-type]
    placed = [u for u in communes if u.lat is not None and u.lon is not None]
    points = {u.code: (float(u.lat), float(u.lon)) for u in placed}  # type: ignore[arg-type]
    lons, lats = [p[1] for p in points.values()], [p[0] for p in points.values()]
    bounds = (min(lons), min(lats), max(lons), max(lats)) if points else COUNTRY_BOUNDS
    outline = layers.frame("provinces", "coarse", province)
    outline_url = _url(ctx, "provinces", "coarse", province) if len(outline) else None
    return MapView(
        "commune",
        "commune-points",
        None,
        tuple(points),
        names,
        _centre(bounds),
        fit_zoom(bounds),
        revision,
        points,
        outline_url,
        tuple(str(c) for c in outline["code"]),
    )


def _centre(bounds: Sequence[float]) -> tuple[float, float]:
    west, south, east, north = bounds
    return (south + north) / 2, (west + east) / 2


def _url(ctx: Dashboard, layer: str, lod: str, province: str | None) -> str:
    """The GeoJSON's URL on our own origin, versioned by content so browsers cache it safely."""
    body = ctx.layers.geojson(layer, lod, province)
    version = hashlib.sha1(body).hexdigest()[:12]
    where = f"&province={province}" if province else ""
    return f"{ctx.prefix}api/v1/geojson/{layer}?level={lod}{where}&v={version}"


def markers(
    ctx: Dashboard, outages: Sequence[Mapping[str, Any]], alerts: Sequence[Any], tr: Messages, level: str
) -> list[Marker]:
    """Outages at their site (or near their commune's centre) and alerts at their unit."""
    out = []
    for o in outages:
        lat, lon = o.get("lat"), o.get("lon")
        if lat is None or lon is None:
            lat, lon = _near(ctx, o["unit"], o["site_id"])
        if lat is None or lon is None:
            continue
        text = f"⚠ {o['site_id']} · {tr.label('operator', o.get('operator'))} {o.get('technology') or ''}"
        out.append(Marker("outage", lat, lon, text, o["unit"]))
    for a in alerts:
        code = a.unit or a.province
        lat, lon = _near(ctx, code, a.alert_id) if code else (None, None)
        if lat is None or lon is None:
            continue
        out.append(Marker("alert", lat, lon, a.title_vi if tr.lang == "vi" else a.title_en, code or ""))
    return out


def _near(ctx: Dashboard, code: str, salt: str) -> tuple[float | None, float | None]:
    """A unit's centroid moved by a small, stable offset so that markers of one unit do not stack."""
    unit = ctx.unit(code)
    if unit is None or unit.lat is None or unit.lon is None:
        return None, None
    h = int(hashlib.md5(salt.encode()).hexdigest()[:8], 16)
    radius = 0.01 + (h % 100) / 100 * 0.02 if unit.level == "commune" else 0.1
    angle = (h >> 8) % 360
    return unit.lat + radius * math.sin(math.radians(angle)), unit.lon + radius * math.cos(
        math.radians(angle)
    )
