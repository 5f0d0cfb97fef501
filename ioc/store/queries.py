"""The read side of the store: rollup sums, open items now, queues, stream health, recompute from raw.

Ranges are whole hours, like the rollups: ``since`` is floored and ``until`` ceiled to
the hour (``span``); their whole local days are read from the daily rollups (``ranges``).
Scope: ``province`` and ``unit`` (None: no filter).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

import msgspec
from sqlalchemy import ColumnElement, Connection, Table, and_, case, func, select

from ioc import events as ev
from ioc import indicators as ind
from ioc.rollups import (
    DAY,
    HOUR,
    Contributions,
    RollupKey,
    accumulate,
    by_day,
    day_of,
    event_contributions,
    state_contributions,
)
from ioc.state import Placed, fold
from ioc.store import tables as t
from ioc.store.ranges import rollup_filter, rollup_sums, span
from ioc.worktime import US_PER_HOUR, VN_TZ, WorkCalendar

DOSSIER_OPEN = ("received", "processing", "waiting_supplement")
DOSSIER_RUNNING = ("received", "processing")  # the clock runs; waiting_supplement has it stopped
FEEDBACK_OPEN = ("received", "forwarded", "in_progress", "extended")
FEEDBACK_EXCLUDED = ("rejected", "duplicate")
SOON_HOURS = 24.0
Queue = Literal["dossiers_overdue", "dossiers_due_soon", "dossiers_waiting", "feedback_open",
                "feedback_overdue", "sites_down"]  # fmt: skip
Step = Literal["hour", "day"]
COUNT_FACTS = ("dos.open", "dos.overdue", "dos.due_soon", "dos.waiting", "fb.open", "fb.overdue",
               "sites.total", "sites.down", "sites.degraded", "sites.in_service", "sites.in_service_5g",
               "alarms.open")  # fmt: skip
_decoder = msgspec.json.Decoder(ev.AnyEvent)


def previous_range(since: datetime, until: datetime) -> tuple[datetime, datetime]:
    """The range of the same length just before [since, until), hour-aligned like ``span``."""
    b0, b1 = span(since, until)
    return _when(2 * b0 - b1), _when(b0)


def _when(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=VN_TZ)


def _scope(table: Table, province: str | None, unit: str | None) -> list[ColumnElement[bool]]:
    return ([table.c.province == province] if province else []) + ([table.c.unit == unit] if unit else [])


def _by(table: Table, by_unit: bool) -> tuple[Any, ...]:
    return (table.c.unit,) if by_unit else ()


def _one(cond: ColumnElement[bool]) -> Any:
    return func.sum(case((cond, 1), else_=0))


def rollup_totals(
    conn: Connection, metrics: Sequence[str], *, province: str | None = None, unit: str | None = None,
    since: datetime, until: datetime, dim: str = "",
) -> dict[str, float]:  # fmt: skip
    """Sum of each metric over the range (0.0 for a metric without rows)."""
    sums = rollup_sums(conn, ("metric",), rollup_filter(metrics, province, unit, dim), [span(since, until)])
    out = dict.fromkeys(metrics, 0.0)
    out.update({m: v for (_, m), v in sums.items()})
    return out


def rollup_series(
    conn: Connection, metric: str, *, province: str | None = None, unit: str | None = None, since: datetime,
    until: datetime, step: Step = "hour", dim: str = "",
) -> list[tuple[datetime, float]]:  # fmt: skip
    """(bucket start, value) over the range, zero-filled; ``day`` buckets are Asia/Ho_Chi_Minh days."""
    b0, b1 = span(since, until)
    found = rollup_sums(conn, ("bucket",), rollup_filter([metric], province, unit, dim), [(b0, b1)],
                        days=step == "day")  # fmt: skip
    sums = {int(b): v for (_, b), v in found.items()}
    if step == "hour":
        return [(_when(b), sums.get(b, 0.0)) for b in range(b0, b1, HOUR)]
    days = dict.fromkeys(range(day_of(b0), b1, DAY) if b0 < b1 else (), 0.0)
    for b, v in sorted(sums.items()):  # whole days, and the hours of the partial days at the edges
        days[day_of(b)] += v
    return [(_when(d), v) for d, v in days.items()]


def rollup_by_unit(conn: Connection, metric: str, *, province: str | None = None, since: datetime,
                   until: datetime, dim: str = "") -> dict[str, float]:  # fmt: skip
    """Sum of the metric per unit over the range (units without rows are absent)."""
    sums = rollup_sums(conn, ("unit",), rollup_filter([metric], province, None, dim), [span(since, until)])
    return {u: v for (_, u), v in sums.items()}


def rollup_by_dim(
    conn: Connection, metric: str, prefix: str, *, province: str | None = None, unit: str | None = None,
    since: datetime, until: datetime, values: Sequence[str] = (),
) -> dict[str, float]:  # fmt: skip
    """Sum of the metric per dim value with this prefix (``category:`` gives {"land": 12.0, ...}).

    Known ``values`` (e.g. the feedback categories) make it an exact lookup per value, which an index on
    (province, metric, dim, bucket) serves; otherwise the prefix is matched over the hour range.
    """

    if values:
        where = rollup_filter([metric], province, unit, None, dims=[prefix + v for v in values])
    else:
        where = rollup_filter([metric], province, unit, None, dim_prefix=prefix)
    sums = rollup_sums(conn, ("dim",), where, [span(since, until)])
    return {d[len(prefix) :]: v for (_, d), v in sums.items() if v}


def _counts(conn: Connection, needed: set[str], province: str | None, unit: str | None, now: datetime,
            cal: WorkCalendar, by_unit: bool) -> dict[str, dict[str, float]]:  # fmt: skip
    """The ``needed`` counts, each from one narrow query: ``state_counts`` for open items, the (province,
    status, due_at) indexes for those past or near a deadline, the sites table for sites and alarms."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(needed, 0.0))
    d, f, s, sc = t.dossiers, t.feedback_cases, t.sites, t.state_counts

    def count(table: Table, facts: dict[str, str], *where: ColumnElement[bool], n: Any = None) -> None:
        """Add each row's count (or sum of ``n``) to the facts its status names ("*" for any status)."""
        cols = (*_by(table, by_unit), table.c.status)
        total = func.count() if n is None else func.sum(n)
        q = select(*cols, total).where(*where, *_scope(table, province, unit))
        for *key, status, found in conn.execute(q.group_by(*cols)):
            row = out[key[0] if by_unit else ""]
            for fact in {facts.get(status, ""), facts.get("*", "")} & needed:
                row[fact] += float(found or 0)  # PostgreSQL sums bigints as numeric

    # Open items from the counts the writer keeps (state_counts); those past or near a deadline depend on
    # the time, so they come from the due_at indexes.
    running = d.c.status.in_(DOSSIER_RUNNING)
    if needed & {"dos.open", "dos.waiting"}:
        count(sc, {"*": "dos.open", "waiting_supplement": "dos.waiting"}, sc.c.family == "dossier",
              sc.c.status.in_(DOSSIER_OPEN), n=sc.c.n)  # fmt: skip
    if "dos.overdue" in needed:
        count(d, {"*": "dos.overdue"}, running, d.c.due_at < now)
    if "dos.due_soon" in needed:
        count(d, {"*": "dos.due_soon"}, running, d.c.due_at >= now, d.c.due_at <= soon_until(cal, now))
    fb_open = (f.c.status.in_(FEEDBACK_OPEN), f.c.answered_at.is_(None))
    if "fb.open" in needed:
        count(sc, {"*": "fb.open"}, sc.c.family == "feedback", sc.c.status.in_(FEEDBACK_OPEN), ~sc.c.answered,
              n=sc.c.n)  # fmt: skip
    if "fb.overdue" in needed:
        count(f, {"*": "fb.overdue"}, *fb_open, f.c.due_at < now)
    if needed & {"sites.total", "sites.down", "sites.degraded", "sites.in_service", "sites.in_service_5g",
                 "alarms.open"}:  # fmt: skip
        cols = (*_by(s, by_unit), s.c.status, s.c.technology)
        q = select(*cols, func.count(), func.sum(s.c.alarms)).where(*_scope(s, province, unit))
        for *u, status, tech, n, alarms in conn.execute(q.group_by(*cols)):
            got = {"sites.total": n, "alarms.open": alarms or 0, f"sites.{status}": n,
                   "sites.in_service": n if status != "down" else 0,
                   "sites.in_service_5g": n if status != "down" and tech == "5G" else 0}  # fmt: skip
            row = out[u[0] if u else ""]
            for k, v in got.items():
                if k in needed:
                    row[k] += v
    return dict(out)


def soon_until(cal: WorkCalendar, now: datetime, hours: float = SOON_HOURS) -> datetime:
    """The latest due time still "due soon" at ``now``: classify_open is due_soon iff now <= due <= this."""
    c = cal.clock_of(now) + round(hours * US_PER_HOUR)
    last = cal.instant_of(c + 1) - timedelta(microseconds=1)  # the clock passes c right after this instant
    return last if cal.clock_of(last) <= c else cal.instant_of(c)


def _due_soon(conn: Connection, province: str | None, unit: str | None, now: datetime, cal: WorkCalendar,
              limit: int | None = None) -> list[Any]:  # fmt: skip
    d = t.dossiers.c
    q = select(t.dossiers).where(d.status.in_(DOSSIER_RUNNING), d.due_at >= now,
                                 d.due_at <= soon_until(cal, now), *_scope(t.dossiers, province, unit))
    return list(conn.execute(q.order_by(d.due_at, d.dossier_id).limit(limit)))


def open_counts(conn: Connection, *, province: str | None = None, unit: str | None = None, now: datetime,
                cal: WorkCalendar | None = None) -> dict[str, float]:  # fmt: skip
    """Open, overdue, due-soon and waiting dossiers, open and overdue feedback, sites and open alarms now."""
    needed = set(COUNT_FACTS)
    counts = _counts(conn, needed, province, unit, now, cal or WorkCalendar.vietnam(), by_unit=False)
    return counts.get("", dict.fromkeys(COUNT_FACTS, 0.0))


def active_outages(conn: Connection, *, province: str | None = None,
                   unit: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Sites down now, the longest first: site_id, unit, province, since, operator, technology, kind."""
    s = t.sites.c
    q = select(s.site_id, s.unit, s.province, s.status_since.label("since"), s.operator, s.technology, s.kind)
    q = q.where(s.status == "down", *_scope(t.sites, province, unit)).order_by(s.status_since, s.site_id)
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
        return [{**r, "minutes": (now - r["since"]).total_seconds() / 60 if r["since"] else None}
                for r in rows]  # fmt: skip
    if family == "dossiers_due_soon":
        found = _due_soon(conn, province, unit, now, cal, limit)
    elif family in ("dossiers_overdue", "dossiers_waiting"):
        running = and_(d.c.status.in_(DOSSIER_RUNNING), d.c.due_at < now)
        cond = d.c.status == "waiting_supplement" if family == "dossiers_waiting" else running
        query = select(d).where(cond, *_scope(d, province, unit)).order_by(d.c.due_at, d.c.dossier_id)
        found = list(conn.execute(query.limit(limit)))
    else:
        cond = and_(f.c.status.in_(FEEDBACK_OPEN), f.c.answered_at.is_(None))
        cond = and_(cond, f.c.due_at < now) if family == "feedback_overdue" else cond
        query = select(f).where(cond, *_scope(f, province, unit)).order_by(f.c.due_at, f.c.case_id)
        found = list(conn.execute(query.limit(limit)))
    out = []
    for r in found:
        row = {k: v for k, v in r._mapping.items() if k not in ("doc", "lat", "lon")}
        row["id"] = row.get("dossier_id") or row.get("case_id")
        row["hours_left"] = cal.working_hours_between(now, row["due_at"]) if row.get("due_at") else None
        out.append(row)
    return out


def stream_health(conn: Connection, now: datetime) -> list[dict[str, Any]]:
    """Per family: newest event, last ingest, totals, lag and their ages in seconds (None: never seen)."""
    heads = {r.family: dict(r._mapping) for r in conn.execute(select(t.stream_heads))}
    out = []
    for family in ("feedback", "dossier", "infra"):
        row = heads.get(family) or {"family": family, "newest_event_at": None, "last_ingested_at": None,
                                    "events_total": 0, "lag": None}  # fmt: skip
        for key, col in (("event_age_s", "newest_event_at"), ("ingest_age_s", "last_ingested_at")):
            row[key] = (now - row[col]).total_seconds() if row[col] is not None else None
        out.append(row)
    return out


def dead_letters(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    """The newest dead letters: position, kind, reason and size (not the bytes: may be personal data)."""
    dl = t.dead_letters.c
    q = select(dl.id, dl.topic, dl.partition, dl.offset, dl.kind, dl.reason, dl.received_at,
               func.length(dl.raw).label("size")).order_by(dl.id.desc()).limit(limit)  # fmt: skip
    return [dict(r._mapping) for r in conn.execute(q)]


def facts(
    conn: Connection, keys: Iterable[str], *, province: str | None = None, unit: str | None = None,
    since: datetime, until: datetime, now: datetime, cal: WorkCalendar | None = None, by_unit: bool = False,
) -> dict[str, dict[str, float]]:  # fmt: skip
    """The facts the indicators ``keys`` read: {"": facts} for the scope, or {unit: facts} by unit."""
    cal = cal or WorkCalendar.vietnam()
    return _facts(conn, tuple(keys), province, unit, [span(since, until)], now, cal, by_unit)[0]


def _facts(conn: Connection, keys: tuple[str, ...], province: str | None, unit: str | None,
           spans: list[tuple[int, int]], now: datetime, cal: WorkCalendar,
           by_unit: bool) -> list[dict[str, dict[str, float]]]:  # fmt: skip
    """Facts for several hour ranges in one pass per source; counts of open items go with the first range."""
    sources = {s for k in keys for s in ind.BY_KEY[k].sources}
    lo, hi = min(b0 for b0, _ in spans), max(b1 for _, b1 in spans)
    outs: list[dict[str, dict[str, float]]] = [defaultdict(dict) for _ in spans]
    if metrics := ind.rollup_metrics(keys):
        by = ("unit", "metric") if by_unit else ("metric",)
        sums = rollup_sums(conn, by, rollup_filter(metrics, province, unit), spans)
        for key, metric in dict.fromkeys(k[1:] if by_unit else ("", k[1]) for k in sums):  # 0.0 where absent
            for i, out in enumerate(outs):
                out[key][metric] = sums.get((i, key, metric) if by_unit else (i, metric), 0.0)
    if sources & {"fb.cohort_open", "fb.cohort_excluded"}:  # cases received in each range, as they are now
        f = t.feedback_cases
        received = [and_(f.c.received_at >= _when(b0), f.c.received_at < _when(b1)) for b0, b1 in spans]
        # Rejected cases pile up for ever: the index on due_at (never before receipt) keeps that scan recent.
        still_open = and_(f.c.status.in_(FEEDBACK_OPEN), f.c.answered_at.is_(None))
        excluded = and_(f.c.status.in_(FEEDBACK_EXCLUDED), f.c.due_at >= _when(lo))
        for fact, cond in (("fb.cohort_open", still_open), ("fb.cohort_excluded", excluded)):
            q = select(*_by(f, by_unit), *(_one(w) for w in received)).where(
                cond, f.c.received_at >= _when(lo), f.c.received_at < _when(hi), *_scope(f, province, unit))
            for found in conn.execute(q.group_by(*_by(f, by_unit))):
                key, values = (found[0] if by_unit else ""), found[int(by_unit) :]
                for out, value in zip(outs, values, strict=True):
                    out[key][fact] = value or 0
    if needed := sources & set(COUNT_FACTS):
        for key, row in _counts(conn, needed, province, unit, now, cal, by_unit).items():
            outs[0][key].update(row)
    if "site.open_down_minutes" in sources:
        for o in active_outages(conn, province=province, unit=unit):
            for out, (b0, b1) in zip(outs, spans, strict=True):
                row = out[o["unit"] if by_unit else ""]
                minutes = ind.open_outage_minutes([o["since"]], _when(b0), _when(b1), now)
                row["site.open_down_minutes"] = row.get("site.open_down_minutes", 0.0) + minutes
    for out, (b0, b1) in zip(outs, spans, strict=True):
        if not by_unit:
            out.setdefault("", {})
        for row in out.values():
            row["range.minutes"] = max(0.0, (min(b1, now.timestamp()) - b0) / 60)
    return [dict(out) for out in outs]


def compute_indicators(
    conn: Connection, *, province: str | None = None, unit: str | None = None, since: datetime,
    until: datetime, now: datetime, cal: WorkCalendar | None = None, targets: dict[str, float] | None = None,
    score: ind.ScoreConfig | None = None, population: dict[str, int | None] | None = None, top: int = 10,
) -> ind.IndicatorSet:  # fmt: skip
    """Every indicator of the scope over [since, until), with the previous range of the same length."""
    b0, b1 = span(since, until)
    cur, prev = (f[""] for f in _facts(conn, tuple(ind.BY_KEY), province, unit, [(b0, b1), (2 * b0 - b1, b0)],
                                       now, cal or WorkCalendar.vietnam(), False))  # fmt: skip
    prev.update({k: v for k, v in cur.items() if k in COUNT_FACTS})  # sites now stand in for sites then
    cats = rollup_by_dim(conn, "fb.received", "category:", province=province, unit=unit, since=since,
                         until=until, values=get_args(ev.FeedbackCategory))  # fmt: skip
    spots = {} if unit else rollup_by_unit(conn, "fb.received", province=province, since=since, until=until)
    return ind.build_set(cur, prev, province=province, unit=unit, since=since, until=until, now=now,
                         targets=targets, score=score, top_categories=ind.rank(cats, None, top),
                         hotspots=ind.rank(spots, population, top))  # fmt: skip


def unit_rollup_for_map(
    conn: Connection, indicator: str, province: str | None, since: datetime, until: datetime, *,
    now: datetime | None = None, cal: WorkCalendar | None = None, score: ind.ScoreConfig | None = None,
) -> dict[str, float | None]:  # fmt: skip
    """One indicator (or ``score.service``) per unit, for the choropleth; units without data are absent."""
    score = score or ind.ScoreConfig()
    composite = indicator == "score.service"
    keys = tuple(sorted({k for g in score.groups for k in g.indicators})) if composite else (indicator,)
    by_unit = facts(conn, keys, province=province, since=since, until=until, now=now or until, cal=cal,
                    by_unit=True)  # fmt: skip
    if composite:
        return {u: ind.service_score(ind.compute_values(f, keys), score) for u, f in by_unit.items()}
    return {u: ind.compute_values(f, keys)[indicator] for u, f in by_unit.items()}


def recompute_rollups(conn: Connection, cal: WorkCalendar | None = None, *,
                      step: Step = "hour") -> Contributions:  # fmt: skip
    """Every rollup contribution rebuilt from the raw events, per hour or per local day (``by_day``).

    The stored rollups are not touched. Compare with ``stored_rollups(conn, step=...)`` in ``rollup_drift``.
    """
    cal = cal or WorkCalendar.vietnam()
    e = t.events.c
    out: Contributions = {}
    current: tuple[str, str] | None = None
    history: list[tuple[ev.Event, Placed]] = []
    query = select(e.family, e.entity_id, e.payload, e.unit, e.province).order_by(e.family, e.entity_id)
    for family, entity_id, payload, unit, province in conn.execution_options(yield_per=5000).execute(query):
        if (family, entity_id) != current:
            if current is not None:
                accumulate(out, state_contributions(fold(*current, history, cal), cal))
            current, history = (family, entity_id), []
        event = _decoder.decode(payload)
        accumulate(out, event_contributions(event, province, unit))
        history.append((event, Placed(unit, province)))
    if current is not None:
        accumulate(out, state_contributions(fold(*current, history, cal), cal))
    return by_day(out) if step == "day" else out


def stored_rollups(conn: Connection, *, step: Step = "hour") -> Contributions:
    """Every stored hourly (or daily) rollup row, keyed like the contributions.

    The daily rows must equal ``by_day`` of the hourly ones: check both with ``rollup_drift``.
    """
    r = (t.rollups_daily if step == "day" else t.rollups).c
    rows = conn.execute(select(r.province, r.unit, r.bucket, r.metric, r.dim, r.value))
    return {(p, u, int(b), m, d): float(v) for p, u, b, m, d, v in rows}


def stored_state_counts(conn: Connection) -> dict[tuple[str, str, str, bool, str], int]:
    """The non-zero rows of ``state_counts``: (family, province, status, answered, unit) -> entities."""
    c = t.state_counts.c
    rows = conn.execute(select(c.family, c.province, c.status, c.answered, c.unit, c.n).where(c.n != 0))
    return {(fam, p, s, bool(a), u): int(n) for fam, p, s, a, u, n in rows}


def recount_states(conn: Connection) -> dict[tuple[str, str, str, bool, str], int]:
    """What ``state_counts`` should hold, counted from the state tables."""
    out = {}
    for family in t.COUNTED:
        table = t.STATE_TABLES[family]
        answered = [table.c.answered_at.is_not(None)] if "answered_at" in table.c else []
        cols = (table.c.province, table.c.status, table.c.unit, *answered)
        for p, s, u, *a, n in conn.execute(select(*cols, func.count()).group_by(*cols)):
            out[(family, p, s, bool(a and a[0]), u)] = int(n)
    return out


def rollup_drift(stored: Contributions, recomputed: Contributions,
                 tol: float = 1e-6) -> dict[RollupKey, tuple[float, float]]:  # fmt: skip
    """Keys where stored and recomputed differ by more than ``tol``: (stored, recomputed)."""
    out = {}
    for key in stored.keys() | recomputed.keys():
        a, b = float(stored.get(key, 0.0)), float(recomputed.get(key, 0.0))
        if abs(a - b) > tol * max(1.0, abs(a), abs(b)):
            out[key] = (a, b)
    return out
