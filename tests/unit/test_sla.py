"""Deadlines with supplement waits and extensions, and SLA classification at the boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ioc.errors import IocError, NaiveDatetime, WorkTimeError
from ioc.sla import (
    IN_TIME,
    LABELS,
    Pause,
    classify_finished,
    classify_open,
    due_at,
    feedback_due_at,
    paused_working_hours,
)
from ioc.worktime import VN_TZ, WorkCalendar

CAL = WorkCalendar.vietnam()
MON = datetime(2025, 3, 3, 9, tzinfo=VN_TZ)  # Monday 3 March 2025, 09:00; no holiday for weeks


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    """A local Vietnam time."""
    return datetime(y, mo, d, h, mi, s, us, tzinfo=VN_TZ)


WAIT = (vn(2025, 3, 4, 9), vn(2025, 3, 6, 9))  # Tuesday 09:00 to Thursday 09:00: two working days
INSIDE_WAIT = (vn(2025, 3, 5, 9), vn(2025, 3, 5, 17))


@pytest.mark.parametrize(
    "received, days, pauses, extension, expected",
    [
        (MON, 5, [], 0, vn(2025, 3, 10, 9)),
        (MON, 5, [WAIT], 0, vn(2025, 3, 12, 9)),  # a 2-day wait
        (MON, 5, [(vn(2025, 3, 7, 15), vn(2025, 3, 10, 11))], 0, vn(2025, 3, 10, 15)),  # over a weekend: 5 h
        (MON, 5, [WAIT, INSIDE_WAIT], 0, vn(2025, 3, 12, 9)),  # overlap counts once
        (MON, 5, [(vn(2025, 2, 28, 9), vn(2025, 3, 3, 10))], 0, vn(2025, 3, 10, 10)),  # before receipt: 1 h
        (MON, 1, [(vn(2025, 3, 5, 9), vn(2025, 3, 6, 9))], 0, vn(2025, 3, 4, 9)),  # after the clock ran out
        (MON, 5, [], 2, vn(2025, 3, 12, 9)),  # extension of 2 working days
        (MON, 5, [WAIT], 2, vn(2025, 3, 14, 9)),
        (MON, 5, [(vn(2025, 3, 11, 9), vn(2025, 3, 12, 9))], 3, vn(2025, 3, 14, 9)),  # in the extension
        (vn(2025, 1, 24, 17, 30), 3, [], 0, vn(2025, 2, 5, 17)),  # after hours before Tết 2025
        (vn(2026, 2, 12, 10), 10, [], 0, vn(2026, 3, 5, 10)),  # across Tết 2026
        (vn(2026, 2, 12, 10), 3, [(vn(2026, 2, 13, 10), vn(2026, 2, 23, 10))], 0, vn(2026, 2, 25, 10)),
    ],
)
def test_due_at(
    received: datetime, days: float, pauses: list[Pause], extension: float, expected: datetime
) -> None:
    assert due_at(CAL, received, days, pauses=pauses, extension_days=extension) == expected


def test_open_wait_runs_until_now() -> None:
    pauses = [(vn(2025, 3, 4, 9), None)]
    assert due_at(CAL, MON, 5, pauses=pauses, now=vn(2025, 3, 5, 9)) == vn(2025, 3, 11, 9)
    assert due_at(CAL, MON, 5, pauses=pauses, now=vn(2025, 3, 4, 8)) == vn(2025, 3, 10, 9)  # not begun yet


def test_open_wait_without_now_is_refused() -> None:
    with pytest.raises(WorkTimeError, match="now"):
        due_at(CAL, MON, 5, pauses=[(vn(2025, 3, 4, 9), None)])


def test_paused_working_hours_counts_overlaps_once() -> None:
    pauses: list[tuple[datetime, datetime | None]] = [
        (vn(2025, 3, 4, 9), vn(2025, 3, 6, 9)),
        (vn(2025, 3, 5, 9), vn(2025, 3, 7, 9)),
        (vn(2025, 3, 8), None),
    ]
    assert paused_working_hours(CAL, pauses, now=vn(2025, 3, 10, 10)) == 24 + 2
    assert paused_working_hours(CAL, pauses[:2], since=vn(2025, 3, 6, 9)) == 8


@pytest.mark.parametrize(
    "category, expected",
    [
        ("traffic", vn(2025, 3, 12, 9)),  # 7 working days
        ("land", vn(2025, 3, 24, 9)),  # 15 working days
        ("unknown", vn(2025, 3, 17, 9)),  # default 10
        (None, vn(2025, 3, 17, 9)),
    ],
)
def test_feedback_due_at_by_category(category: str | None, expected: datetime) -> None:
    assert feedback_due_at(CAL, MON, category, {"traffic": 7, "land": 15}) == expected


DUE = vn(2025, 3, 12, 9)


@pytest.mark.parametrize(
    "finished, outcome",
    [
        (vn(2025, 3, 11, 16), "early"),  # an earlier working day
        (vn(2025, 3, 12, 7), "on_time"),  # the due day, before office hours
        (vn(2025, 3, 12, 8, 30), "on_time"),
        (DUE, "on_time"),  # exactly at the due time
        (vn(2025, 3, 12, 9, 0, 0, 1), "late"),
        (vn(2025, 3, 13, 8), "late"),
        (datetime(2025, 3, 11, 20, tzinfo=UTC), "on_time"),  # Wed 03:00 local: the local date counts
        (datetime(2025, 3, 11, 8, tzinfo=UTC), "early"),
    ],
)
def test_classify_finished(finished: datetime, outcome: str) -> None:
    assert classify_finished(CAL, DUE, finished) == outcome


def test_finishing_after_hours_on_the_due_day_is_late() -> None:
    assert classify_finished(CAL, vn(2025, 3, 12, 17), vn(2025, 3, 12, 17, 30)) == "late"


END_OF_THURSDAY = vn(2025, 3, 6, 17)


@pytest.mark.parametrize(
    "due, now, soon, status",
    [
        (END_OF_THURSDAY, vn(2025, 3, 1, 10), 24, "on_track"),  # Saturday: 32 h left
        (END_OF_THURSDAY, vn(2025, 3, 3, 16, 59), 24, "on_track"),  # 24 h 1 min left
        (END_OF_THURSDAY, vn(2025, 3, 3, 17), 24, "due_soon"),  # exactly 24 working hours
        (END_OF_THURSDAY, vn(2025, 3, 3, 18), 24, "due_soon"),  # evening: still 24 h
        (END_OF_THURSDAY, END_OF_THURSDAY, 24, "due_soon"),  # at the due time: not yet overdue
        (END_OF_THURSDAY, vn(2025, 3, 6, 17, 0, 1), 24, "overdue"),
        (END_OF_THURSDAY, vn(2025, 3, 5, 17), 8, "due_soon"),
        (END_OF_THURSDAY, vn(2025, 3, 5, 16), 8, "on_track"),
        (vn(2025, 2, 4, 10), vn(2025, 1, 23, 9), 24, "on_track"),  # 25 h left across Tết 2025
        (vn(2025, 2, 4, 10), vn(2025, 1, 23, 10), 24, "due_soon"),  # 24 h left across Tết 2025
        (vn(2025, 2, 4, 10), vn(2025, 1, 24, 10), 24, "due_soon"),  # 16 h left
    ],
)
def test_classify_open(due: datetime, now: datetime, soon: float, status: str) -> None:
    assert classify_open(CAL, due, now, soon_hours=soon) == status


@pytest.mark.parametrize(
    "call",
    [
        lambda: due_at(CAL, datetime(2025, 3, 3, 9), 5),
        lambda: due_at(CAL, MON, 5, pauses=[(datetime(2025, 3, 4, 9), vn(2025, 3, 5, 9))]),
        lambda: classify_finished(CAL, DUE, datetime(2025, 3, 12, 8)),
        lambda: classify_open(CAL, datetime(2025, 3, 12, 8), MON),
        lambda: feedback_due_at(CAL, datetime(2025, 3, 3, 9), "traffic", {}),
    ],
)
def test_naive_datetime_is_refused(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NaiveDatetime) as info:
        call()
    assert isinstance(info.value, IocError)


def test_due_time_is_local_whatever_zone_comes_in() -> None:
    got = due_at(CAL, MON.astimezone(timezone(timedelta(hours=-5))), 5)
    assert got == vn(2025, 3, 10, 9) and got.tzinfo is VN_TZ


def test_every_class_has_both_labels() -> None:
    assert set(LABELS) == {"early", "on_time", "late", "on_track", "due_soon", "overdue"}
    assert LABELS["on_time"] == ("Đúng hạn", "On time") and LABELS["due_soon"][0] == "Sắp đến hạn"
    assert IN_TIME == {"early", "on_time"}
