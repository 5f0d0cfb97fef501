"""Working calendar: Vietnamese holidays, decided days, office hours, clock arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ioc.errors import IocError, NaiveDatetime, OutsideCalendar, WorkTimeError
from ioc.worktime import VN_TZ, WorkCalendar, load_extra_days

CAL = WorkCalendar.vietnam()


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    """A local Vietnam time."""
    return datetime(y, mo, d, h, mi, s, us, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2025, 3, 7), True),  # ordinary Friday
        (date(2025, 3, 8), False),  # Saturday
        (date(2024, 2, 8), False),  # Tết 2024: 29 Tết ...
        (date(2024, 2, 14), False),  # ... to mùng 5
        (date(2024, 2, 15), True),
        (date(2024, 4, 29), False),  # 30/4 2024 swap: Monday off ...
        (date(2024, 5, 4), True),  # ... Saturday worked (2450/VPCP-KGVX)
        (date(2025, 1, 24), True),
        (date(2025, 1, 27), False),  # Tết 2025: Mon 27 ...
        (date(2025, 1, 31), False),  # ... to Fri 31 January
        (date(2025, 2, 3), True),
        (date(2025, 4, 26), True),  # Saturday worked for Friday 2 May 2025
        (date(2025, 5, 2), False),
        (date(2025, 9, 1), False),  # National Day, adjacent day
        (date(2026, 1, 2), False),  # New Year 2026 swap (extra table, 12729/VPCP-KGVX)
        (date(2026, 1, 10), True),  # ... Saturday worked instead
        (date(2026, 2, 16), False),  # Tết 2026: Mon 16 ...
        (date(2026, 2, 20), False),  # ... to Fri 20 February
        (date(2026, 2, 23), True),
        (date(2026, 4, 27), False),  # Hùng Kings' day on Sunday 26/4: compensatory Monday
        (date(2026, 8, 22), True),  # Saturday worked for Monday 31 August 2026
        (date(2026, 8, 31), False),
        (date(2026, 9, 2), False),
    ],
)
def test_is_working_day_follows_vietnam_calendar(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (vn(2025, 3, 7, 10), 1, vn(2025, 3, 10, 10)),  # Friday to Monday over a weekend
        (vn(2025, 3, 6, 15), 2, vn(2025, 3, 10, 15)),
        (vn(2025, 3, 3, 18, 30), 1, vn(2025, 3, 4, 17)),  # after hours: counts from next morning
        (vn(2025, 3, 3, 7), 1, vn(2025, 3, 3, 17)),  # before hours: the whole day counts
        (vn(2025, 3, 8, 9), 2, vn(2025, 3, 11, 17)),  # received on Saturday
        (vn(2025, 3, 3, 12, 30), 1, vn(2025, 3, 4, 13)),  # received at lunch
        (vn(2025, 3, 3, 10), 0.5, vn(2025, 3, 3, 15)),
        (vn(2025, 3, 3, 8), 0.5, vn(2025, 3, 3, 13)),  # a boundary lands at the afternoon start
        (vn(2025, 1, 24, 10), 1, vn(2025, 2, 3, 10)),  # Tết 2025
        (vn(2025, 1, 23, 9), 5, vn(2025, 2, 6, 9)),
        (vn(2024, 2, 7, 10), 1, vn(2024, 2, 15, 10)),  # Tết 2024
        (vn(2026, 2, 13, 14), 1, vn(2026, 2, 23, 14)),  # Tết 2026
        (vn(2026, 2, 11, 8), 5, vn(2026, 2, 24, 17)),
        (vn(2026, 4, 24, 10), 1, vn(2026, 4, 28, 10)),  # compensatory Monday 27/4/2026
        (vn(2026, 4, 24, 10), 3, vn(2026, 5, 4, 10)),  # ... then 30/4 and 1/5
        (vn(2025, 4, 25, 10), 1, vn(2025, 4, 26, 10)),  # swapped working Saturday
        (vn(2025, 4, 25, 10), 4, vn(2025, 5, 5, 10)),
        (vn(2025, 12, 31, 10), 1, vn(2026, 1, 5, 10)),  # 1/1 and the decided 2/1/2026
        (vn(2026, 1, 9, 10), 1, vn(2026, 1, 10, 10)),
        (vn(2026, 8, 28, 10), 1, vn(2026, 9, 3, 10)),  # 31/8 swapped, 1-2/9 National Day
        (datetime(2025, 3, 3, 2, tzinfo=UTC), 1, vn(2025, 3, 4, 9)),  # 09:00 local
        (datetime(2025, 3, 2, 20, tzinfo=UTC), 1, vn(2025, 3, 3, 17)),  # Mon 03:00 local
    ],
)
def test_add_working_days(start: datetime, days: float, expected: datetime) -> None:
    got = CAL.add_working_days(start, days)
    assert got == expected and got.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "start, hours, expected",
    [
        (vn(2025, 3, 3, 10), 3, vn(2025, 3, 3, 14)),  # lunch 12:00-13:00 skipped
        (vn(2025, 3, 3, 16), 2, vn(2025, 3, 4, 9)),
        (vn(2025, 3, 4, 10), -8, vn(2025, 3, 3, 10)),
        (vn(2025, 3, 4, 9), -2, vn(2025, 3, 3, 16)),
        (vn(2025, 3, 3, 18), 0, vn(2025, 3, 3, 18)),  # zero leaves the start alone
        (vn(2025, 3, 3, 8), 8, vn(2025, 3, 3, 17)),  # end of day, not next morning
    ],
)
def test_add_working_hours(start: datetime, hours: float, expected: datetime) -> None:
    assert CAL.add_working_hours(start, hours) == expected


@pytest.mark.parametrize(
    "a, b, hours",
    [
        (vn(2025, 3, 7, 10), vn(2025, 3, 10, 10), 8.0),
        (vn(2025, 3, 3, 11), vn(2025, 3, 3, 14), 2.0),
        (vn(2025, 1, 24, 16), vn(2025, 2, 3, 9), 2.0),  # across Tết 2025
        (vn(2025, 2, 3, 9), vn(2025, 1, 24, 16), -2.0),
        (vn(2025, 3, 8, 9), vn(2025, 3, 9, 15), 0.0),  # a weekend holds no working time
    ],
)
def test_working_hours_between(a: datetime, b: datetime, hours: float) -> None:
    assert CAL.working_hours_between(a, b) == hours


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.add_working_days(datetime(2025, 3, 3, 9), 1),
        lambda: CAL.add_working_hours(datetime(2025, 3, 3, 9), 1),
        lambda: CAL.working_hours_between(vn(2025, 3, 3, 9), datetime(2025, 3, 4, 9)),
    ],
)
def test_naive_datetime_is_refused(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NaiveDatetime, match="without a time zone") as info:
        call()
    assert isinstance(info.value, IocError)


def test_dates_outside_the_calendar_are_refused() -> None:
    with pytest.raises(OutsideCalendar):
        CAL.is_working_day(date(2040, 1, 2))
    with pytest.raises(OutsideCalendar):
        CAL.add_working_days(vn(2035, 12, 20, 9), 30)


def test_vietnam_calendar_is_cached() -> None:
    assert WorkCalendar.vietnam() is CAL
    assert WorkCalendar.vietnam(range(2024, 2027)).is_working_day(date(2026, 1, 10))


def test_custom_office_sessions() -> None:
    sessions = ((time(7, 30), time(11, 30)), (time(13, 30), time(17)))
    cal = WorkCalendar.vietnam(sessions=sessions)
    assert cal.hours_per_day == 7.5
    assert cal.add_working_hours(vn(2025, 3, 3, 11), 1) == vn(2025, 3, 3, 14)
    with pytest.raises(WorkTimeError):
        WorkCalendar.build(date(2025, 1, 1), date(2025, 12, 31), sessions=((time(13), time(12)),))


def test_extra_table_lists_decided_days_with_sources() -> None:
    extra = load_extra_days()
    assert set(extra.days_off) == {date(2026, 1, 2)}
    assert set(extra.working_days) == {date(2026, 1, 10)}
    assert all("12729/VPCP-KGVX" in text for text in [*extra.days_off.values(), *extra.working_days.values()])


def test_extra_table_only_holds_days_the_package_lacks() -> None:
    extra = load_extra_days()
    package = holidays.country_holidays("VN", years=range(2015, 2036))
    assert not extra.days_off.keys() & set(package.keys())
    assert not extra.working_days.keys() & set(package.weekend_workdays)


def test_extra_table_without_source_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "extra.toml"
    path.write_text('[[day_off]]\ndate = 2027-01-04\nname = "guess"\n', encoding="utf-8")
    with pytest.raises(WorkTimeError, match="source"):
        load_extra_days(path)


starts = st.datetimes(
    min_value=datetime(2016, 1, 1),
    max_value=datetime(2033, 12, 31),
    timezones=st.sampled_from([VN_TZ, UTC, timezone(timedelta(hours=-5))]),
)
spans = st.floats(min_value=-2000, max_value=2000, allow_nan=False)


@given(start=starts, hours=spans)
def test_add_then_measure_round_trips(start: datetime, hours: float) -> None:
    end = CAL.add_working_hours(start, hours)
    assert CAL.working_hours_between(start, end) == pytest.approx(hours, abs=1e-9)
    if hours != 0:
        local = end.timetz()
        assert CAL.is_working_day(end.date())
        assert time(8) <= local.replace(tzinfo=None) <= time(17)
        assert not time(12) < local.replace(tzinfo=None) < time(13)


@given(a=starts, b=starts, c=starts)
def test_working_hours_are_additive_and_monotone(a: datetime, b: datetime, c: datetime) -> None:
    ab, bc, ac = (CAL.working_hours_between(x, y) for x, y in ((a, b), (b, c), (a, c)))
    assert ab + bc == pytest.approx(ac, abs=1e-9)
    assert ab >= 0 if a <= b else ab <= 0
