"""What a page shows, composed: read the data once, hand it to the pure builders.

Callbacks call these with the page's filters and language; each returns components,
figures, or ``Patch`` objects when only the data moved (``patch=True``), so a live
update sends new numbers, not the figures' layout or the map's boundaries again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from dash import no_update

from ioc import indicators as ind
from ioc.i18n import Messages
from layouts import components as ui
from layouts import data, figures, maps
from layouts.context import Dashboard
from layouts.filters import Filters

CARD_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "dossier",
        (
            ("dos.received", ""),
            ("dos.on_time_rate", ""),
            ("dos.overdue", "of_open"),
            ("dos.due_soon", "in_24h"),
            ("dos.online_rate", ""),
            ("dos.online_payment_rate", ""),
        ),
    ),
    (
        "feedback",
        (
            ("fb.received", ""),
            ("fb.open", "overdue"),
            ("fb.processed_rate", ""),
            ("fb.on_time_rate", ""),
            ("fb.satisfaction_rate", ""),
            ("fb.avg_days", ""),
        ),
    ),
    (
        "infra",
        (
            ("site.active_outages", "of_sites"),
            ("site.availability", ""),
            ("site.outages", ""),
            ("site.mttr", ""),
            ("site.share_5g", ""),
            ("site.alarms_open", "now"),
        ),
    ),
)
MAP_METRICS = (
    "dos.on_time_rate",
    "dos.overdue",
    "dos.online_rate",
    "dos.received",
    "fb.received",
    "fb.open",
    "fb.overdue",
    "fb.satisfaction_rate",
    "site.availability",
    "site.active_outages",
)
DOSSIER_SERIES = ("dos.received", "dos.completed", "dos.late")
FEEDBACK_SERIES = ("fb.received", "fb.resolved")


def note(kind: str, s: ind.IndicatorSet, tr: Messages) -> str:
    """The line under a "now" card: what the count is out of."""
    values = s.values()
    if kind == "of_open":
        return tr("note.of_open", n=tr.number(values.get("dos.open")))
    if kind == "overdue":
        return tr("note.overdue", n=tr.number(values.get("fb.overdue")))
    if kind == "of_sites":
        return tr("note.of_sites", n=tr.number(values.get("site.total")))
    return tr(f"note.{kind}") if kind else ""


_cards: dict[tuple[Any, ...], Any] = {}  # built cards by what they show: most stay the same between updates


def cached_card(i: ind.Indicator, tr: Messages, label: str, note_text: str, card_id: str) -> Any:
    """A card, rebuilt only when its value, comparison, note or language changed (components are slow)."""
    key = (card_id, tr.lang, i.value, i.previous, i.target, note_text)
    found = _cards.get(key)
    if found is None:
        if len(_cards) > 2000:
            _cards.clear()
        found = _cards[key] = ui.card(i, tr, label=label, note=note_text, card_id=card_id)
    return found


def indicator_cards(s: ind.IndicatorSet, tr: Messages, groups: Sequence[Any] = CARD_GROUPS) -> list[Any]:
    """The card groups of an indicator set."""
    return [
        ui.group(
            tr(f"group.{g}"),
            g,
            [cached_card(s[k], tr, tr(f"ind.{k}"), note(n, s, tr), f"card-{k}") for k, n in cards],
        )
        for g, cards in groups
    ]


def series(tr: Messages, keys: Sequence[str]) -> list[figures.Series]:
    """How each trend metric is drawn: received as bars, the rest as lines."""
    colors = {
        "dos.received": figures.FAMILY["dossier"],
        "dos.completed": "#34d399",
        "dos.late": figures.BAD,
        "fb.received": figures.FAMILY["feedback"],
        "fb.resolved": "#34d399",
        "site.outages": figures.BAD,
    }
    return [
        figures.Series(k, tr(f"trend.{k}"), "bar" if k.endswith("received") else "line", colors[k])
        for k in keys
    ]


def trend(
    points: Any,
    keys: Sequence[str],
    step: str,
    tr: Messages,
    *,
    patch: bool,
    dark: bool = True,
    scale: float = 1.0,
) -> Any:
    """A trend chart or its patch."""
    specs = series(tr, keys)
    if patch:
        return figures.trend_patch(points, specs)
    return figures.trend_figure(points, specs, step, tr, dark=dark, scale=scale)


def bars(counts: dict[str, float], section: str | None, color: str, tr: Messages, top: int = 8) -> Any:
    """A breakdown as HTML bars (labels from the catalogue when the section has them)."""
    labels = {k: tr.label(section, k) for k in counts} if section else {}
    return ui.bar_list(counts, labels, tr, color=color, top=top)


def digest(raw: Any) -> str:
    """A short fingerprint of the data behind an output, to skip updates that would change nothing."""
    text = json.dumps(raw, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class Changes:
    """Per output: the whole thing (first render), a patch (data moved) or no_update (nothing moved)."""

    def __init__(self, before: dict[str, str] | None) -> None:
        self.before, self.after = before, {}
        self.full = before is None

    def __call__(self, key: str, raw: Any, build: Any) -> Any:
        """``build(patch)`` unless the data is what the page already shows."""
        self.after[key] = digest(raw)
        if not self.full and self.before.get(key) == self.after[key]:  # type: ignore[union-attr]
            return no_update
        return build(not self.full)


def overview_figures(
    ctx: Dashboard, f: Filters, tr: Messages, before: dict[str, str] | None
) -> tuple[Any, ...]:
    """Cards, two trends, three breakdowns and the sector options of the scope, then the new digests.

    ``before``: the digests of what the page shows (None when it shows other filters): parts
    whose data did not move are left alone, the others are sent as patches.
    """
    now = ctx.now()
    where = {"province": ctx.province, "unit": None}
    with ctx.engine.connect() as conn:
        s = data.indicator_set(conn, **where, f=f, now=now, cal=ctx.calendar)
        points = data.trends(conn, **where, f=f, metrics=DOSSIER_SERIES + FEEDBACK_SERIES)
        parts = data.breakdowns(conn, **where, f=f)
    change = Changes(before)
    step = f.window.step
    out = (
        change("cards", [(i.key, i.value, i.previous) for i in s], lambda _: indicator_cards(s, tr)),
        change(
            "trend_dos",
            {k: points[k] for k in DOSSIER_SERIES},
            lambda p: trend(points, DOSSIER_SERIES, step, tr, patch=p),
        ),
        change(
            "trend_fb",
            {k: points[k] for k in FEEDBACK_SERIES},
            lambda p: trend(points, FEEDBACK_SERIES, step, tr, patch=p),
        ),
        change(
            "category",
            parts["category"],
            lambda _: bars(parts["category"], "category", figures.FAMILY["feedback"], tr),
        ),
        change(
            "sector", parts["sector"], lambda _: bars(parts["sector"], None, figures.FAMILY["dossier"], tr)
        ),
        change("agency", parts["agency"], lambda _: bars(parts["agency"], None, "#60a5fa", tr)),
        change(
            "sectors",
            sorted(parts["sector"]),
            lambda _: [{"label": k, "value": k} for k in sorted(parts["sector"])],
        ),
    )
    return (*out, change.after)


def live_lists(ctx: Dashboard, tr: Messages, limit: int = 14) -> tuple[Any, Any]:
    """The ticker of newest events and the open alerts: cheap, so they update on their own."""
    now = ctx.now()
    with ctx.engine.connect() as conn:
        items = data.newest_events(conn, province=ctx.province, unit=None, limit=limit)
        alerts = data.alerts(conn, province=ctx.province, limit=8)
    return ui.ticker(items, tr, ctx.unit_name, now), ui.alert_rows(alerts, tr, ctx.unit_name, now)


def map_figure(
    ctx: Dashboard,
    state: maps.ViewState,
    metric: str,
    f: Filters,
    tr: Messages,
    before: dict[str, str] | None = None,
    *,
    dark: bool = True,
    scale: float = 1.0,
    selected: str | None = None,
) -> tuple[Any, dict[str, str]]:
    """The map of one indicator (whole figure), its new values and markers (patch) or no_update; digests."""
    v = maps.view(ctx, state, tr.lang)
    d = ind.BY_KEY[metric]
    parents = ctx.cache.setdefault("parents", {u.code: u.parent_code or "" for u in ctx.registry.communes()})
    with ctx.engine.connect() as conn:
        values = data.map_values(
            conn,
            metric,
            province=state.province if v.level == "commune" else None,
            level=v.level,
            f=f,
            now=ctx.now(),
            cal=ctx.calendar,
            province_of=parents,
        )
        outages = data.outages(conn, province=state.province or ctx.province, unit=None)
        alerts = data.alerts(conn, province=state.province or ctx.province, limit=100)
    if v.level == "commune" and state.province:
        outages = [o for o in outages if o["province"] == state.province]
    marks = maps.markers(ctx, outages, alerts, tr, v.level)
    title = tr(f"metric.{metric}")

    def fmt(value: float | None) -> str:
        return ui.format_value(value, d.unit, tr)

    def build(patch: bool) -> Any:
        if patch:
            return figures.map_patch(v, values, marks, title=title, fmt=fmt, rate=d.unit == "%")
        return figures.map_figure(
            v,
            values,
            marks,
            tr,
            title=title,
            fmt=fmt,
            higher_is_better=d.higher_is_better,
            rate=d.unit == "%",
            tiles=ctx.option("map_tile_url") or None,
            dark=dark,
            scale=scale,
            selected=selected,
        )

    change = Changes(before)
    figure = change("map", [sorted(values.items()), [(m.kind, m.lat, m.lon, m.text) for m in marks]], build)
    return figure, change.after
