"""What the pages read, as plain values: the one seam between the views and the store.

Indicators, series, open items and stream health come from ``ioc.store.queries``
(formulas in ``ioc.indicators``). This module adds what only the dashboard needs:
sector/category filters on the indicator facts, facts regrouped by province for the
country map, the change token of the live loop, the newest events for the ticker,
and citizen text (masked) for the work queues. Read-only SQLAlchemy Core throughout.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, and_, case, func, literal_column, select

from ioc import events as ev
from ioc import indicators as ind
from ioc.alerts import AlertRecord
from ioc.privacy import safe_text
from ioc.store import queries as q
from ioc.store import ranges
from ioc.store import tables as t
from ioc.store.alerts import open_alerts
from ioc.worktime import WorkCalendar
from layouts.filters import Filters

TREND_METRICS = ("fb.received", "fb.resolved", "dos.received", "dos.completed", "dos.late", "site.outages")
BREAKDOWNS = {
    "category": ("fb.received", "category:"),
    "sector": ("dos.received", "sector:"),
    "agency": ("dos.received", "agency:"),
    "channel": ("fb.received", "channel:"),
}
_event = msgspec.json.Decoder(ev.AnyEvent)


class _Text(msgspec.Struct):
    text: str = ""


_doc_text = msgspec.json.Decoder(_Text)


# --- live loop -----------------------------------------------------------------------------


def change_token(conn: Connection) -> str:
    """A short string that changes whenever anything is stored: totals and newest ingest of the streams."""
    h = t.stream_heads.c
    total, last = conn.execute(select(func.sum(h.events_total), func.max(h.last_ingested_at))).one()
    return f"{int(total or 0)}:{last or ''}"


def health(
    conn: Connection, now: datetime, amber: Mapping[str, float], red: Mapping[str, float]
) -> list[dict[str, Any]]:
    """Each stream's freshness with its level: ok, amber or red (never seen counts as red)."""
    out = []
    for row in q.stream_health(conn, now):
        age = row["event_age_s"]
        age = None if age is None else max(age, 0.0)
        family = row["family"]
        level = "red" if age is None or age > red[family] else "amber" if age > amber[family] else "ok"
        out.append(
            {
                "family": family,
                "newest_event_at": _iso(row["newest_event_at"]),
                "last_ingested_at": _iso(row["last_ingested_at"]),
                "events_total": int(row["events_total"] or 0),
                "lag": row["lag"],
                "age_s": age,
                "ingest_age_s": row["ingest_age_s"],
                "level": level,
                "amber_s": amber[family],
                "red_s": red[family],
            }
        )
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- indicators ----------------------------------------------------------------------------


def indicator_set(
    conn: Connection, *, province: str | None, unit: str | None, f: Filters, now: datetime, cal: WorkCalendar
) -> ind.IndicatorSet:
    """Every indicator of a scope and range with the previous range, narrowed by sector and category."""
    w = f.window
    if not (f.sector or f.category):
        return q.compute_indicators(
            conn, province=province, unit=unit, since=w.since, until=w.until, now=now, cal=cal
        )
    keys = tuple(ind.BY_KEY)
    cur = _filtered(conn, keys, province, unit, w.since, w.until, now, cal, f, counts=True)[""]
    p0, p1 = q.previous_range(w.since, w.until)
    prev = _filtered(conn, keys, province, unit, p0, p1, now, cal, f, counts=False)[""]
    prev.update({k: v for k, v in cur.items() if k in q.COUNT_FACTS})
    return ind.build_set(cur, prev, province=province, unit=unit, since=w.since, until=w.until, now=now)


def map_values(
    conn: Connection,
    key: str,
    *,
    province: str | None,
    level: str,
    f: Filters,
    now: datetime,
    cal: WorkCalendar,
    province_of: Mapping[str, str],
) -> dict[str, float | None]:
    """One indicator per unit shown on the map: communes of ``province``, or provinces (summed facts)."""
    keys = (key,) if key in ind.BY_KEY else ()
    if not keys:
        return {}
    by_unit = _filtered(
        conn, keys, province, None, f.window.since, f.window.until, now, cal, f, counts=True, by_unit=True
    )
    if level == "province":
        by_unit = regroup(by_unit, province_of)
    return {u: ind.compute_values(facts, keys)[key] for u, facts in by_unit.items()}


def regroup(
    by_unit: Mapping[str, Mapping[str, float]], parent: Mapping[str, str]
) -> dict[str, dict[str, float]]:
    """Facts of communes summed into their provinces (facts are sums; the range length is not)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for unit, facts in by_unit.items():
        row = out[parent.get(unit, unit)]
        for k, v in facts.items():
            row[k] = v if k == "range.minutes" else row.get(k, 0.0) + v
    return dict(out)


def _filtered(
    conn: Connection,
    keys: Sequence[str],
    province: str | None,
    unit: str | None,
    since: datetime,
    until: datetime,
    now: datetime,
    cal: WorkCalendar,
    f: Filters,
    *,
    counts: bool,
    by_unit: bool = False,
) -> dict[str, dict[str, float]]:
    """``queries.facts``, with the dossier facts narrowed to a sector and feedback facts to a category."""
    out = q.facts(
        conn, keys, province=province, unit=unit, since=since, until=until, now=now, cal=cal, by_unit=by_unit
    )
    narrowed = [
        (prefix, dim, column, value)
        for prefix, dim, column, value in (
            ("dos.", "sector", t.dossiers.c.sector, f.sector),
            ("fb.", "category", t.feedback_cases.c.category, f.category),
        )
        if value
    ]
    for prefix, dim, column, value in narrowed:
        for row in out.values():
            for k in [k for k in row if k.startswith(prefix)]:
                row[k] = 0.0
        metrics = [m for m in ind.rollup_metrics(keys) if m.startswith(prefix)]
        if metrics:
            _add_rollups(conn, out, metrics, province, unit, since, until, f"{dim}:{value}", by_unit)
        if counts or prefix == "fb.":
            _add_counts(
                conn, out, prefix, column, value, province, unit, since, until, now, cal, by_unit, counts
            )
    return out


def _add_rollups(
    conn: Connection,
    out: dict[str, dict[str, float]],
    metrics: Sequence[str],
    province: str | None,
    unit: str | None,
    since: datetime,
    until: datetime,
    dim: str,
    by_unit: bool,
) -> None:
    by = ("unit", "metric") if by_unit else ("metric",)
    where = ranges.rollup_filter(metrics, province, unit, dim)
    for (_, *key), value in ranges.rollup_sums(conn, by, where, [q.span(since, until)]).items():
        out.setdefault(key[0] if by_unit else "", {})[key[-1]] = float(value)


def _add_counts(
    conn: Connection,
    out: dict[str, dict[str, float]],
    prefix: str,
    column: Any,
    value: str,
    province: str | None,
    unit: str | None,
    since: datetime,
    until: datetime,
    now: datetime,
    cal: WorkCalendar,
    by_unit: bool,
    counts: bool,
) -> None:
    """Open, overdue, due-soon counts (and the feedback cohort) of one sector or category."""
    table = column.table
    scope = ([table.c.province == province] if province else []) + ([table.c.unit == unit] if unit else [])
    cols = (table.c.unit,) if by_unit else ()
    if prefix == "dos.":
        running = table.c.status.in_(q.DOSSIER_RUNNING)
        facts = {
            "dos.open": table.c.status.in_(q.DOSSIER_OPEN),
            "dos.waiting": table.c.status == "waiting_supplement",
            "dos.overdue": and_(running, table.c.due_at < now),
            "dos.due_soon": and_(running, table.c.due_at >= now, table.c.due_at <= q.soon_until(cal, now)),
        }
        base = table.c.status.in_(q.DOSSIER_OPEN)
    else:
        open_ = and_(table.c.status.in_(q.FEEDBACK_OPEN), table.c.answered_at.is_(None))
        b0, b1 = q.span(since, until)
        cohort = and_(table.c.received_at >= q._when(b0), table.c.received_at < q._when(b1))
        facts = {
            "fb.open": open_,
            "fb.overdue": and_(open_, table.c.due_at < now),
            "fb.cohort_open": and_(open_, cohort),
            "fb.cohort_excluded": and_(table.c.status.in_(q.FEEDBACK_EXCLUDED), cohort),
        }
        if not counts:
            facts = {k: v for k, v in facts.items() if k.startswith("fb.cohort")}
        base = table.c.status.in_(q.FEEDBACK_OPEN + q.FEEDBACK_EXCLUDED)
    sums = [func.sum(func.coalesce(_case(cond), 0)) for cond in facts.values()]
    query = select(*cols, *sums).where(base, column == value, *scope).group_by(*cols)
    for row in conn.execute(query):
        key = row[0] if by_unit else ""
        values = row[1:] if by_unit else row
        target = out.setdefault(key, {})
        target.update({k: float(v or 0) for k, v in zip(facts, values, strict=True)})


def _case(cond: Any) -> Any:
    return case((cond, 1), else_=0)


# --- series and breakdowns -------------------------------------------------------------------


def trends(
    conn: Connection,
    *,
    province: str | None,
    unit: str | None,
    f: Filters,
    metrics: Iterable[str] = TREND_METRICS,
) -> dict[str, list[tuple[datetime, float]]]:
    """Each metric over the range, in the range's step, narrowed by sector or category where it applies."""
    w = f.window
    out = {}
    for metric in metrics:
        dim = _dim_for(metric, f)
        out[metric] = q.rollup_series(
            conn, metric, province=province, unit=unit, since=w.since, until=w.until, step=w.step, dim=dim
        )
    return out


def breakdowns(
    conn: Connection,
    *,
    province: str | None,
    unit: str | None,
    f: Filters,
    names: Iterable[str] = ("category", "sector", "agency"),
) -> dict[str, dict[str, float]]:
    """Counts by category, sector and agency over the range, largest first."""
    w = f.window
    out = {}
    for name in names:
        metric, prefix = BREAKDOWNS[name]
        counts = q.rollup_by_dim(
            conn, metric, prefix, province=province, unit=unit, since=w.since, until=w.until
        )
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def _dim_for(metric: str, f: Filters) -> str:
    if metric.startswith("dos.") and f.sector:
        return f"sector:{f.sector}"
    if metric.startswith("fb.") and f.category:
        return f"category:{f.category}"
    return ""


def sectors(conn: Connection, *, province: str | None, since: datetime, until: datetime) -> list[str]:
    """Sectors that received dossiers in the range, for the filter's options."""
    return sorted(
        q.rollup_by_dim(conn, "dos.received", "sector:", province=province, since=since, until=until)
    )


# --- items: ticker, queues, outages, alerts ---------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One event as the ticker shows it: what happened, where, when, and citizen text masked."""

    event_id: str
    type: str
    family: str
    unit: str
    occurred_at: datetime
    ingested_at: datetime
    subject: str = ""  # category, sector or site
    text: str = ""


def newest_events(conn: Connection, *, province: str | None, unit: str | None, limit: int = 15) -> list[Item]:
    """The last events stored (insertion order), newest first."""
    e = t.events.c
    # SQLite tables keep insertion order in rowid, which needs no index; elsewhere ingested_at does.
    order = literal_column("rowid").desc() if conn.dialect.name == "sqlite" else e.ingested_at.desc()
    where = ([e.province == province] if province else []) + ([e.unit == unit] if unit else [])
    query = select(e.event_id, e.type, e.family, e.unit, e.occurred_at, e.ingested_at, e.payload)
    rows = conn.execute(query.where(*where).order_by(order).limit(limit))
    return [_item(*row) for row in rows]


def _item(
    event_id: str, type_: str, family: str, unit: str, occurred: datetime, ingested: datetime, payload: bytes
) -> Item:
    try:
        event: Any = _event.decode(payload)
    except msgspec.MsgspecError:
        return Item(event_id, type_, family, unit, occurred, ingested)
    subject = (
        getattr(event, "category", None)
        or getattr(event, "sector", None)
        or getattr(event, "status", None)
        or getattr(event, "severity", None)
        or ""
    )
    text = getattr(event, "text", "") if family == "feedback" else ""
    return Item(event_id, type_, family, unit, occurred, ingested, str(subject), safe_text(text, 160))


def queue(
    conn: Connection,
    name: q.Queue,
    *,
    province: str | None,
    unit: str | None,
    now: datetime,
    cal: WorkCalendar,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """One work queue, most urgent first; feedback rows carry the citizen's text, masked."""
    rows = q.open_items(conn, name, province=province, unit=unit, now=now, cal=cal, limit=limit)
    if name.startswith("feedback") and rows:
        texts = feedback_texts(conn, [r["id"] for r in rows])
        rows = [{**r, "text": texts.get(r["id"], "")} for r in rows]
    return rows


def feedback_texts(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    """The citizen text of these cases, personal data masked."""
    f = t.feedback_cases.c
    rows = conn.execute(select(f.case_id, f.doc).where(f.case_id.in_(list(ids))))
    return {case_id: safe_text(_doc_text.decode(doc).text, 200) for case_id, doc in rows}


def outages(conn: Connection, *, province: str | None, unit: str | None) -> list[dict[str, Any]]:
    """Sites down now with their coordinates when the events gave some."""
    s = t.sites.c
    rows = q.active_outages(conn, province=province, unit=unit)
    if not rows:
        return rows
    coords = {
        sid: (lat, lon)
        for sid, lat, lon in conn.execute(
            select(s.site_id, s.lat, s.lon).where(s.site_id.in_([r["site_id"] for r in rows]))
        )
    }
    return [
        {
            **r,
            "lat": coords.get(r["site_id"], (None, None))[0],
            "lon": coords.get(r["site_id"], (None, None))[1],
        }
        for r in rows
    ]


def alerts(conn: Connection, *, province: str | None, limit: int = 50) -> list[AlertRecord]:
    """Raised and acknowledged alerts, newest first."""
    return open_alerts(conn, province=province, limit=limit)
