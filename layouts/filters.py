"""The filters a page applies: time range, sector, category and unit, as one plain value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from ioc.i18n import TZ

RangeKey = Literal["today", "7d", "30d", "custom"]
RANGES: tuple[RangeKey, ...] = ("today", "7d", "30d", "custom")
Step = Literal["hour", "day"]
MAX_CUSTOM_DAYS = 366


@dataclass(frozen=True)
class Window:
    """A time range [since, until) and the bucket its trend charts use."""

    key: RangeKey
    since: datetime
    until: datetime

    @property
    def step(self) -> Step:
        """Hourly buckets up to two days, daily beyond."""
        return "hour" if self.until - self.since <= timedelta(days=2) else "day"


@dataclass(frozen=True)
class Filters:
    """Everything that narrows the data on a page."""

    window: Window
    sector: str | None = None
    category: str | None = None
    unit: str | None = None


def _day(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def window(
    key: str | None, now: datetime, start: str | date | None = None, end: str | date | None = None
) -> Window:
    """The range a filter names: today (since local midnight), the last 7 or 30 days, or custom days."""
    local = now.astimezone(TZ)
    midnight = datetime.combine(local.date(), time(0), TZ)
    if key == "7d":
        return Window("7d", now - timedelta(days=7), now)
    if key == "30d":
        return Window("30d", now - timedelta(days=30), now)
    if key == "custom":
        first, last = _day(start), _day(end)
        if first is not None:
            last = last if last is not None and last >= first else first
            last = min(last, first + timedelta(days=MAX_CUSTOM_DAYS))
            since = datetime.combine(first, time(0), TZ)
            until = min(datetime.combine(last + timedelta(days=1), time(0), TZ), now)
            if until > since:
                return Window("custom", since, until)
    return Window("today", midnight, now)


def filters(
    key: str | None,
    now: datetime,
    *,
    start: str | None = None,
    end: str | None = None,
    sector: str | None = None,
    category: str | None = None,
    unit: str | None = None,
) -> Filters:
    """Filters from the raw values of a page's controls."""
    return Filters(window(key, now, start, end), sector or None, category or None, unit or None)
