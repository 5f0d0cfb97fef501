"""What each event and each current state adds to the hourly rollups.

A rollup row is ``(province, unit, bucket, metric, dim) -> value``, ``bucket`` the
UTC epoch second of the hour. Two kinds of contribution keep rollups equal to a
recompute from raw events, in any arrival order:

- *event* contributions, added once per newly stored event (dedup by event id);
- *state* contributions, applied as the difference between an entity's state
  before and after a batch, so a late event that changes a dossier's outcome
  moves its count from one bucket to the other.

The daily rollups hold the same contributions summed per Asia/Ho_Chi_Minh day
(``by_day``), for reading long ranges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from ioc import events as ev
from ioc.state import DossierState, EntityState, FeedbackState, SiteState
from ioc.worktime import WorkCalendar

RollupKey = tuple[str, str, int, str, str]  # province, unit, bucket, metric, dim
Contributions = dict[RollupKey, float]
HOUR = 3600
DAY = 86400
LOCAL_OFFSET = 7 * HOUR  # Asia/Ho_Chi_Minh is UTC+7 all year: local days start at 17:00 UTC


def bucket_of(at: datetime) -> int:
    """The hour bucket (UTC epoch seconds) an instant falls in."""
    ts = int(at.timestamp())
    return ts - ts % HOUR


def day_of(bucket: int) -> int:
    """The Asia/Ho_Chi_Minh day (UTC epoch seconds of its start) an hour bucket falls in."""
    return (bucket + LOCAL_OFFSET) // DAY * DAY - LOCAL_OFFSET


def by_day(contributions: Mapping[RollupKey, float]) -> Contributions:
    """Hourly contributions summed per local day: what the daily rollups hold."""
    out: Contributions = {}
    get = out.get
    for (province, unit, bucket, metric, dim), value in contributions.items():
        key = (province, unit, day_of(bucket), metric, dim)
        out[key] = get(key, 0) + value
    return out


def event_contributions(event: ev.Event, province: str, unit: str) -> Contributions:
    """What one newly stored event adds, whatever state it leads to."""
    b = bucket_of(event.occurred_at)
    out: Contributions = {(province, unit, b, f"events.{event.family}", ""): 1}
    if isinstance(event, ev.SiteMetrics):
        out[(province, unit, b, "site.metrics_n", "")] = 1
        out[(province, unit, b, "site.users_sum", "")] = event.active_users
        out[(province, unit, b, "site.throughput_sum", "")] = event.throughput_mbps
        out[(province, unit, b, "site.latency_sum", "")] = event.latency_ms
    elif isinstance(event, ev.AlarmRaised):
        out[(province, unit, b, "site.alarms", event.severity)] = 1
    return out


def state_contributions(state: EntityState | None, cal: WorkCalendar) -> Contributions:
    """What one entity's current state adds to the rollups."""
    out: Contributions = {}
    if state is None or not state.unit:
        return out
    if isinstance(state, FeedbackState):
        _feedback(state, out, cal)
    elif isinstance(state, DossierState):
        _dossier(state, out, cal)
    elif isinstance(state, SiteState):
        _site(state, out)
    return out


def accumulate(into: Contributions, other: Mapping[RollupKey, float], sign: float = 1) -> None:
    """Add ``sign * other`` into ``into``, in place."""
    get = into.get
    for key, value in other.items():
        into[key] = get(key, 0) + sign * value


def diff(before: Contributions, after: Contributions) -> Contributions:
    """after - before, keeping negative values and dropping zeros."""
    if before == after:
        return {}
    out = dict(after)
    accumulate(out, before, -1)
    return {k: v for k, v in out.items() if v}


def _add(
    out: Contributions, s: EntityState, at: datetime, metric: str, dims: Iterable[str], value: float = 1
) -> None:
    b = bucket_of(at)
    for dim in ("", *dims):
        key = (s.province, s.unit, b, metric, dim)
        out[key] = out.get(key, 0) + value


def _feedback(s: FeedbackState, out: Contributions, cal: WorkCalendar) -> None:
    dims = [f"category:{s.category}"] if s.category else []
    if s.received_at is not None:
        _add(out, s, s.received_at, "fb.received", [*dims, f"channel:{s.channel}"])
    if s.status in ("rejected", "duplicate") and s.last_at is not None:
        _add(out, s, s.last_at, f"fb.{s.status}", dims)
    if s.answered_at is not None and s.status not in ("rejected", "duplicate"):
        _add(out, s, s.answered_at, "fb.resolved", dims)
        if s.outcome in ("early", "on_time"):
            _add(out, s, s.answered_at, "fb.resolved_on_time", dims)
        if s.received_at is not None:
            hours = max(cal.working_hours_between(s.received_at, s.answered_at), 0.0)
            _add(out, s, s.answered_at, "fb.answer_hours", dims, hours)
    if s.closed_at is not None and s.satisfaction is not None:
        _add(out, s, s.closed_at, "fb.rated", dims)
        _add(out, s, s.closed_at, "fb.rating_sum", dims, s.satisfaction)
        if s.satisfaction >= 4:
            _add(out, s, s.closed_at, "fb.satisfied", dims)


def _dossier(s: DossierState, out: Contributions, cal: WorkCalendar) -> None:
    dims = [f"sector:{s.sector}", f"agency:{s.agency}"] if s.sector else []
    if s.received_at is not None:
        _add(out, s, s.received_at, "dos.received", dims)
        if s.channel == "online":
            _add(out, s, s.received_at, "dos.received_online", dims)
        if s.full_online:
            _add(out, s, s.received_at, "dos.full_online", dims)
    if s.finished_at is None:
        return
    if s.status == "returned":
        _add(out, s, s.finished_at, "dos.returned", dims)
        return
    _add(out, s, s.finished_at, "dos.completed", dims)
    if s.outcome:
        _add(out, s, s.finished_at, f"dos.{s.outcome}", dims)
    if s.has_fee:
        _add(out, s, s.finished_at, "dos.fee", dims)
        if s.paid_online:
            _add(out, s, s.finished_at, "dos.paid_online", dims)
    if s.digitised:
        _add(out, s, s.finished_at, "dos.digitised", dims)
    if s.received_at is not None:
        paused = sum(cal.working_hours_between(a, b) for a, b in s.pauses if a is not None and b is not None)
        hours = max(cal.working_hours_between(s.received_at, s.finished_at) - paused, 0.0)
        _add(out, s, s.finished_at, "dos.work_hours", dims, hours)


def _site(s: SiteState, out: Contributions) -> None:
    """Closed outages: count at start, down minutes split by hour, restore time at the end."""
    for (start, status), (end, _next) in zip(s.transitions, s.transitions[1:], strict=False):
        if status != "down":
            continue
        _add(out, s, start, "site.outages", [])
        _add(out, s, end, "site.restored", [])
        _add(out, s, end, "site.restore_minutes", [], (end - start).total_seconds() / 60)
        for b, minutes in split_by_hour(start, end):
            key = (s.province, s.unit, b, "site.down_minutes", "")
            out[key] = out.get(key, 0) + minutes
    if s.transitions and s.transitions[-1][1] == "down":
        _add(out, s, s.transitions[-1][0], "site.outages", [])


def split_by_hour(start: datetime, end: datetime) -> list[tuple[int, float]]:
    """Minutes of [start, end) in each hour bucket."""
    pieces = []
    t = start
    while t < end:
        b = bucket_of(t)
        nxt = min(end, datetime.fromtimestamp(b + HOUR, tz=t.tzinfo) if t.tzinfo else t + timedelta(hours=1))
        pieces.append((b, (nxt - t).total_seconds() / 60))
        t = nxt
    return pieces
