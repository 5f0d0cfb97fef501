"""Alerts in the store: observations from rollups and state tables, the lifecycle kept in ``alerts``.

``evaluate`` is cheap enough to call every few seconds and after each batch: a handful
of indexed queries over recent hours, then the pure lifecycle of ``ioc.alerts``. Run one
evaluator per scope: a second one racing it fails on ``uq_alerts_open_key`` and
should simply try again on its next tick.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ioc import indicators as ind
from ioc.alerts import OPEN_STATES, AlertChange, AlertRecord, Observation, Rule, acknowledge, advance, judge
from ioc.alerts import surge as surge_judge
from ioc.rollups import HOUR, bucket_of
from ioc.store import queries
from ioc.store import tables as t
from ioc.store.alert_tables import alert_log, alerts
from ioc.worktime import WorkCalendar

WEEK = 7 * 24 * HOUR
Key = tuple[str, str]  # rule, subject
Sums = dict[tuple[str, str, int], float]  # (unit, metric, bucket) -> value


def evaluate(
    conn: Connection, rules: Sequence[Rule], *, now: datetime, province: str | None = None,
    cal: WorkCalendar | None = None,
) -> list[AlertChange]:  # fmt: skip
    """Observe every rule now, move each alert through its lifecycle, store it; the changes made."""
    cal = cal or WorkCalendar.vietnam()
    current = {(r.rule, r.subject): r for r in open_alerts(conn, province=province, states=OPEN_STATES)}
    before = dict(current)
    changes: list[AlertChange] = []
    facts_cache: dict[tuple[str, float], dict[str, dict[str, float]]] = {}
    absorbers = {a: r for r in rules if r.kind == "correlation" for a in r.absorbs}
    for rule in sorted(rules, key=lambda r: r.kind != "correlation"):  # incidents first, so others can join
        seen = {o.subject: o for o in observe(conn, rule, rules, now=now, province=province, cal=cal,
                                              cache=facts_cache)}  # fmt: skip
        for subject in sorted(set(seen) | {s for r, s in current if r == rule.key}):
            record, change = advance(rule, current.get((rule.key, subject)), seen.get(subject), now)
            if record is None:
                current.pop((rule.key, subject), None)
                continue
            current[(rule.key, subject)] = record
            if change is not None:
                changes.append(AlertChange(change, now, record))
    live = ("raised", "acknowledged")
    for key, record in current.items():  # alerts absorbed by an open incident in their unit join it
        parent = absorbers.get(record.rule)
        incident = current.get((parent.key, record.unit or "")) if parent else None
        joins = incident is not None and incident.state in live and record.state in live
        if incident is not None and joins and record.incident_id != incident.alert_id:
            current[key] = replace(record, incident_id=incident.alert_id)
            changes = [c for c in changes if c.alert.alert_id != record.alert_id]
            changes.append(AlertChange("linked", now, current[key]))
    _save(conn, before, current, changes)
    return changes


def observe(
    conn: Connection, rule: Rule, rules: Sequence[Rule] = (), *, now: datetime, province: str | None,
    cal: WorkCalendar, cache: dict[tuple[str, float], dict[str, dict[str, float]]] | None = None,
) -> list[Observation]:  # fmt: skip
    """What one rule sees now, one observation per subject with data."""
    if rule.kind == "surge":
        return _surges(conn, rule, now, province)
    if rule.kind == "correlation":
        return _incidents(conn, rule, now, province)
    if rule.per == "site":
        out = []
        for o in queries.active_outages(conn, province=province):
            minutes = (now - o["since"]).total_seconds() / 60 if o["since"] else None
            out.append(Observation(o["site_id"], o["province"], o["unit"], minutes, *judge(rule, minutes),
                                   {"operator": o["operator"], "technology": o["technology"]}))  # fmt: skip
        return out
    cache = {} if cache is None else cache
    slot = (rule.per, rule.window_hours)
    if slot not in cache:  # one query set for every threshold rule with this grouping and window
        same = [r for r in (*rules, rule) if r.kind == "threshold" and (r.per, r.window_hours) == slot]
        keys = {r.indicator for r in same}
        since = now - timedelta(hours=rule.window_hours)
        cache[slot] = queries.facts(conn, sorted(keys), province=province, since=since, until=now, now=now,
                                    cal=cal, by_unit=rule.per == "unit")  # fmt: skip
    out = []
    for unit, facts in cache[slot].items():
        value = ind.compute_values(facts, (rule.indicator,))[rule.indicator]
        if ind.support(rule.indicator, facts) < rule.min_count:
            value = None  # too little data to judge: counts as no data
        subject = unit if rule.per == "unit" else (province or "all")
        out.append(Observation(subject, province or "", unit or None, value, *judge(rule, value)))
    return out


def _sums(conn: Connection, metrics: Sequence[str], buckets: set[int], province: str | None,
          dims: Sequence[str] = ("",)) -> tuple[Sums, dict[str, str]]:  # fmt: skip
    """(unit, metric, bucket) -> sum over a few hour buckets, and each unit's province."""
    r = t.rollups.c
    q = select(r.unit, r.metric, r.bucket, func.max(r.province), func.sum(r.value)).where(
        r.metric.in_(metrics), r.bucket.in_(sorted(buckets)), r.dim.in_(set(dims)),
        *([r.province == province] if province else []))  # fmt: skip
    out: Sums = defaultdict(float)
    provinces = {}
    for unit, metric, bucket, prov, value in conn.execute(q.group_by(r.unit, r.metric, r.bucket)):
        out[(unit, metric, int(bucket))] += value
        provinces[unit] = prov
    return out, provinces


def _window(sums: Sums, unit: str, metrics: Sequence[str], first: int, last: int,
            frac: float, weeks: int) -> tuple[float, float]:  # fmt: skip
    """(count in buckets first..last, mean of those hours in past weeks with the last scaled by ``frac``)."""
    def total(shift: int, scale_last: float) -> float:
        return sum(sums.get((unit, m, b - shift), 0.0) * (scale_last if b == last else 1.0)
                   for m in metrics for b in range(first, last + 1, HOUR))  # fmt: skip
    base = sum(total(k * WEEK, frac) for k in range(1, weeks + 1)) / max(weeks, 1)
    return total(0, 1.0), base


def _surges(conn: Connection, rule: Rule, now: datetime, province: str | None) -> list[Observation]:
    """The metric in the last two hour buckets (the current one partial) against the same past-week hours."""
    last = bucket_of(now)
    frac = (now.timestamp() - last) / HOUR
    buckets = {last - d - k * WEEK for d in (0, HOUR) for k in range(rule.weeks + 1)}
    sums, provinces = _sums(conn, [rule.metric], buckets, province)
    out = []
    for unit in sorted({u for u, _m, b in sums if b >= last - HOUR}):
        current, base = _window(sums, unit, [rule.metric], last - HOUR, last, frac, rule.weeks)
        out.append(Observation(unit, provinces[unit], unit, current, *surge_judge(rule, current, base),
                               {"current": current, "baseline": round(base, 2)}))  # fmt: skip
    return out


def _incidents(conn: Connection, rule: Rule, now: datetime, province: str | None) -> list[Observation]:
    """Units with an outage in the window (or a site still down) and then more feedback or failed dossiers."""
    start, last = now - timedelta(minutes=rule.window_minutes), bucket_of(now)
    first_hour = bucket_of(start)
    frac = (now.timestamp() - last) / HOUR
    hours = range(first_hour, last + 1, HOUR)
    buckets = {b - k * WEEK for b in hours for k in range(rule.weeks + 1)}
    fb, dos = ["fb.received"], ["dos.returned", "dos.late"]
    sums, provinces = _sums(conn, ["site.outages", *fb], buckets, province)
    dossier_sums, dossier_provinces = _sums(conn, dos, buckets, province, (rule.dossier_dim,))
    sums.update(dossier_sums)
    provinces.update(dossier_provinces)
    began: dict[str, int] = {}
    for (unit, metric, b), v in sums.items():
        if metric == "site.outages" and v > 0 and b >= first_hour:
            began[unit] = min(began.get(unit, b), b)
    down = defaultdict(list)
    for o in queries.active_outages(conn, province=province):
        down[o["unit"]].append(o["site_id"])
        provinces[o["unit"]] = o["province"]
        began[o["unit"]] = min(began.get(o["unit"], last), max(bucket_of(o["since"]), first_hour))
    out = []
    for unit, first in sorted(began.items()):
        fb_now, fb_base = _window(sums, unit, fb, first, last, frac, rule.weeks)
        dos_now, dos_base = _window(sums, unit, dos, first, last, frac, rule.weeks)
        fb_bad, fb_clear = surge_judge(replace(rule, min_count=max(rule.min_count, 1)), fb_now, fb_base)
        dos_bad, dos_clear = surge_judge(replace(rule, min_count=rule.min_dossiers), dos_now, dos_base)
        detail = {"sites_down": sorted(down.get(unit, [])), "since": queries._when(first).isoformat(),
                  "feedback": fb_now, "feedback_baseline": round(fb_base, 2), "dossiers": dos_now,
                  "dossiers_baseline": round(dos_base, 2)}  # fmt: skip
        out.append(Observation(unit, provinces[unit], unit, fb_now + dos_now, fb_bad or dos_bad,
                               fb_clear and dos_clear, detail))  # fmt: skip
    return out


def _insert(conn: Connection) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(alerts)


def _row(record: AlertRecord) -> dict[str, Any]:
    row = asdict(record)
    row["detail"] = json.dumps(record.detail, ensure_ascii=False, sort_keys=True)
    row["open_key"] = None if record.state == "cleared" else f"{record.rule}|{record.subject}"
    return row


def _record(row: Any) -> AlertRecord:
    values = {k: v for k, v in row._mapping.items() if k != "open_key"}
    return AlertRecord(**{**values, "detail": json.loads(values["detail"])})


def _save(conn: Connection, before: dict[Key, AlertRecord], after: dict[Key, AlertRecord],
          changes: Sequence[AlertChange]) -> None:  # fmt: skip
    gone = [r.alert_id for k, r in before.items() if k not in after]
    if gone:
        conn.execute(delete(alerts).where(alerts.c.alert_id.in_(gone)))
    rows = [_row(record) for key, record in after.items() if before.get(key) != record]
    if rows:
        stmt = _insert(conn)
        update = {c.name: stmt.excluded[c.name] for c in alerts.c if c.name != "alert_id"}
        conn.execute(stmt.on_conflict_do_update(index_elements=["alert_id"], set_=update), rows)
    if changes:
        conn.execute(alert_log.insert(), [
            {"alert_id": c.alert.alert_id, "at": c.at, "change": c.change, "state": c.alert.state,
             "value": c.alert.value, "actor": c.alert.acknowledged_by if c.change == "acknowledged" else None}
            for c in changes])  # fmt: skip


def open_alerts(
    conn: Connection, *, province: str | None = None, states: Sequence[str] = ("raised", "acknowledged"),
    limit: int | None = None,
) -> list[AlertRecord]:  # fmt: skip
    """Alerts in these states (the wall shows raised and acknowledged), newest first."""
    where = [alerts.c.state.in_(states), *([alerts.c.province == province] if province else [])]
    q = select(alerts).where(*where)
    return [_record(r) for r in conn.execute(q.order_by(alerts.c.updated_at.desc()).limit(limit))]


def acknowledge_alert(conn: Connection, alert_id: str, *, by: str, now: datetime) -> AlertChange | None:
    """Mark a raised alert as acknowledged by someone; None when it is not raised (or unknown)."""
    row = conn.execute(select(alerts).where(alerts.c.alert_id == alert_id)).one_or_none()
    if row is None:
        return None
    record = _record(row)
    acked, change = acknowledge(record, by, now)
    if change is None:
        return None
    result = AlertChange(change, now, acked)
    _save(conn, {(record.rule, record.subject): record}, {(acked.rule, acked.subject): acked}, [result])
    return result


def alert_history(conn: Connection, alert_id: str) -> list[dict[str, Any]]:
    """Every change of one alert, oldest first: at, change, state, value, actor."""
    q = select(alert_log.c.at, alert_log.c.change, alert_log.c.state, alert_log.c.value, alert_log.c.actor)
    q = q.where(alert_log.c.alert_id == alert_id).order_by(alert_log.c.id)
    return [dict(r._mapping) for r in conn.execute(q)]
