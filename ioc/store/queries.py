"""The read side of the store: rollup sums, open items now, queues, stream health, recompute from raw.

Ranges are whole hours, like the rollups: ``since`` is floored and ``until`` ceiled to
the hour (``span``). Scope filters: ``province`` and ``unit`` (None = no filter).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec
from sqlalchemy import Connection, ColumnElement, Table, and_, case, func, select

from ioc import events as ev
from ioc import indicators as ind
from ioc.rollups import HOUR, Contributions, RollupKey, event_contributions, state_contributions
from ioc.sla import classify_open
from ioc.state import Placed, fold
from ioc.store import tables as t
from ioc.worktime import VN_TZ, WorkCalendar

DOSSIER_OPEN = ("received", "processing", "waiting_supplement")
DOSSIER_RUNNING = ("received", "processing")  # the clock runs; waiting_supplement has it stopped
FEEDBACK_OPEN = ("received", "forwarded", "in_progress", "extended")
FEEDBACK_EXCLUDED = ("rejected", "duplicate")
SOON_HOURS = 24.0
Queue = Literal["dossiers_overdue", "dossiers_due_soon", "dossiers_waiting", "feedback_open", "feedback_overdue",
                "sites_down"]  # fmt: skip
COUNT_FACTS = frozenset({"dos.open", "dos.overdue", "dos.due_soon", "dos.waiting", "fb.open", "fb.overdue",
                         "sites.total", "sites.down", "sites.degraded", "sites.in_service", "sites.in_service_5g",
                         "alarms.open"})  # fmt: skip
_decoder = msgspec.json.Decoder(ev.AnyEvent)


def span(since: datetime, until: datetime) -> tuple[int, int]:
    """The hour buckets [b0, b1) a range covers: since floored, until ceiled to the hour."""
    b0 = math.floor(since.timestamp()) // HOUR * HOUR
    return b0, max(b0, math.ceil(until.timestamp() / HOUR) * HOUR)


def _when(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=VN_TZ)


def _scope(table: Table, province: str | None, unit: str | None) -> list[ColumnElement[bool]]:
    out = []
    if province:
        out.append(table.c.province == province)
    if unit:
        out.append(table.c.unit == unit)
    return out


def _rollup_where(metrics: Sequence[str], province: str | None, unit: str | None, b0: int, b1: int,
                  dim: str | None = "") -> list[ColumnElement[bool]]:  # fmt: skip
    r = t.rollups.c
    where = [r.metric.in_(metrics) if len(metrics) > 1 else r.metric == metrics[0], r.bucket >= b0, r.bucket < b1]
    return where + ([r.dim == dim] if dim is not None else []) + _scope(t.rollups, province, unit)


def rollup_totals(
    conn: Connection, metrics: Sequence[str], *, province: str | None = None, unit: str | None = None,
    since: datetime, until: datetime, dim: str = "",
) -> dict[str, float]:  # fmt: skip
    """Sum of each metric over the range (0.0 for a metric without rows)."""
    b0, b1 = span(since, until)
    r = t.rollups.c
    query = select(r.metric, func.sum(r.value)).where(*_rollup_where(metrics, province, unit, b0, b1, dim))
    out = dict.fromkeys(metrics, 0.0)
    out.update({m: float(v) for m, v in conn.execute(query.group_by(r.metric))})
    return out


def rollup_series(
    conn: Connection, metric: str, *, province: str | None = None, unit: str | None = None,
    since: datetime, until: datetime, step: Literal["hour", "day"] = "hour", dim: str = "",
) -> list[tuple[datetime, float]]:  # fmt: skip
    """(bucket start, value) over the range, zero-filled; ``day`` buckets are local (Asia/Ho_Chi_Minh) days."""
    b0, b1 = span(since, until)
    r = t.rollups.c
    query = select(r.bucket, func.sum(r.value)).where(*_rollup_where([metric], province, unit, b0, b1, dim))
    hourly = {int(b): float(v) for b, v in conn.execute(query.group_by(r.bucket))}
    if step == "hour":
        return [(_when(b), hourly.get(b, 0.0)) for b in range(b0, b1, HOUR)]
    offset = 7 * HOUR  # Asia/Ho_Chi_Minh is UTC+7 all year
    days: dict[int, float] = {}
    for b in range(b0, b1, HOUR):
        day = (b + offset) // 86400 * 86400 - offset
        days[day] = days.get(day, 0.0) + hourly.get(b, 0.0)
    return [(_when(d), v) for d, v in days.items()]


def rollup_by_unit(
    conn: Connection, metric: str, *, province: str | None = None, since: datetime, until: datetime, dim: str = ""
) -> dict[str, float]:
    """Sum of the metric per unit over the range (units without rows are absent)."""
    b0, b1 = span(since, until)
    r = t.rollups.c
    query = select(r.unit, func.sum(r.value)).where(*_rollup_where([metric], province, None, b0, b1, dim))
    return {u: float(v) for u, v in conn.execute(query.group_by(r.unit))}


def rollup_by_dim(
    conn: Connection, metric: str, prefix: str, *, province: str | None = None, unit: str | None = None,
    since: datetime, until: datetime,
) -> dict[str, float]:  # fmt: skip
    """Sum of the metric per dim value with this prefix (``category:`` -> {"land": 12.0, ...})."""
    b0, b1 = span(since, until)
    r = t.rollups.c
    pick = r.dim.startswith(prefix, autoescape=True) if prefix else r.dim != ""
    query = select(r.dim, func.sum(r.value)).where(*_rollup_where([metric], province, unit, b0, b1, None), pick)
    return {d[len(prefix):]: float(v) for d, v in conn.execute(query.group_by(r.dim)) if v}


def _grouped(table: Table, by_unit: bool) -> tuple[Any, ...]:
    return (table.c.unit,) if by_unit else ()


def _counts(conn: Connection, province: str | None, unit: str | None, now: datetime, cal: WorkCalendar,
            by_unit: bool) -> dict[str, dict[str, float]]:  # fmt: skip
    out: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(sorted(COUNT_FACTS), 0.0))
    d, f, s = t.dossiers, t.feedback_cases, t.sites
    one = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    running = d.c.status != "waiting_supplement"
    q = select(*_grouped(d, by_unit), func.count(), one(~running), one(and_(running, d.c.due_at < now)))
    for *u, n, waiting, overdue in conn.execute(q.where(d.c.status.in_(DOSSIER_OPEN), *_scope(d, province, unit))
                                                .group_by(*_grouped(d, by_unit))):  # fmt: skip
        out[u[0] if u else ""].update({"dos.open": n, "dos.waiting": waiting or 0, "dos.overdue": overdue or 0})
    for row in _due_soon(conn, province, unit, now, cal, with_ids=False):
        out[row[0] if by_unit else ""]["dos.due_soon"] += 1
    q = select(*_grouped(f, by_unit), func.count(), one(f.c.due_at < now))
    q = q.where(f.c.status.in_(FEEDBACK_OPEN), f.c.answered_at.is_(None), *_scope(f, province, unit))
    for *u, n, overdue in conn.execute(q.group_by(*_grouped(f, by_unit))):
        out[u[0] if u else ""].update({"fb.open": n, "fb.overdue": overdue or 0})
    q = select(*_grouped(s, by_unit), s.c.status, s.c.technology, func.count(), func.sum(s.c.alarms))
    q = q.where(*_scope(s, province, unit)).group_by(*_grouped(s, by_unit), s.c.status, s.c.technology)
    for *u, status, tech, n, alarms in conn.execute(q):
        row = out[u[0] if u else ""]
        row["sites.total"] += n
        row["alarms.open"] += alarms or 0
        if status in ("down", "degraded"):
            row[f"sites.{status}"] += n
        if status != "down":
            row["sites.in_service"] += n
            row["sites.in_service_5g"] += n if tech == "5G" else 0
    return dict(out)


def _due_soon(conn: Connection, province: str | None, unit: str | None, now: datetime, cal: WorkCalendar,
              with_ids: bool = True) -> list[Any]:  # fmt: skip
    """Running dossiers due within 24 working hours: a calendar-safe candidate range, then classify_open."""
    d = t.dossiers.c
    bound = cal.add_working_hours(now, SOON_HOURS + 8)  # one working day beyond: safe over nights and holidays
    cols = [t.dossiers] if with_ids else [d.unit, d.due_at]
    q = select(*cols).where(d.status.in_(DOSSIER_RUNNING), d.due_at >= now, d.due_at < bound,
                            *_scope(t.dossiers, province, unit)).order_by(d.due_at)  # fmt: skip
    return [r for r in conn.execute(q) if classify_open(cal, r.due_at, now, soon_hours=SOON_HOURS) == "due_soon"]


def open_counts(conn: Connection, *, province: str | None = None, unit: str | None = None, now: datetime,
                cal: WorkCalendar | None = None) -> dict[str, float]:  # fmt: skip
    """Open, overdue, due-soon and waiting dossiers, open and overdue feedback, sites and open alarms now."""
    counts = _counts(conn, province, unit, now, cal or WorkCalendar.vietnam(), by_unit=False)
    return counts.get("", dict.fromkeys(sorted(COUNT_FACTS), 0.0))


def active_outages(conn: Connection, *, province: str | None = None, unit: str | None = None) -> list[dict[str, Any]]:
    """Sites down now, the longest first: site_id, unit, province, since, operator, technology, kind."""
    s = t.sites.c
    q = select(s.site_id, s.unit, s.province, s.status_since.label("since"), s.operator, s.technology, s.kind)
    q = q.where(s.status == "down", *_scope(t.sites, province, unit)).order_by(s.status_since)
    return [dict(r._mapping) for r in conn.execute(q)]


def open_items(
    conn: Connection, family: Queue, *, province: str | None = None, unit: str | None = None, limit: int = 50,
    now: datetime, cal: WorkCalendar | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Rows of one work queue, most urgent first (no citizen text: it may hold personal data)."""
    cal = cal or WorkCalendar.vietnam()
    d, f = t.dossiers, t.feedback_cases
    if family == "sites_down":
        rows = active_outages(conn, province=province, unit=unit)[:limit]
        return [{**r, "minutes": (now - r["since"]).total_seconds() / 60 if r["since"] else None} for r in rows]
    if family == "dossiers_due_soon":
        found = _due_soon(conn, province, unit, now, cal)[:limit]
    elif family.startswith("dossiers"):
        cond = d.c.status == "waiting_supplement" if family == "dossiers_waiting" else and_(
            d.c.status.in_(DOSSIER_RUNNING), d.c.due_at < now)
        found = list(conn.execute(select(d).where(cond, *_scope(d, province, unit)).order_by(d.c.due_at).limit(limit)))
    else:
        cond = and_(f.c.status.in_(FEEDBACK_OPEN), f.c.answered_at.is_(None))
        cond = and_(cond, f.c.due_at < now) if family == "feedback_overdue" else cond
        found = list(conn.execute(select(f).where(cond, *_scope(f, province, unit)).order_by(f.c.due_at).limit(limit)))
    out = []
    for r in found:
        row = {k: v for k, v in r._mapping.items() if k not in ("doc", "lat", "lon")}
        row["id"] = row.get("dossier_id") or row.get("case_id")
        due = row.get("due_at")
        row["hours_left"] = cal.working_hours_between(now, due) if due is not None else None
        out.append(row)
    return out


def stream_health(conn: Connection, now: datetime) -> list[dict[str, Any]]:
    """Per family: newest event time, last ingest, totals, lag and the ages in seconds (None when never seen)."""
    heads = {r.family: dict(r._mapping) for r in conn.execute(select(t.stream_heads))}
    out = []
    for family in ("feedback", "dossier", "infra"):
        row = heads.get(family, {"family": family, "newest_event_at": None, "last_ingested_at": None,
                                 "events_total": 0, "lag": None})  # fmt: skip
        for key, col in (("event_age_s", "newest_event_at"), ("ingest_age_s", "last_ingested_at")):
            row[key] = (now - row[col]).total_seconds() if row[col] is not None else None
        out.append(row)
    return out


def dead_letters(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    """The newest dead letters: position, kind, reason and size (not the bytes: they may hold personal data)."""
    dl = t.dead_letters.c
    q = select(dl.id, dl.topic, dl.partition, dl.offset, dl.kind, dl.reason, dl.received_at,
               func.length(dl.raw).label("size")).order_by(dl.id.desc()).limit(limit)  # fmt: skip
    return [dict(r._mapping) for r in conn.execute(q)]
