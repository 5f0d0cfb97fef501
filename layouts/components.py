"""Pure builders of the pages' pieces: header, indicator cards, ticker, work queues, outage and alert rows.

Every text comes from the message catalogue through ``Messages``; every value a
citizen wrote arrives here already masked (``ioc.privacy``) and is rendered as text,
never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from dash import dcc, html

from ioc import indicators as ind
from ioc.i18n import DASH, Messages
from layouts.context import FAMILIES
from layouts.data import Item
from layouts.live import LiveIds

Names = Callable[[str], str]


# --- header ---------------------------------------------------------------------------------


def stream_pills(li: LiveIds, tr: Messages) -> html.Div:
    """One pill per stream; the browser colours them and writes their ages every second."""
    return html.Div(
        className="streams",
        children=[
            html.Div(
                id=li.pill(f),
                className="stream-pill unknown",
                title=tr(f"family.{f}"),
                children=[
                    html.Span(className="dot"),
                    html.Span(tr(f"family.{f}"), className="name"),
                    html.Span("…", id=f"{li.pill(f)}-age", className="age"),
                ],
            )
            for f in FAMILIES
        ],
    )


def lang_switch(tr: Messages, href: Callable[[str], str]) -> html.Nav:
    """VI | EN links to the same page in the other language."""
    return html.Nav(
        className="lang",
        children=[
            dcc.Link(
                code.upper(),
                href=href(code),
                className="active" if code == tr.lang else "",
                title=tr(f"nav.lang_{code}"),
                id=f"lang-{code}",
                refresh=True,
            )
            for code in ("vi", "en")
        ],
    )


def header(
    li: LiveIds,
    tr: Messages,
    *,
    title: str,
    subtitle: str,
    links: Sequence[Any] = (),
    href: Callable[[str], str],
    extra_class: str = "",
) -> html.Header:
    """Title and scope, stream freshness, clock and date, connection state, language switch."""
    return html.Header(
        className=f"topbar {extra_class}",
        children=[
            html.Div(
                className="brand",
                children=[
                    html.Div(className="emblem", children="IOC"),
                    html.Div([html.Div(title, className="title"), html.Div(subtitle, className="subtitle")]),
                ],
            ),
            stream_pills(li, tr),
            html.Div(
                className="right",
                children=[
                    html.Div(id=li.conn, className="conn", children="…"),
                    html.Div(
                        className="clock-box",
                        children=[
                            html.Div(id=li.clock, className="clock", children=DASH),
                            html.Div(id=li.date, className="date", children=""),
                        ],
                    ),
                    html.Nav(className="links", children=list(links)),
                    lang_switch(tr, href),
                ],
            ),
        ],
    )


def banner(li: LiveIds) -> html.Div:
    """The full-width warning that data is stale or the server is unreachable (filled by the browser)."""
    return html.Div(id=li.banner, className="stale-banner hidden", role="alert")


# --- indicators -----------------------------------------------------------------------------


def value_text(i: ind.Indicator | None, tr: Messages) -> str:
    """An indicator's value in its unit and the page's language."""
    if i is None or i.value is None:
        return DASH
    return format_value(i.value, i.unit, tr)


def format_value(value: float | None, unit: str, tr: Messages) -> str:
    """A value of an indicator unit: ``98,5%``, ``1.234``, ``2,3 ngày``, ``45 phút``, ``4,2/5``."""
    if value is None:
        return DASH
    if unit == "%":
        return tr.number(value, 1) + "%"
    if unit == "working_days":
        return tr("unit.working_days", n=tr.number(value, 1))
    if unit == "minutes":
        return tr.duration(value * 60)
    if unit == "rating":
        return tr.number(value, 1) + "/5"
    if unit == "points":
        return tr.number(value, 1) + "/100"
    return tr.number(value)


def change_text(i: ind.Indicator, tr: Messages) -> tuple[str, str]:
    """(text, tone) of the change against the previous range: points for rates, % for counts."""
    if i.value is None or i.previous is None:
        return "", "neutral"
    if i.unit in ("%", "points"):
        diff = i.value - i.previous
        text = tr.delta(diff, 1, tr("unit.pp"))
    elif i.previous == 0:
        diff = i.value
        text = tr.delta(diff, 0, "") if diff else "0"
    else:
        diff = (i.value - i.previous) / i.previous * 100
        text = tr.delta(diff, 1, "%")
    if abs(diff) < 1e-9 or i.higher_is_better is None:
        tone = "neutral"
    else:
        tone = "good" if (diff > 0) == i.higher_is_better else "bad"
    arrow = "▲" if diff > 0 else "▼" if diff < 0 else "■"
    return f"{arrow} {text}", tone


def is_now(i: ind.Indicator) -> bool:
    """Whether the indicator counts open items now (it has no previous range to compare with)."""
    d = ind.BY_KEY.get(i.key)
    return d is not None and d.now


def card(
    i: ind.Indicator | None,
    tr: Messages,
    *,
    label: str,
    note: str = "",
    card_id: str | None = None,
    big: bool = False,
) -> html.Div:
    """One indicator: label, value, change against the previous range (or a note), target state."""
    tone = "" if i is None or i.meets_target is None else ("on-target" if i.meets_target else "off-target")
    if i is not None and not is_now(i) and i.previous is not None:
        text, change_tone = change_text(i, tr)
        foot = html.Div(
            className=f"change {change_tone}",
            children=[text, html.Span(tr("card.vs_previous"), className="muted")],
        )
    else:
        foot = html.Div(note, className="change neutral muted")
    target = ""
    if i is not None and i.target is not None:
        target = tr(
            "card.target", op="≥" if i.higher_is_better else "≤", value=format_value(i.target, i.unit, tr)
        )
    props: dict[str, Any] = {"id": card_id} if card_id else {}
    if i is not None:
        props["data-family"] = {"dos": "dossier", "fb": "feedback", "site": "infra"}.get(
            i.key.split(".")[0], ""
        )
    return html.Div(
        className=f"card {tone} {'big' if big else ''}",
        title=i.name(tr.lang) if i else label,
        **props,
        children=[
            html.Div(label, className="label"),
            html.Div(
                [html.Span(value_text(i, tr), className="value"), html.Span(target, className="target")],
                className="value-row",
            ),
            foot,
        ],
    )


def group(title: str, family: str, cards: Sequence[Any]) -> html.Section:
    """A titled group of cards (dossiers, feedback, infrastructure)."""
    return html.Section(
        className=f"group {family}",
        children=[
            html.H2([html.Span(className="swatch"), title]),
            html.Div(list(cards), className="cards"),
        ],
    )


# --- lists ----------------------------------------------------------------------------------


def ticker(items: Sequence[Item], tr: Messages, names: Names, now: datetime) -> list[html.Li]:
    """The newest events, newest first: time, stream, what happened, where, and masked text."""
    if not items:
        return [html.Li(tr("ticker.empty"), className="empty")]
    rows = []
    for item in items:
        what = tr.label("event", item.type)
        subject = _subject(item, tr)
        rows.append(
            html.Li(
                className=f"tick {item.family}",
                id=f"tick-{item.event_id}",
                children=[
                    html.Span(tr.time(item.occurred_at, seconds=True), className="when"),
                    html.Span(className="dot"),
                    html.Div(
                        className="what",
                        children=[
                            html.Div(
                                [
                                    html.B(what),
                                    html.Span(f" · {names(item.unit)}", className="where"),
                                    html.Span(f" · {subject}", className="muted") if subject else None,
                                ]
                            ),
                            html.Div(item.text, className="text") if item.text else None,
                        ],
                    ),
                ],
            )
        )
    return rows


def _subject(item: Item, tr: Messages) -> str:
    for section in ("category", "status", "severity"):
        if tr.has(f"{section}.{item.subject}"):
            return tr(f"{section}.{item.subject}")
    return item.subject


def queue(
    rows: Sequence[Mapping[str, Any]],
    kind: str,
    tr: Messages,
    names: Names,
    now: datetime,
    *,
    limit: int | None = None,
    show_unit: bool = True,
) -> list[html.Li]:
    """Rows of a work queue with a live countdown to (or past) the deadline."""
    if not rows:
        return [html.Li(tr("queue.empty"), className="empty")]
    out = []
    for r in list(rows)[:limit]:
        due = r.get("due_at")
        if kind == "sites_down":
            title = f"{r['site_id']} · {tr.label('operator', r.get('operator'))} {r.get('technology') or ''}"
            detail = tr("queue.down_since", time=tr.when(r.get("since"), now))
            clock = tr("unit.down_for", span=tr.duration((r.get("minutes") or 0) * 60))
            out.append(_row(title, detail, r.get("unit", ""), names, clock, None, "outage", show_unit))
            continue
        if kind.startswith("feedback"):
            title = tr.label("category", r.get("category"))
            detail = r.get("text") or tr.label("status", r.get("status"))
        else:
            title = f"{r.get('sector') or DASH} · {r.get('procedure_code') or ''}"
            detail = (
                f"{r.get('agency') or ''} · {tr('queue.received', time=tr.when(r.get('received_at'), now))}"
            )
        out.append(
            _row(title, detail, r.get("unit", ""), names, tr.countdown(due, now), due, kind, show_unit)
        )
    return out


def _row(
    title: str,
    detail: str,
    unit: str,
    names: Names,
    clock: str,
    due: datetime | None,
    kind: str,
    show_unit: bool,
) -> html.Li:
    # The browser rewrites data-left every second; the text is drawn from it by CSS, so React's own
    # children are never touched behind its back.
    countdown_props = {"data-left": clock, **({"data-due": due.isoformat()} if due is not None else {})}
    late = kind in ("dossiers_overdue", "feedback_overdue")
    return html.Li(
        className=f"qrow {kind}",
        children=[
            html.Div(
                className="qmain",
                children=[
                    html.Div(title, className="qtitle"),
                    html.Div(
                        [
                            html.Span(names(unit), className="where") if show_unit else None,
                            html.Span(detail, className="qdetail"),
                        ],
                        className="qsub",
                    ),
                ],
            ),
            html.Div(className=f"countdown {'late' if late else ''}", title=clock, **countdown_props),
        ],
    )


def alert_rows(
    alerts: Sequence[Any], tr: Messages, names: Names, now: datetime, limit: int = 6
) -> list[html.Li]:
    """Raised and acknowledged alerts, with severity and how long ago they were raised."""
    if not alerts:
        return [html.Li(tr("alerts.none"), className="empty")]
    out = []
    for a in list(alerts)[:limit]:
        title = a.title_vi if tr.lang == "vi" else a.title_en
        raised = a.raised_at or a.first_seen_at
        out.append(
            html.Li(
                className=f"alert {a.severity} {a.state}",
                children=[
                    html.Span(tr.label("severity", a.severity), className="sev"),
                    html.Div(
                        [
                            html.Div(title, className="qtitle"),
                            html.Div(
                                [
                                    html.Span(
                                        names(a.unit) if a.unit else names(a.province), className="where"
                                    ),
                                    html.Span(
                                        " · " + tr.age((now - raised).total_seconds()), className="muted"
                                    ),
                                ],
                                className="qsub",
                            ),
                        ],
                        className="qmain",
                    ),
                ],
            )
        )
    return out


def bar_list(
    counts: Mapping[str, float], labels: Mapping[str, str], tr: Messages, *, color: str, top: int = 8
) -> list[html.Li]:
    """The largest ``top`` counts as labelled horizontal bars in plain HTML (no chart library to start)."""
    items = list(counts.items())[:top]
    if not items:
        return [html.Li(tr("chart.no_data"), className="empty")]
    peak = max(v for _, v in items) or 1.0
    return [
        html.Li(
            className="bar-row",
            title=f"{labels.get(k, k)}: {tr.number(v)}",
            children=[
                html.Span(labels.get(k, k), className="bar-label"),
                html.Span(
                    className="bar-track",
                    children=html.Span(
                        className="bar-fill",
                        style={"width": f"{max(v / peak * 100, 1.5):.1f}%", "background": color},
                    ),
                ),
                html.Span(tr.number(v), className="bar-value"),
            ],
        )
        for k, v in items
    ]
