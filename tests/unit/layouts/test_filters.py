"""Time ranges and filters as the pages name them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ioc.i18n import TZ
from layouts.context import parse_slides, thresholds
from layouts.filters import filters, window

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # 16:30 in Hà Nội


def test_today_starts_at_local_midnight() -> None:
    w = window("today", NOW)
    assert w.since == datetime(2026, 11, 20, 0, 0, tzinfo=TZ)
    assert w.until == NOW and w.step == "hour"


@pytest.mark.parametrize(("key", "days", "step"), [("7d", 7, "day"), ("30d", 30, "day")])
def test_rolling_ranges(key: str, days: int, step: str) -> None:
    w = window(key, NOW)
    assert (w.since, w.until, w.step) == (NOW - timedelta(days=days), NOW, step)


def test_custom_range_covers_whole_local_days_and_stops_at_now() -> None:
    w = window("custom", NOW, "2026-11-18", "2026-11-20")
    assert w.since == datetime(2026, 11, 18, tzinfo=TZ) and w.until == NOW


@pytest.mark.parametrize(("start", "end"), [(None, None), ("not a date", None), ("", "2026-11-01")])
def test_custom_range_without_a_usable_start_falls_back_to_today(start: str | None, end: str | None) -> None:
    assert window("custom", NOW, start, end).key == "today"


def test_custom_range_with_the_end_before_the_start_is_one_day() -> None:
    w = window("custom", NOW, "2026-11-10", "2026-11-01")
    assert w.until - w.since == timedelta(days=1)


@pytest.mark.parametrize("key", [None, "", "1y", "today"])
def test_unknown_range_is_today(key: str | None) -> None:
    assert window(key, NOW).key == "today"


def test_empty_filter_values_mean_no_filter() -> None:
    f = filters("7d", NOW, sector="", category=None, unit="")
    assert (f.sector, f.category, f.unit) == (None, None, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("600", {"feedback": 600.0, "dossier": 600.0, "infra": 600.0}),
        ("feedback=1800,infra=300", {"feedback": 1800.0, "dossier": 90.0, "infra": 300.0}),
        ("", {"feedback": 90.0, "dossier": 90.0, "infra": 90.0}),
    ],
)
def test_stream_thresholds_one_for_all_or_per_stream(value: str, expected: dict[str, float]) -> None:
    assert thresholds(value, 90) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("map:30,overview:20", [("map", 30.0), ("overview", 20.0)]),
        ("map:1", [("map", 2.0)]),  # shortest slide: 2 s
        ("map,infra:abc,nonsense:5,feedback:7.5", [("map", 20.0), ("feedback", 7.5)]),
    ],
)
def test_slide_plans_from_the_url(text: str, expected: list[tuple[str, float]]) -> None:
    assert parse_slides(text) == expected


def test_an_unusable_slide_plan_falls_back_to_the_setting() -> None:
    assert parse_slides("bogus", "map:9") == [("map", 9.0)]
    assert [name for name, _ in parse_slides(None)] == ["overview", "map", "dossiers", "feedback", "infra"]
