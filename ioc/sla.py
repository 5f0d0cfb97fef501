"""Deadlines of dossiers and feedback in working time, and the SLA class of every item.

Pure functions over a ``WorkCalendar`` and aware datetimes; the rules are in
docs/deadlines.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Literal

from ioc.errors import WorkTimeError
from ioc.worktime import US_PER_HOUR, WorkCalendar

Outcome = Literal["early", "on_time", "late"]
OpenStatus = Literal["on_track", "due_soon", "overdue"]
Pause = tuple[datetime, datetime | None]

# (Vietnamese, English) label of each outcome and open status.
LABELS: dict[str, tuple[str, str]] = {
    "early": ("Trước hạn", "Before deadline"),
    "on_time": ("Đúng hạn", "On time"),
    "late": ("Trễ hạn", "Late"),
    "on_track": ("Trong hạn", "On track"),
    "due_soon": ("Sắp đến hạn", "Due soon"),
    "overdue": ("Quá hạn", "Overdue"),
}

# Finished items that count as "giải quyết đúng hạn" in the 766 index.
IN_TIME: frozenset[str] = frozenset({"early", "on_time"})


def due_at(
    cal: WorkCalendar,
    received_at: datetime,
    working_days: float,
    *,
    pauses: Sequence[Pause] = (),
    extension_days: float = 0,
    now: datetime | None = None,
) -> datetime:
    """When a dossier falls due: working days plus extensions from receipt, pushed back by supplement waits.

    Parameters
    ----------
    pauses
        ``(start, end)`` waits for the citizen's supplements. Overlaps count
        once, time before receipt is ignored, and a wait that starts after the
        clock has already run out does not stop it. ``end=None`` is a wait
        still open: it is taken to end at ``now`` (required then), so the
        result is the earliest the item can fall due and moves later while
        the wait lasts.
    extension_days
        Working days granted by extensions (gia hạn), added to the statutory time.
    """
    start = cal.clock_of(received_at)
    due = start + round((working_days + extension_days) * cal.day_us)
    if pauses:
        for pause_start, pause_end in _merged(_spans(cal, start, pauses, now)):
            if pause_start > due:
                break
            due += pause_end - pause_start
    if due == start:
        return cal.to_local(received_at)
    return cal.instant_of(due)


def paused_working_hours(
    cal: WorkCalendar, pauses: Sequence[Pause], *, since: datetime | None = None, now: datetime | None = None
) -> float:
    """Working hours spent waiting for supplements, overlaps counted once (from ``since`` if given)."""
    floor = cal.clock_of(since) if since is not None else 0
    return sum(e - s for s, e in _merged(_spans(cal, floor, pauses, now))) / US_PER_HOUR


def feedback_due_at(
    cal: WorkCalendar,
    received_at: datetime,
    category: str | None,
    days_by_category: Mapping[str, float],
    default_days: float = 10,
    *,
    extension_days: float = 0,
) -> datetime:
    """When feedback falls due: the category's configured working days (or ``default_days``) from receipt."""
    days = days_by_category.get(category, default_days) if category is not None else default_days
    return due_at(cal, received_at, days, extension_days=extension_days)


def classify_finished(cal: WorkCalendar, due: datetime, finished: datetime) -> Outcome:
    """Late after ``due``; on time on the due day itself; early on an earlier day (local dates)."""
    d, f = cal.to_local(due), cal.to_local(finished)
    if f > d:
        return "late"
    return "on_time" if f.date() == d.date() else "early"


def classify_open(cal: WorkCalendar, due: datetime, now: datetime, *, soon_hours: float = 24) -> OpenStatus:
    """Overdue after ``due``; due soon within ``soon_hours`` working hours (inclusive); else on track."""
    if cal.to_local(now) > cal.to_local(due):
        return "overdue"
    if cal.clock_of(due) - cal.clock_of(now) <= round(soon_hours * US_PER_HOUR):
        return "due_soon"
    return "on_track"


def _spans(
    cal: WorkCalendar, floor: int, pauses: Iterable[Pause], now: datetime | None
) -> list[tuple[int, int]]:
    spans = []
    for pause_start, pause_end in pauses:
        if pause_end is None:
            if now is None:
                raise WorkTimeError("an open supplement wait (end None) needs `now` to compute a due time")
            pause_end = now
        s, e = max(cal.clock_of(pause_start), floor), cal.clock_of(pause_end)
        if e > s:
            spans.append((s, e))
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
