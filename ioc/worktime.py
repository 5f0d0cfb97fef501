"""Working time in Asia/Ho_Chi_Minh: office hours Monday to Friday, minus holidays and decided days off.

Every instant maps to a *working clock*: the integer number of working
microseconds from the start of the calendar's first day. Non-working time
(nights, lunch, weekends, holidays) does not move the clock, so adding working
time is clock arithmetic plus one bisect over the sorted working days, and the
cost does not grow with the length of the deadline. See docs/deadlines.md.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from ioc.errors import NaiveDatetime, OutsideCalendar, WorkTimeError

US_PER_HOUR = 3_600_000_000
OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))
EXTRA_DAYS_PATH = Path(__file__).parent / "data" / "holidays_extra.toml"
Sessions = tuple[tuple[time, time], ...]


def _vietnam_tz() -> tzinfo:
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:  # no tz database (e.g. Windows without tzdata): UTC+7, no DST since 1975
        return timezone(timedelta(hours=7), "+07")


VN_TZ = _vietnam_tz()


def _us_of_day(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


@dataclass(frozen=True)
class ExtraDays:
    """Days the government moves by decision: name and source per date."""

    days_off: dict[date, str] = field(default_factory=dict)
    working_days: dict[date, str] = field(default_factory=dict)


def load_extra_days(path: Path = EXTRA_DAYS_PATH) -> ExtraDays:
    """Read the table of decided days off and working days (TOML, see ioc/data/holidays_extra.toml)."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    out = ExtraDays()
    for key, target in (("day_off", out.days_off), ("working_day", out.working_days)):
        for entry in raw.get(key, []):
            d = entry.get("date")
            if not isinstance(d, date) or isinstance(d, datetime) or not entry.get("source"):
                raise WorkTimeError(f"{path}: each [[{key}]] needs a plain date and a source, got {entry!r}")
            target[d] = f"{entry.get('name', '')} ({entry['source']})"
    if clash := out.days_off.keys() & out.working_days.keys():
        raise WorkTimeError(f"{path}: dates both off and working: {sorted(clash)}")
    return out


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """Working days (sorted ordinals over ``first..last``) and the office sessions of each working day."""

    first: date
    last: date
    working_days: tuple[int, ...] = field(repr=False)
    sessions: Sessions = OFFICE_HOURS
    day_us: int = field(init=False, repr=False)
    _sessions_us: tuple[tuple[int, int, int], ...] = field(init=False, repr=False)
    _bounds: tuple[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        spans, before, prev_end = [], 0, 0
        for start, end in self.sessions:
            s, e = _us_of_day(start), _us_of_day(end)
            if not prev_end <= s < e:
                raise WorkTimeError(f"office sessions must be ordered and not overlap: {self.sessions!r}")
            spans.append((s, e, before))
            before, prev_end = before + e - s, e
        if not spans:
            raise WorkTimeError("a working day needs at least one office session")
        object.__setattr__(self, "day_us", before)
        object.__setattr__(self, "_sessions_us", tuple(spans))
        object.__setattr__(self, "_bounds", (self.first.toordinal(), self.last.toordinal()))

    @classmethod
    def build(
        cls,
        first: date,
        last: date,
        days_off: Collection[date] = (),
        weekend_workdays: Collection[date] = (),
        sessions: Sessions = OFFICE_HOURS,
    ) -> WorkCalendar:
        """Monday to Friday over ``first..last``, minus ``days_off``, plus ``weekend_workdays``."""
        off, extra = set(days_off), set(weekend_workdays)
        days = tuple(
            o
            for o in range(first.toordinal(), last.toordinal() + 1)
            if (d := date.fromordinal(o)) not in off and (d.weekday() < 5 or d in extra)
        )
        return cls(first, last, days, sessions)

    @classmethod
    def vietnam(cls, years: range = range(2015, 2036), *, sessions: Sessions = OFFICE_HOURS) -> WorkCalendar:
        """State agencies' calendar: `holidays` VN plus the extra-days table, cached per arguments."""
        if years.step != 1 or not years:
            raise WorkTimeError(f"years must be a non-empty contiguous range, got {years!r}")
        return _vietnam(years.start, years.stop - 1, sessions)

    @property
    def hours_per_day(self) -> float:
        """Working hours in one working day."""
        return self.day_us / US_PER_HOUR

    def to_local(self, at: datetime) -> datetime:
        """``at`` in Asia/Ho_Chi_Minh; a naive datetime is refused."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise NaiveDatetime(f"datetime without a time zone: {at.isoformat()}")
        return at.astimezone(VN_TZ)

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (a datetime counts by its own calendar date)."""
        o = self._ordinal_in_range(d)
        k = bisect_left(self.working_days, o)
        return k < len(self.working_days) and self.working_days[k] == o

    def clock_of(self, at: datetime) -> int:
        """Working microseconds from the calendar's start to ``at``."""
        t = self.to_local(at)
        o = self._ordinal_in_range(t)
        days = self.working_days
        k = bisect_left(days, o)
        base = k * self.day_us
        if k == len(days) or days[k] != o:
            return base
        us = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond
        for s, e, before in self._sessions_us:
            if us <= s:
                return base + before
            if us < e:
                return base + before + us - s
        return base + self.day_us

    def instant_of(self, clock: int) -> datetime:
        """The local instant a working clock reads ``clock``, always inside a working day.

        A clock that sits on a session boundary maps to the end of the working
        day (17:00, not the next morning) or to the start of the afternoon
        (13:00, not 12:00): the latest instant without leaving that working day.
        """
        k, rest = divmod(clock, self.day_us)
        if rest == 0 and k > 0:
            k, rest = k - 1, self.day_us
        if not 0 <= k < len(self.working_days):
            raise OutsideCalendar(f"working time runs outside the calendar {self.first}..{self.last}")
        for s, _e, before in reversed(self._sessions_us):
            if before <= rest:
                d = date.fromordinal(self.working_days[k])
                midnight = datetime(d.year, d.month, d.day, tzinfo=VN_TZ)
                return midnight + timedelta(microseconds=s + rest - before)
        raise AssertionError("unreachable: the first session starts at zero working time")

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """``start`` plus ``hours`` of working time (negative goes back); zero keeps the instant."""
        if hours == 0:
            return self.to_local(start)
        return self.instant_of(self.clock_of(start) + round(hours * US_PER_HOUR))

    def add_working_days(self, start: datetime, days: float) -> datetime:
        """``start`` plus ``days`` working days; a start after hours counts from the next working morning."""
        if days == 0:
            return self.to_local(start)
        return self.instant_of(self.clock_of(start) + round(days * self.day_us))

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Working hours from ``a`` to ``b`` (negative if ``b`` is before ``a``)."""
        return (self.clock_of(b) - self.clock_of(a)) / US_PER_HOUR

    def _ordinal_in_range(self, d: date) -> int:
        o = d.toordinal()
        if not self._bounds[0] <= o <= self._bounds[1]:
            raise OutsideCalendar(f"{d.isoformat()} is outside the calendar {self.first}..{self.last}")
        return o


@cache
def _vietnam(first_year: int, last_year: int, sessions: Sessions) -> WorkCalendar:
    vn = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    extra = load_extra_days()
    days_off = (set(vn.keys()) - extra.working_days.keys()) | extra.days_off.keys()
    weekend_workdays = (set(vn.weekend_workdays) | extra.working_days.keys()) - extra.days_off.keys()
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    return WorkCalendar.build(first, last, days_off, weekend_workdays, sessions)
