"""Alert rules and the alert lifecycle, as pure data: raised → acknowledged → cleared, without flapping.

A rule turns the store's numbers into *observations* (one per subject: a unit, a
site or the scope), each saying whether the condition is bad and whether it is
clearly over (the clear level gives hysteresis). ``advance`` moves one alert through
its lifecycle with a hold time before raising and before clearing. The store
(``ioc.store.alerts``) gathers observations, keeps alerts and calls ``advance``.
Rule format: docs/alerts.md.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, get_args
from uuid import uuid4

from ioc.errors import SettingsError
from ioc.indicators import BY_KEY

RuleKind = Literal["threshold", "surge", "correlation"]
Per = Literal["scope", "unit", "site"]
Op = Literal["<", "<=", ">", ">="]
Severity = Literal["critical", "major", "minor", "warning"]
AlertState = Literal["pending", "raised", "acknowledged", "cleared"]
ChangeKind = Literal["raised", "acknowledged", "cleared", "linked"]
OPEN_STATES = ("pending", "raised", "acknowledged")
SITE_INDICATORS = {"site.down_for": "minutes the site has been down"}  # per="site" thresholds
DEFAULT_RULES = Path(__file__).parent / "data" / "alert_rules.toml"


@dataclass(frozen=True)
class Rule:
    """One alert rule; which fields matter depends on ``kind`` (docs/alerts.md)."""

    key: str
    kind: RuleKind
    title_vi: str
    title_en: str
    severity: Severity = "major"
    per: Per = "unit"
    indicator: str = ""  # threshold: an indicator key, or site.down_for with per = "site"
    metric: str = "fb.received"  # surge: the rollup metric
    op: Op = "<"
    value: float = 0.0  # threshold level; surge and correlation: the factor over the baseline
    clear: float | None = None  # level (or factor) past which the condition is over; default: value
    window_hours: float = 24.0  # threshold on a rollup indicator: the rolling range
    window_minutes: float = 120.0  # correlation: how long after an outage trouble counts
    min_count: float = 0.0  # below this many (denominator, or events) a unit has no data
    min_dossiers: float = 2.0  # correlation: least returned + late dossiers that count as trouble
    dossier_dim: str = ""  # correlation: rollup dim of the dossier metrics (e.g. channel:online)
    weeks: int = 4  # surge and correlation: baseline = same hours in the past weeks
    raise_after: float = 0.0  # minutes the condition must hold before the alert is raised
    clear_after: float = 10.0  # minutes the clear condition must hold before the alert clears
    absorbs: tuple[str, ...] = ()  # correlation: rules whose alerts in the same unit join the incident

    @property
    def clear_level(self) -> float:
        """The level past which the condition is over."""
        return self.value if self.clear is None else self.clear


def load_rules(path: Path = DEFAULT_RULES) -> tuple[Rule, ...]:
    """Read and check ``[[rule]]`` tables from a TOML file."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    names = {f.name for f in fields(Rule)}
    rules = []
    for entry in raw.get("rule", []):
        if unknown := set(entry) - names:
            raise SettingsError(f"{path}: rule {entry.get('key')!r} has unknown fields {sorted(unknown)}")
        try:
            rule = Rule(**{**entry, "absorbs": tuple(entry.get("absorbs", ()))})
        except TypeError as exc:
            raise SettingsError(f"{path}: rule {entry.get('key')!r}: {exc}") from exc
        rules.append(check_rule(rule))
    if len({r.key for r in rules}) != len(rules):
        raise SettingsError(f"{path}: rule keys must be unique")
    return tuple(rules)


def check_rule(rule: Rule) -> Rule:
    """The rule itself, or SettingsError saying what is wrong with it."""
    problems = []
    for name, kind in (("kind", RuleKind), ("per", Per), ("op", Op), ("severity", Severity)):
        if getattr(rule, name) not in get_args(kind):
            problems.append(f"{name} must be one of {get_args(kind)}")
    if rule.kind == "threshold":
        site = rule.indicator in SITE_INDICATORS
        if not site and rule.indicator not in BY_KEY:
            problems.append(f"unknown indicator {rule.indicator!r}")
        if site != (rule.per == "site"):
            problems.append("per = 'site' goes with site.down_for and only with it")
    elif rule.per != "unit":
        problems.append(f"{rule.kind} rules are per unit")
    if rule.raise_after < 0 or rule.clear_after < 0:
        problems.append("hold times cannot be negative")
    if problems:
        raise SettingsError(f"alert rule {rule.key!r}: " + "; ".join(problems))
    return rule


@dataclass(frozen=True)
class Observation:
    """What a rule sees for one subject now: the value, and whether it is bad or clearly over."""

    subject: str
    province: str
    unit: str | None
    value: float | None
    bad: bool
    clear: bool
    detail: dict[str, Any] = field(default_factory=dict)


def judge(rule: Rule, value: float | None) -> tuple[bool, bool]:
    """(bad, clear) of a value against the rule's level and clear level; no value is clear."""
    if value is None:
        return False, True
    below = rule.op in ("<", "<=")
    bad = {"<": value < rule.value, "<=": value <= rule.value, ">": value > rule.value,
           ">=": value >= rule.value}[rule.op]  # fmt: skip
    clear = value >= rule.clear_level if below else value <= rule.clear_level
    return bad, clear and not bad


def surge(rule: Rule, current: float, baseline: float) -> tuple[bool, bool]:
    """(bad, clear) of a count against ``value ×`` its baseline, with at least ``min_count`` events."""
    bad = current >= max(rule.min_count, 1) and current > rule.value * baseline
    clear = current < max(rule.min_count, 1) or current <= rule.clear_level * baseline
    return bad, clear and not bad


@dataclass(frozen=True)
class AlertRecord:
    """An alert as stored: its lifecycle times, last value and the incident it belongs to."""

    alert_id: str
    rule: str
    kind: RuleKind
    subject: str
    province: str
    unit: str | None
    severity: Severity
    state: AlertState
    title_vi: str
    title_en: str
    first_seen_at: datetime
    updated_at: datetime
    value: float | None = None
    threshold: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    incident_id: str | None = None
    raised_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    clearing_since: datetime | None = None
    cleared_at: datetime | None = None


@dataclass(frozen=True)
class AlertChange:
    """One step of an alert's lifecycle, as plain data for screens and Kafka."""

    change: ChangeKind
    at: datetime
    alert: AlertRecord

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: the change, its time and the alert (times in ISO 8601)."""
        out = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(self.alert).items()}
        return {"change": self.change, "at": self.at.isoformat(), **out}

    def to_json(self) -> bytes:
        """UTF-8 JSON of ``to_dict()``, e.g. a Kafka message value."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True).encode()


def new_record(rule: Rule, obs: Observation, now: datetime) -> AlertRecord:
    """A pending alert for a subject whose condition just turned bad."""
    alert_id = f"{rule.key}:{obs.subject}:{now.astimezone(UTC):%Y%m%dT%H%M%S}:{uuid4().hex[:6]}"
    return AlertRecord(alert_id, rule.key, rule.kind, obs.subject, obs.province, obs.unit, rule.severity,
                       "pending", rule.title_vi, rule.title_en, now, now, obs.value, rule.value, obs.detail)


def advance(
    rule: Rule, record: AlertRecord | None, obs: Observation | None, now: datetime
) -> tuple[AlertRecord | None, ChangeKind | None]:
    """The alert after one observation (None: the subject was not seen) and the change it makes, if any.

    pending → raised once bad for ``raise_after`` minutes (pending is dropped when the
    condition goes away); raised/acknowledged → cleared once clear for ``clear_after``
    minutes; a value between the levels (hysteresis) or a bad one restarts that hold.
    """
    if record is None or record.state == "cleared":
        if obs is None or not obs.bad:
            return record, None
        record = new_record(rule, obs, now)
    if obs is not None and (obs.value, obs.detail) != (record.value, record.detail):
        record = replace(record, value=obs.value, detail=obs.detail, updated_at=now)
    if record.state == "pending":
        if obs is None or not obs.bad:
            return None, None
        if now - record.first_seen_at >= timedelta(minutes=rule.raise_after):
            return replace(record, state="raised", raised_at=now), "raised"
        return record, None
    if obs is not None and not obs.clear:
        return replace(record, clearing_since=None), None
    since = record.clearing_since or now
    if now - since >= timedelta(minutes=rule.clear_after):
        cleared = replace(record, state="cleared", cleared_at=now, clearing_since=None, updated_at=now)
        return cleared, "cleared"
    return replace(record, clearing_since=since), None


def acknowledge(record: AlertRecord, by: str, now: datetime) -> tuple[AlertRecord, ChangeKind | None]:
    """A raised alert acknowledged by someone; other states are left as they are."""
    if record.state != "raised":
        return record, None
    acked = replace(record, state="acknowledged", acknowledged_at=now, acknowledged_by=by, updated_at=now)
    return acked, "acknowledged"
