"""Indicators a provincial leader reads: pure formulas over rollup sums and "now" counts.

Each indicator is one row of ``DEFINITIONS``: key, Vietnamese and English names,
unit, formula (as code and as text), source facts and target. The formulas read a
flat mapping of *facts*: rollup sums over a range (``dos.completed``), counts of
open items now (``dos.overdue``) and a few derived facts (``fb.cohort_open``,
``range.minutes``); see docs/indicators.md. A division by zero gives ``None``
(shown as "—"), never 0.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

Facts = Mapping[str, float]
UnitOf = Literal["%", "count", "working_days", "minutes", "rating", "points"]
HOURS_PER_DAY = 8.0  # one working day of the state sector (docs/deadlines.md)
MISSING = "—"
SUFFIX = {"%": " %", "working_days": " d", "minutes": " min", "rating": "/5", "points": "/100"}


def ratio(num: float, den: float, scale: float = 100.0) -> float | None:
    """``num / den × scale``, or None when the denominator is zero."""
    return None if not den else num * scale / den


def _f(facts: Facts, key: str) -> float:
    return float(facts.get(key, 0.0))


def _availability(f: Facts) -> float | None:
    exposure = _f(f, "sites.total") * _f(f, "range.minutes")
    down = _f(f, "site.down_minutes") + _f(f, "site.open_down_minutes")
    return None if exposure <= 0 else max(0.0, 1 - down / exposure) * 100


def _processed(f: Facts) -> float | None:
    valid = _f(f, "fb.received") - _f(f, "fb.cohort_excluded")
    return ratio(valid - _f(f, "fb.cohort_open"), valid)


@dataclass(frozen=True)
class Definition:
    """How one indicator is computed and named."""

    key: str
    name_vi: str
    name_en: str
    unit: UnitOf
    formula: str
    sources: tuple[str, ...]
    compute: Callable[[Facts], float | None] = field(repr=False, compare=False)
    target: float | None = None
    higher_is_better: bool | None = True
    now: bool = False  # a count of open items now: it has no previous period
    base: str = ""  # the fact that says how much data a rate or mean rests on (its denominator)


def _count(key: str, vi: str, en: str, better: bool | None = None, *, now: bool = False,
           source: str = "") -> Definition:  # fmt: skip
    src = source or key
    return Definition(key, vi, en, "count", src, (src,), lambda f: _f(f, src), None, better, now)


def _rate(key: str, vi: str, en: str, num: tuple[str, ...], den: str,
          target: float | None = None) -> Definition:  # fmt: skip
    text = f"({' + '.join(num)}) / {den}" if len(num) > 1 else f"{num[0]} / {den}"
    return Definition(key, vi, en, "%", text, (*num, den),
                      lambda f: ratio(sum(_f(f, n) for n in num), _f(f, den)), target, base=den)  # fmt: skip


def _mean(key: str, vi: str, en: str, unit: UnitOf, num: str, den: str, scale: float = 1.0) -> Definition:
    text = f"{num} / {den}" if scale == 1.0 else f"{num} / {1 / scale:g} / {den}"
    return Definition(key, vi, en, unit, text, (num, den), lambda f: ratio(_f(f, num), _f(f, den), scale),
                      None, unit == "rating", base=den)  # fmt: skip


DAY = 1 / HOURS_PER_DAY
DEFINITIONS: tuple[Definition, ...] = (
    # --- Dossiers (hồ sơ TTHC) ---
    _count("dos.received", "Hồ sơ tiếp nhận", "Dossiers received"),
    _count("dos.completed", "Hồ sơ đã giải quyết", "Dossiers completed"),
    _rate("dos.on_time_rate", "Tỷ lệ hồ sơ giải quyết đúng hạn", "Dossiers resolved on time",
          ("dos.early", "dos.on_time"), "dos.completed", 99.0),
    _count("dos.late", "Hồ sơ giải quyết trễ hạn", "Dossiers completed late", False),
    _count("dos.returned", "Hồ sơ trả lại không có kết quả", "Dossiers returned without a result", False),
    _count("dos.open", "Hồ sơ đang giải quyết", "Dossiers open now", None, now=True),
    _count("dos.overdue", "Hồ sơ quá hạn", "Open dossiers overdue", False, now=True),
    _count("dos.due_soon", "Hồ sơ sắp đến hạn (24 giờ làm việc)", "Dossiers due within 24 working hours",
           None, now=True),
    _count("dos.waiting", "Hồ sơ chờ bổ sung", "Dossiers waiting for supplements", None, now=True),
    _rate("dos.online_rate", "Tỷ lệ hồ sơ nộp trực tuyến", "Dossiers received online",
          ("dos.received_online",), "dos.received", 80.0),
    _rate("dos.online_payment_rate", "Tỷ lệ thanh toán trực tuyến", "Fees paid online",
          ("dos.paid_online",), "dos.fee", 60.0),
    _rate("dos.full_online_share", "Tỷ lệ hồ sơ trực tuyến toàn trình", "Dossiers on full-online procedures",
          ("dos.full_online",), "dos.received"),
    _rate("dos.digitised_rate", "Tỷ lệ số hóa hồ sơ, kết quả", "Results digitised",
          ("dos.digitised",), "dos.completed"),
    _mean("dos.avg_days", "Thời gian giải quyết trung bình", "Average processing time", "working_days",
          "dos.work_hours", "dos.completed", DAY),
    # --- Feedback (phản ánh, kiến nghị) ---
    _count("fb.received", "Phản ánh tiếp nhận", "Feedback received", None),
    _count("fb.resolved", "Phản ánh đã trả lời", "Feedback answered"),
    Definition("fb.processed_rate", "Tỷ lệ phản ánh đã xử lý", "Feedback processed", "%",
               "(fb.received − fb.cohort_excluded − fb.cohort_open) / (fb.received − fb.cohort_excluded)",
               ("fb.received", "fb.cohort_excluded", "fb.cohort_open"), _processed, base="fb.received"),
    _rate("fb.on_time_rate", "Tỷ lệ phản ánh xử lý đúng hạn", "Feedback answered on time",
          ("fb.resolved_on_time",), "fb.resolved"),
    _mean("fb.avg_days", "Thời gian xử lý phản ánh trung bình", "Average time to answer", "working_days",
          "fb.answer_hours", "fb.resolved", DAY),
    _rate("fb.satisfaction_rate", "Tỷ lệ hài lòng", "Satisfied citizens (rating 4-5)", ("fb.satisfied",),
          "fb.rated"),
    _mean("fb.avg_rating", "Điểm đánh giá trung bình", "Average rating", "rating", "fb.rating_sum",
          "fb.rated"),
    _count("fb.open", "Phản ánh đang xử lý", "Feedback open now", None, now=True),
    _count("fb.overdue", "Phản ánh quá hạn", "Open feedback overdue", False, now=True),
    # --- Infrastructure (hạ tầng số, 5G) ---
    Definition("site.availability", "Tỷ lệ sẵn sàng của trạm", "Site availability", "%",
               "1 − (site.down_minutes + site.open_down_minutes) / (sites.total × range.minutes)",
               ("site.down_minutes", "site.open_down_minutes", "sites.total", "range.minutes"),
               _availability, base="sites.total"),
    _rate("site.share_5g", "Tỷ lệ trạm 5G", "5G share of sites in service", ("sites.in_service_5g",),
          "sites.in_service"),
    _count("site.total", "Tổng số trạm", "Sites", None, now=True, source="sites.total"),
    _count("site.active_outages", "Trạm đang mất liên lạc", "Sites down now", False, now=True,
           source="sites.down"),
    _count("site.degraded", "Trạm suy giảm", "Sites degraded now", False, now=True, source="sites.degraded"),
    _count("site.alarms_open", "Cảnh báo đang mở", "Open alarms", False, now=True, source="alarms.open"),
    _count("site.outages", "Số lần mất liên lạc", "Outages started", False),
    Definition("site.outage_minutes", "Thời gian mất liên lạc", "Outage minutes", "minutes",
               "site.down_minutes + site.open_down_minutes", ("site.down_minutes", "site.open_down_minutes"),
               lambda f: _f(f, "site.down_minutes") + _f(f, "site.open_down_minutes"), None, False),
    _mean("site.mttr", "Thời gian khôi phục trung bình", "Mean time to restore", "minutes",
          "site.restore_minutes", "site.restored"),
)  # fmt: skip
BY_KEY: dict[str, Definition] = {d.key: d for d in DEFINITIONS}
DERIVED = frozenset({"fb.cohort_excluded", "fb.cohort_open", "site.open_down_minutes", "range.minutes"})
NOW_SOURCES = frozenset(s for d in DEFINITIONS if d.now for s in d.sources)


def rollup_metrics(keys: Iterable[str] | None = None) -> tuple[str, ...]:
    """The rollup metrics the given indicators (all by default) read."""
    defs = DEFINITIONS if keys is None else [BY_KEY[k] for k in keys]
    return tuple(sorted({s for d in defs for s in d.sources} - DERIVED - NOW_SOURCES))


def support(key: str, facts: Facts) -> float:
    """How much data the indicator rests on: its denominator, or the count itself."""
    d = BY_KEY[key]
    return _f(facts, d.base or d.sources[0])


def compute_values(facts: Facts, keys: Iterable[str] | None = None) -> dict[str, float | None]:
    """Each indicator's value from one set of facts."""
    defs = DEFINITIONS if keys is None else [BY_KEY[k] for k in keys]
    return {d.key: d.compute(facts) for d in defs}


@dataclass(frozen=True)
class Indicator:
    """One indicator's value for a scope and range, with its previous-range value and target."""

    key: str
    value: float | None
    unit: UnitOf
    name_vi: str
    name_en: str
    target: float | None = None
    previous: float | None = None
    higher_is_better: bool | None = True
    estimate: bool = False  # True for the composite score: never the official figure

    @property
    def change(self) -> float | None:
        """value − previous (percentage points for rates), None when either is missing."""
        return None if self.value is None or self.previous is None else self.value - self.previous

    @property
    def meets_target(self) -> bool | None:
        """Whether the value is on the right side of its target; None without a value or target."""
        if self.value is None or self.target is None or self.higher_is_better is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def name(self, lang: str = "vi") -> str:
        """The name in ``vi`` or ``en``."""
        return self.name_vi if lang == "vi" else self.name_en

    def display(self) -> str:
        """The value as short text: "—" when it cannot be computed."""
        if self.value is None:
            return MISSING
        if self.unit == "count":
            return f"{self.value:,.0f}"
        return f"{self.value:,.1f}{SUFFIX[self.unit]}"


@dataclass(frozen=True)
class Ranked:
    """A row of a ranking (top categories, hot spots): count and, when known, rate per 10,000 inhabitants."""

    key: str
    count: float
    per_10k: float | None = None


@dataclass(frozen=True)
class IndicatorSet:
    """Every indicator of one scope and range, plus rankings; ``s["dos.on_time_rate"]`` gets one."""

    indicators: tuple[Indicator, ...]
    province: str | None
    unit: str | None
    since: datetime
    until: datetime
    now: datetime
    top_categories: tuple[Ranked, ...] = ()
    hotspots: tuple[Ranked, ...] = ()

    def __getitem__(self, key: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def values(self) -> dict[str, float | None]:
        """key -> value."""
        return {i.key: i.value for i in self.indicators}


@dataclass(frozen=True)
class ScoreGroup:
    """One group of the composite score: a weight and the % indicators it averages."""

    key: str
    name_vi: str
    name_en: str
    weight: float
    indicators: tuple[str, ...]


DEFAULT_GROUPS = (
    ScoreGroup("openness", "Công khai, minh bạch", "Openness and transparency", 20, ("fb.processed_rate",)),
    ScoreGroup("timeliness", "Tiến độ, kết quả giải quyết", "Timeliness and results", 20,
               ("dos.on_time_rate",)),
    ScoreGroup("digitisation", "Số hóa hồ sơ", "Digitisation", 20, ("dos.digitised_rate",)),
    ScoreGroup("online", "Cung cấp dịch vụ trực tuyến", "Online service", 20,
               ("dos.online_rate", "dos.full_online_share", "dos.online_payment_rate")),
    ScoreGroup("satisfaction", "Mức độ hài lòng", "Satisfaction", 20, ("fb.satisfaction_rate",)),
)  # fmt: skip


@dataclass(frozen=True)
class ScoreConfig:
    """Composite service score shaped on the Bộ chỉ số 766 groups: an ESTIMATE, not the official score."""

    groups: tuple[ScoreGroup, ...] = DEFAULT_GROUPS
    name_vi: str = "Điểm phục vụ (ƯỚC TÍNH, không phải điểm chính thức Bộ chỉ số 766)"
    name_en: str = "Service score (ESTIMATE, not the official 766 index score)"


def load_score_config(path: Path) -> ScoreConfig:
    """Groups and weights from a TOML file of ``[[group]]`` tables (key, weight, indicators, names)."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    defaults = {g.key: g for g in DEFAULT_GROUPS}
    groups = []
    for g in raw.get("group", []):
        base = defaults.get(g["key"]) or ScoreGroup(g["key"], g["key"], g["key"], 0, ())
        groups.append(replace(base, weight=float(g.get("weight", base.weight)),
                              indicators=tuple(g.get("indicators", base.indicators)),
                              name_vi=g.get("name_vi", base.name_vi), name_en=g.get("name_en", base.name_en)))
    unusable = {k for g in groups for k in g.indicators if k not in BY_KEY or BY_KEY[k].unit != "%"}
    if unusable:
        raise ValueError(f"{path}: score groups take % indicators only, not {sorted(unusable)}")
    return ScoreConfig(tuple(groups)) if groups else ScoreConfig()  # fmt: skip


def service_score(values: Mapping[str, float | None], config: ScoreConfig) -> float | None:
    """Weighted mean of group scores (each the mean of its indicators with data); empty groups drop out."""
    total = weights = 0.0
    for group in config.groups:
        available = [v for k in group.indicators if (v := values.get(k)) is not None]
        if available and group.weight > 0:
            total += group.weight * sum(available) / len(available)
            weights += group.weight
    return None if weights == 0 else total / weights


def build_set(
    current: Facts, previous: Facts | None, *, province: str | None, unit: str | None, since: datetime,
    until: datetime, now: datetime, targets: Mapping[str, float] | None = None,
    score: ScoreConfig | None = None, top_categories: tuple[Ranked, ...] = (),
    hotspots: tuple[Ranked, ...] = (),
) -> IndicatorSet:  # fmt: skip
    """The indicator set from the facts of the range and of the previous range of the same length."""
    targets, score = targets or {}, score or ScoreConfig()
    cur = compute_values(current)
    prev = compute_values(previous) if previous is not None else {}
    out = [Indicator(d.key, cur[d.key], d.unit, d.name_vi, d.name_en, targets.get(d.key, d.target),
                     None if d.now else prev.get(d.key), d.higher_is_better) for d in DEFINITIONS]
    out.append(Indicator("score.service", service_score(cur, score), "points", score.name_vi, score.name_en,
                         targets.get("score.service"), service_score(prev, score) if prev else None, True,
                         estimate=True))
    return IndicatorSet(tuple(out), province, unit, since, until, now, top_categories, hotspots)  # fmt: skip


def rank(counts: Mapping[str, float], population: Mapping[str, int | None] | None = None,
         limit: int = 10) -> tuple[Ranked, ...]:  # fmt: skip
    """Rows by rate per 10,000 inhabitants when every population is known, else by count."""
    pop = population or {}
    rows = [Ranked(k, v, ratio(v, p, 10_000) if (p := pop.get(k)) else None) for k, v in counts.items() if v]
    by_rate = bool(rows) and all(r.per_10k is not None for r in rows)
    rows.sort(key=lambda r: ((-(r.per_10k or 0.0) if by_rate else -r.count), -r.count, r.key))
    return tuple(rows[:limit])


def open_outage_minutes(starts: Iterable[datetime], since: datetime, until: datetime, now: datetime) -> float:
    """Minutes of still-open outages (started at ``starts``) inside [since, min(until, now))."""
    end = min(until, now)
    return sum(max(0.0, (end - max(s, since)).total_seconds() / 60) for s in starts)
