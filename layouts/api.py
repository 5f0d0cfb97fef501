"""The JSON API under /api/v1: stream health (the pages' own live check), indicators, open items, map data.

Documented in docs/api.md. Every answer is JSON (times in ISO 8601 with offset);
bad parameters give 400 and unknown units 404, each with ``{"error": ...}``.
Citizen text never leaves unmasked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import msgspec
from flask import Blueprint, Response, request

from ioc import indicators as ind
from ioc.i18n import language
from ioc.store import queries as q
from layouts import data
from layouts.context import Dashboard
from layouts.filters import RANGES, filters

QUEUES = (
    "dossiers_overdue",
    "dossiers_due_soon",
    "dossiers_waiting",
    "feedback_open",
    "feedback_overdue",
    "sites_down",
)
LAYERS = ("provinces", "communes", "commune-points")
LEVELS = ("fine", "medium", "coarse")
_encoder = msgspec.json.Encoder()


class ApiError(Exception):
    """A request the API refuses, with its HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _json(payload: Any, status: int = 200, max_age: int = 0) -> Response:
    response = Response(_encoder.encode(payload), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = f"public, max-age={max_age}" if max_age else "no-store"
    return response


def blueprint(ctx: Dashboard) -> Blueprint:
    """The /api/v1 routes of one dashboard."""
    api = Blueprint("ioc_api", __name__, url_prefix="/api/v1")

    @api.errorhandler(ApiError)
    def _refused(exc: ApiError) -> Response:
        return _json({"error": str(exc)}, exc.status)

    def route(path: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
        return api.route(path, methods=["GET"])

    @route("/health")
    def health() -> Response:
        """Freshness of each stream and the change token the pages poll."""
        now = ctx.now()
        with ctx.engine.connect() as conn:
            token = data.change_token(conn)
            streams = data.health(conn, now, ctx.amber(), ctx.red())
        return _json(
            {
                "now": now,
                "token": token,
                "stale": any(s["level"] == "red" for s in streams),
                "streams": streams,
            }
        )

    @route("/indicators")
    def indicators() -> Response:
        """Every indicator of the scope or a unit over a range, with the previous range."""
        unit, province = _where(ctx)
        f = _filters(ctx)
        lang = language(request.args.get("lang"), ctx.settings.language)
        with ctx.engine.connect() as conn:
            s = data.indicator_set(conn, province=province, unit=unit, f=f, now=ctx.now(), cal=ctx.calendar)
        p0, p1 = q.previous_range(f.window.since, f.window.until)
        return _json(
            {
                "scope": _scope(ctx, unit, province),
                "range": f.window.key,
                "since": f.window.since,
                "until": f.window.until,
                "previous": {"since": p0, "until": p1},
                "filters": {"sector": f.sector, "category": f.category},
                "indicators": [_indicator(i, lang) for i in s],
                "top_categories": [asdict(r) for r in s.top_categories],
                "hotspots": [asdict(r) for r in s.hotspots],
            }
        )

    @route("/open-items")
    def open_items() -> Response:
        """One work queue of the scope or a unit, most urgent first."""
        unit, province = _where(ctx)
        name = request.args.get("queue", "dossiers_overdue")
        if name not in QUEUES:
            raise ApiError(f"queue must be one of {', '.join(QUEUES)}")
        limit = _int("limit", 50, 1, 500)
        with ctx.engine.connect() as conn:
            rows = data.queue(
                conn, name, province=province, unit=unit, now=ctx.now(), cal=ctx.calendar, limit=limit
            )
        return _json({"scope": _scope(ctx, unit, province), "queue": name, "count": len(rows), "items": rows})

    @route("/series")
    def series() -> Response:
        """Rollup series (hourly up to two days, daily beyond) of the trend metrics."""
        unit, province = _where(ctx)
        f = _filters(ctx)
        with ctx.engine.connect() as conn:
            out = data.trends(conn, province=province, unit=unit, f=f)
        return _json(
            {
                "scope": _scope(ctx, unit, province),
                "step": f.window.step,
                "series": {k: [[at, v] for at, v in pts] for k, pts in out.items()},
            }
        )

    @route("/map")
    def map_values() -> Response:
        """One indicator per unit: provinces (country scope) or the communes of a province."""
        key = request.args.get("indicator", "dos.on_time_rate")
        if key not in ind.BY_KEY:
            raise ApiError(f"unknown indicator {key!r}")
        province = request.args.get("province") or ctx.province
        found = ctx.unit(province) if province else None
        if province and (found is None or found.level != "province"):
            raise ApiError(f"{province!r} is not a province in scope", 404)
        level = "commune" if province else "province"
        parents = _parents(ctx) if level == "province" else {}
        with ctx.engine.connect() as conn:
            values = data.map_values(
                conn,
                key,
                province=province,
                level=level,
                f=_filters(ctx),
                now=ctx.now(),
                cal=ctx.calendar,
                province_of=parents,
            )
        return _json({"indicator": key, "level": level, "province": province, "values": values})

    @route("/units")
    def units() -> Response:
        """Units in scope whose name matches, ignoring diacritics (``?q=phu hien``)."""
        text = request.args.get("q", "").strip()
        if not text:
            raise ApiError("q is required")
        found = [u for u in ctx.registry.search(text, limit=40) if ctx.scope.contains(u.code)][:20]
        return _json(
            {
                "units": [
                    {
                        "code": u.code,
                        "name": u.name,
                        "full_name": u.full_name,
                        "level": u.level,
                        "province": ctx.province_of(u),
                        "lat": u.lat,
                        "lon": u.lon,
                    }
                    for u in found
                ]
            }
        )

    @route("/geojson/<layer>")
    def geojson(layer: str) -> Response:
        """Boundaries for the map (``provinces``, ``communes``, ``commune-points``), compact and cacheable."""
        if layer not in LAYERS:
            raise ApiError(f"layer must be one of {', '.join(LAYERS)}", 404)
        level = request.args.get("level", "coarse")
        if level not in LEVELS:
            raise ApiError(f"level must be one of {', '.join(LEVELS)}")
        province = request.args.get("province") or ctx.province
        body = ctx.layers.geojson(layer, level, province)
        etag = hashlib.sha1(body).hexdigest()[:16]
        if request.if_none_match.contains(etag):
            return Response(status=304)
        response = Response(body, mimetype="application/geo+json")
        response.set_etag(etag)
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    return api


def _where(ctx: Dashboard) -> tuple[str | None, str | None]:
    """(commune, province) named by ``?unit=``: a commune, a province, or nothing for the whole scope."""
    code = request.args.get("unit", "").strip()
    if not code:
        return None, ctx.province
    unit = ctx.unit(code)
    if unit is None:
        raise ApiError(f"unit {code!r} is unknown or outside the scope", 404)
    if unit.level == "province":
        return None, unit.code
    return unit.code, unit.parent_code


def _filters(ctx: Dashboard) -> Any:
    key = request.args.get("range", "today")
    if key not in RANGES:
        raise ApiError(f"range must be one of {', '.join(RANGES)}")
    if key == "custom" and not request.args.get("since"):
        raise ApiError("a custom range needs since=YYYY-MM-DD (and until=YYYY-MM-DD)")
    return filters(
        key,
        ctx.now(),
        start=request.args.get("since"),
        end=request.args.get("until"),
        sector=request.args.get("sector"),
        category=request.args.get("category"),
    )


def _int(name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        raise ApiError(f"{name} must be an integer") from None
    return max(low, min(high, value))


def _scope(ctx: Dashboard, unit: str | None, province: str | None) -> dict[str, Any]:
    code = unit or province
    found = ctx.unit(code) if code else None
    return {
        "code": code,
        "name": found.name if found else ctx.scope.name,
        "level": found.level if found else "country",
    }


def _indicator(i: ind.Indicator, lang: str) -> dict[str, Any]:
    return {
        "key": i.key,
        "name": i.name(lang),
        "value": i.value,
        "previous": i.previous,
        "change": i.change,
        "unit": i.unit,
        "target": i.target,
        "meets_target": i.meets_target,
        "higher_is_better": i.higher_is_better,
        "estimate": i.estimate,
    }


def _parents(ctx: Dashboard) -> dict[str, str]:
    return {u.code: u.parent_code or "" for u in ctx.registry.communes()}
