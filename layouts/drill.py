"""The drill-down beside the operations-room map: one unit's indicators, trend and open items."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import dcc, html

from geodata.registry import Unit
from ioc.i18n import Messages
from layouts import components as ui
from layouts import data, figures
from layouts.context import Dashboard
from layouts.filters import Filters
from layouts.views import series

DRILL_TREND = "ops-drill-trend"
DRILL_CARDS = (
    ("dos.received", ""),
    ("dos.on_time_rate", ""),
    ("dos.overdue", ""),
    ("fb.received", ""),
    ("fb.open", ""),
    ("site.active_outages", ""),
)
QUEUES = (("dossiers_overdue", 5), ("dossiers_due_soon", 5), ("feedback_open", 5), ("sites_down", 5))


def drill_panel(
    unit: Unit | None, tr: Messages, *, ctx: Dashboard | None = None, f: Filters | None = None
) -> list[Any]:
    """The panel's content (its close button stays outside): empty without a unit, else the unit's view
    over the filters' range."""
    if unit is None or ctx is None or f is None:
        return []
    now = ctx.now()
    province, commune = (unit.code, None) if unit.level == "province" else (unit.parent_code, unit.code)
    with ctx.engine.connect() as conn:
        s = data.indicator_set(conn, province=province, unit=commune, f=f, now=now, cal=ctx.calendar)
        points = data.trends(
            conn, province=province, unit=commune, f=f, metrics=("dos.received", "fb.received")
        )
        queues = {
            name: data.queue(
                conn,
                name,
                province=province,
                unit=commune,
                now=now,
                cal=ctx.calendar,  # type: ignore[arg-type]
                limit=limit,
            )
            for name, limit in QUEUES
        }
    parent = f" · {ctx.unit_name(unit.parent_code)}" if unit.parent_code else ""
    kind = unit.type if tr.lang == "vi" else unit.type_en
    link = (
        [
            dcc.Link(
                tr("drill.open_unit"),
                href=f"/unit/{unit.code}?lang={tr.lang}",
                className="link",
                refresh=True,
            )
        ]
        if unit.level == "commune"
        else []
    )
    sections = []
    for name, _limit in QUEUES:
        rows = queues[name]
        sections.append(
            html.Details(
                open=bool(rows) and name != "dossiers_due_soon",
                className="drill-queue",
                children=[
                    html.Summary(
                        [
                            tr(f"queue.{name}"),
                            html.Span(str(len(rows)) if len(rows) < 5 else "5+", className="count"),
                        ]
                    ),
                    html.Ul(
                        ui.queue(rows, name, tr, ctx.unit_name, now, show_unit=unit.level == "province"),
                        className="list queue",
                    ),
                ],
            )
        )
    return [
        html.Div(
            className="drill-head",
            children=[
                html.Div(kind.capitalize() + parent, className="kicker"),
                html.H2(unit.name, id="ops-drill-name"),
                *link,
            ],
        ),
        html.Div(
            className="cards mini", children=[ui.card(s[k], tr, label=tr(f"ind.{k}")) for k, _ in DRILL_CARDS]
        ),
        html.Div(
            className="sparkline",
            children=dcc.Graph(
                id=DRILL_TREND,
                config={"displayModeBar": False, "responsive": True},
                style={"height": "100%"},
                figure=figures.trend_figure(
                    points,
                    [
                        replace(x, label=tr(f"family.{family}"))
                        for x, family in zip(
                            series(tr, ("dos.received", "fb.received")), ("dossier", "feedback"), strict=True
                        )
                    ],
                    f.window.step,
                    tr,
                ),
            ),
        ),
        *sections,
    ]
