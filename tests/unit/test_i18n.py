"""Message catalogues and formatting per language: Vietnamese by default, English a switch away."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.numbers import format_decimal

from ioc.i18n import DASH, LANGUAGES, Messages, catalogue, decimal_text, language, placeholders

LAYOUTS = Path(__file__).resolve().parents[2] / "layouts"


def test_catalogues_have_the_same_keys() -> None:
    assert set(catalogue("vi")) == set(catalogue("en"))


@pytest.mark.parametrize("key", sorted(catalogue("vi")))
def test_every_message_has_the_same_placeholders_in_both_languages(key: str) -> None:
    assert placeholders(catalogue("vi")[key]) == placeholders(catalogue("en")[key])


def test_every_key_the_layouts_ask_for_is_in_the_catalogues() -> None:
    keys = set()
    for path in LAYOUTS.glob("*.py"):
        keys |= set(re.findall(r'\btr\("([a-z_]+\.[a-z_0-9.]+)"', path.read_text()))
    assert keys, "found no tr(...) calls: did the layouts move?"
    assert sorted(k for k in keys if k not in catalogue("vi")) == []


def test_layouts_spell_no_vietnamese_labels_themselves() -> None:
    """Strings live in the catalogues: no Vietnamese letters in layouts' code (docstrings aside)."""
    vietnamese = re.compile(
        r'"[^"\n]*[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủứừửữựỳỷỹỵ][^"\n]*"', re.IGNORECASE
    )
    found = []
    for path in LAYOUTS.glob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if vietnamese.search(code) and '"""' not in code:
                found.append(f"{path.name}:{n}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize(
    ("value", "lang"),
    [("en", "en"), ("EN", "en"), ("vi", "vi"), ("fr", "vi"), (None, "vi"), ("", "vi"), ("en-US", "en")],
)
def test_language_falls_back_to_vietnamese(value: str | None, lang: str) -> None:
    assert language(value) == lang


@pytest.mark.parametrize(
    ("lang", "number", "decimal", "percent", "big"),
    [("vi", "1.234", "1.234,5", "98,5%", "12,3 N"), ("en", "1,234", "1,234.5", "98.5%", "12.3K")],
)
def test_numbers_follow_the_language(lang: str, number: str, decimal: str, percent: str, big: str) -> None:
    tr = Messages(lang)
    assert tr.number(1234) == number
    assert tr.number(1234.5, 1) == decimal
    assert tr.percent(0.985) == percent
    assert tr.compact(12_345) == big


@pytest.mark.parametrize(
    ("lang", "date", "time", "both"),
    [
        ("vi", "23/11/2026", "14:05", "23/11/2026 14:05"),
        ("en", "Nov 23, 2026", "2:05 PM", "Nov 23, 2026 2:05 PM"),
    ],
)
def test_dates_and_times_follow_the_language_in_vietnams_time_zone(
    lang: str, date: str, time: str, both: str
) -> None:
    at = datetime(2026, 11, 23, 7, 5, tzinfo=UTC)  # 14:05 in Hà Nội
    tr = Messages(lang)
    assert tr.date(at) == date
    assert tr.time(at) == time
    assert tr.date_time(at) == both


@pytest.mark.parametrize(
    ("seconds", "vi", "en"),
    [
        (12, "12 giây", "12 s"),
        (600, "10 phút", "10 min"),
        (3 * 3600 + 20 * 60, "3 giờ 20 phút", "3 h 20 min"),
        (2 * 86400 + 4 * 3600, "2 ngày 4 giờ", "2 d 4 h"),
    ],
)
def test_durations_are_compact_and_translated(seconds: float, vi: str, en: str) -> None:
    assert Messages("vi").duration(seconds) == vi
    assert Messages("en").duration(seconds) == en


def test_countdown_says_time_left_or_how_late() -> None:
    now = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    tr = Messages("vi")
    assert tr.countdown(datetime(2026, 11, 23, 10, 0, tzinfo=UTC), now) == "còn 3 giờ"
    assert tr.countdown(datetime(2026, 11, 21, 7, 0, tzinfo=UTC), now) == "quá hạn 2 ngày"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_values_show_a_dash(lang: str) -> None:
    tr = Messages(lang)
    assert tr.number(None) == tr.percent(None) == tr.date(None) == tr.delta(float("nan")) == DASH


def test_signed_changes() -> None:
    tr = Messages("vi")
    assert tr.delta(12.5) == "+12,5%"
    assert tr.delta(-3) == "−3,0%"
    assert tr.delta(0.01) == "0%"


def test_unknown_key_shows_itself_and_labels_fall_back_to_the_code() -> None:
    tr = Messages("en")
    assert tr("no.such.key") == "no.such.key"
    assert tr.label("category", "land") == "Land"
    assert tr.label("category", "volcanoes") == "volcanoes"


def test_numbers_are_written_exactly_as_babel_writes_them() -> None:
    rng = random.Random(7)
    values: list[float] = [2.675, -0.0001, 0.5, 1.5, 2.5, -2.5, 0, -0.0, 1234567.125, 1e15 + 0.5, 1e20, 99.95]
    values += [rng.uniform(-1e7, 1e7) for _ in range(500)]
    values += [rng.randint(-(10**9), 10**9) for _ in range(100)]
    values += [round(rng.uniform(-1000, 1000), rng.randint(0, 4)) for _ in range(500)]  # ties
    for locale in ("vi_VN", "en_US"):
        for value in values:
            for digits in range(4):
                pattern = "#,##0" + ("." + "0" * digits if digits else "")
                babel = format_decimal(value, format=pattern, locale=locale)
                assert decimal_text(value, digits, locale) == babel, (value, digits, locale)
    assert decimal_text(-1234567.125, 2, "vi_VN") == "-1.234.567,12"
