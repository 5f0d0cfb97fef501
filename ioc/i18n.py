"""Messages and number/date formatting per language: Vietnamese by default, English a switch away.

The strings live in message catalogues (``ioc/locales/<lang>.toml``), one key per
message; layouts ask for keys, never spell labels themselves. Numbers, percentages,
dates and times are formatted with Babel for the language (Vietnamese: ``1.234,5``,
``22/11/2025``, ``14:05``), always in Vietnam's time zone.
"""

from __future__ import annotations

import functools
import math
import string
import tomllib
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal

Lang = Literal["vi", "en"]
LANGUAGES: tuple[Lang, ...] = ("vi", "en")
DEFAULT: Lang = "vi"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LOCALES = Path(__file__).parent / "locales"
DASH = "–"  # shown for a value that cannot be computed (no data, zero denominator)

# Babel locale and the patterns each language writes dates and times with.
_BABEL = {"vi": "vi_VN", "en": "en_US"}
_DATE = {"vi": "dd/MM/yyyy", "en": "MMM d, yyyy"}
_SHORT_DATE = {"vi": "dd/MM", "en": "MMM d"}
_TIME = {"vi": "HH:mm", "en": "h:mm a"}
_TIME_S = {"vi": "HH:mm:ss", "en": "h:mm:ss a"}


def language(value: str | None, default: str = DEFAULT) -> Lang:
    """A supported language from a URL parameter or setting; anything else falls back to the default."""
    for candidate in ((value or "").strip().lower()[:2], default):
        for lang in LANGUAGES:
            if candidate == lang:
                return lang
    return DEFAULT


@functools.cache
def catalogue(lang: Lang) -> dict[str, str]:
    """Every message of a language, keyed ``section.name``, read once from its TOML file."""
    with open(LOCALES / f"{lang}.toml", "rb") as f:
        return dict(_flatten(tomllib.load(f)))


def _flatten(tree: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += _flatten(value, name + ".")
        else:
            out.append((name, str(value)))
    return out


def placeholders(message: str) -> set[str]:
    """The ``{names}`` a message expects, for the catalogue consistency test."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def is_missing(value: float | None) -> bool:
    """Whether a value is absent or not a number (shown as a dash)."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


@functools.cache
def _separators(locale: str) -> dict[int, str]:
    """``str.translate`` table from Python's ``,`` and ``.`` to the locale's group and decimal signs."""
    symbols = Locale.parse(locale).number_symbols["latn"]
    return str.maketrans({",": symbols["group"], ".": symbols["decimal"]})


def decimal_text(value: float, digits: int, locale: str) -> str:
    """``format_decimal(value, "#,##0.00…", locale)`` without Babel's pattern machinery, six times faster
    (the map formats hundreds of values per update). Rounds as Babel does: the decimal of ``str(value)``,
    half to even."""
    if isinstance(value, float) and not math.isfinite(value):
        return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""), locale=locale)
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    return f"{rounded:,.{digits}f}".translate(_separators(locale))


class Messages:
    """Messages and formatters bound to one language: ``tr = Messages("en"); tr("ops.title")``."""

    def __init__(self, lang: str | None = DEFAULT) -> None:
        self.lang: Lang = language(lang)
        self._locale = _BABEL[self.lang]
        self._messages = catalogue(self.lang)

    def __call__(self, key: str, **values: Any) -> str:
        """The message for ``key`` with ``{placeholders}`` filled; an unknown key shows as itself."""
        message = self._messages.get(key)
        if message is None:
            message = catalogue(DEFAULT).get(key, key)
        return message.format(**values) if values else message

    def has(self, key: str) -> bool:
        """Whether the catalogue has this key (for optional labels such as category names)."""
        return key in self._messages

    def label(self, section: str, code: str | None) -> str:
        """The label of a code in a section (``category``, ``family``...), the code itself if unknown."""
        key = f"{section}.{code}"
        return self(key) if code and self.has(key) else (code or DASH)

    # --- numbers ------------------------------------------------------------------------

    def number(self, value: float | None, digits: int = 0) -> str:
        """``1.234,5`` in Vietnamese, ``1,234.5`` in English; a dash for no value."""
        if is_missing(value):
            return DASH
        return decimal_text(cast(float, value), digits, self._locale)

    def compact(self, value: float | None) -> str:
        """Short for big counts: ``12,3 N`` / ``12.3K``, exact below ten thousand."""
        if is_missing(value):
            return DASH
        v = cast(float, value)
        for threshold, size, key in (
            (1e9, 1e9, "unit.billion"),
            (1e6, 1e6, "unit.million"),
            (1e4, 1e3, "unit.thousand"),
        ):
            if abs(v) >= threshold:
                return f"{self.number(v / size, 1)}{self(key)}"
        return self.number(v)

    def percent(self, ratio: float | None, digits: int = 1) -> str:
        """A ratio (0.985) as ``98,5%`` / ``98.5%``."""
        if is_missing(ratio):
            return DASH
        return self.number(cast(float, ratio) * 100, digits) + "%"

    def delta(self, value: float | None, digits: int = 1, suffix: str = "%") -> str:
        """A signed change: ``+12,5%``, ``−3,0%``, ``0%``."""
        if is_missing(value):
            return DASH
        v = cast(float, value)
        if round(v, digits) == 0:
            return "0" + suffix
        sign = "+" if v > 0 else "−"
        return sign + self.number(abs(v), digits) + suffix

    # --- dates and times ----------------------------------------------------------------

    def date(self, value: date | datetime | None, short: bool = False) -> str:
        """``22/11/2025`` (vi) or ``Nov 22, 2025`` (en), in Vietnam's time zone."""
        if value is None:
            return DASH
        if isinstance(value, datetime):
            value = value.astimezone(TZ).date()
        return format_date(value, format=(_SHORT_DATE if short else _DATE)[self.lang], locale=self._locale)

    def time(self, value: datetime | None, seconds: bool = False) -> str:
        """``14:05`` (vi) or ``2:05 PM`` (en), in Vietnam's time zone."""
        if value is None:
            return DASH
        return format_time(
            value, format=(_TIME_S if seconds else _TIME)[self.lang], tzinfo=TZ, locale=self._locale
        )

    def date_time(self, value: datetime | None) -> str:
        """Date and time: ``22/11/2025 14:05``."""
        if value is None:
            return DASH
        pattern = f"{_DATE[self.lang]} {_TIME[self.lang]}"
        return format_datetime(value, format=pattern, tzinfo=TZ, locale=self._locale)

    def when(self, value: datetime | None, now: datetime) -> str:
        """Time alone for today, day and time otherwise: ``14:05`` or ``21/11 14:05``."""
        if value is None:
            return DASH
        if value.astimezone(TZ).date() == now.astimezone(TZ).date():
            return self.time(value)
        return f"{self.date(value, short=True)} {self.time(value)}"

    def duration(self, seconds: float | None) -> str:
        """A compact span: ``45 giây``, ``12 phút``, ``3 giờ 20 phút``, ``2 ngày 4 giờ``."""
        if is_missing(seconds):
            return DASH
        s = max(0, int(cast(float, seconds)))
        days, rest = divmod(s, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        if days:
            parts = [self("unit.days", n=days)] + ([self("unit.hours", n=hours)] if hours else [])
        elif hours:
            parts = [self("unit.hours", n=hours)] + ([self("unit.minutes", n=minutes)] if minutes else [])
        elif minutes:
            parts = [self("unit.minutes", n=minutes)]
        else:
            parts = [self("unit.seconds", n=secs)]
        return " ".join(parts)

    def age(self, seconds: float | None) -> str:
        """How long ago: ``12 giây trước`` / ``12 s ago``."""
        if is_missing(seconds):
            return self("health.never")
        return self("unit.ago", span=self.duration(seconds))

    def countdown(self, until: datetime | None, now: datetime) -> str:
        """Time left to a deadline, or how late it is: ``còn 3 giờ`` / ``quá hạn 2 ngày``."""
        if until is None:
            return DASH
        left = (until - now).total_seconds()
        key = "unit.left" if left >= 0 else "unit.late"
        return self(key, span=self.duration(abs(left)))


def js_messages(lang: Lang, keys: tuple[str, ...]) -> dict[str, str]:
    """The messages the browser's own scripts need (clock, ages, connection state), for a data store."""
    tr = Messages(lang)
    return {key: tr(key) for key in keys} | {"_locale": "vi-VN" if lang == "vi" else "en-US"}
