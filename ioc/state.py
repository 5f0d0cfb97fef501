"""Current state of a case, dossier or site, folded from its events in event-time order.

Folding in ``(occurred_at, event_id)`` order makes the state a function of the *set*
of events: redelivered, replayed, late or out-of-order events end in the same state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ioc import events as ev
from ioc.sla import classify_finished, due_at, feedback_due_at
from ioc.worktime import WorkCalendar

# Working days to answer feedback, per category (a province may configure its own).
FEEDBACK_DAYS: dict[str, float] = {
    "environment": 10, "traffic": 7, "land": 15, "urban_order": 7, "health": 5,
    "education": 10, "utilities": 5, "social_welfare": 10, "other": 10,
}  # fmt: skip

EventKey = tuple[datetime, str]


def event_key(event: ev.Event) -> EventKey:
    """The total order in which a state folds its events."""
    return (event.occurred_at, event.event_id)


@dataclass
class Placed:
    """Where an event landed: its current commune (or province) and province."""

    unit: str
    province: str


@dataclass
class EntityState:
    """What every folded state carries."""

    entity_id: str
    unit: str = ""
    province: str = ""
    lat: float | None = None
    lon: float | None = None
    last_at: datetime | None = None
    last_event_id: str = ""

    def after(self, event: ev.Event) -> bool:
        """Whether the event sorts after everything folded so far."""
        return self.last_at is None or event_key(event) > (self.last_at, self.last_event_id)

    def _touch(self, event: ev.Event, place: Placed) -> None:
        self.unit, self.province = place.unit, place.province
        if event.lat is not None:
            self.lat, self.lon = event.lat, event.lon
        self.last_at, self.last_event_id = event.occurred_at, event.event_id


@dataclass
class FeedbackState(EntityState):
    """A citizen feedback case now."""

    status: str = "received"
    channel: str | None = None
    category: str | None = None
    agency: str | None = None
    text: str = ""
    received_at: datetime | None = None
    due_at: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    satisfaction: int | None = None
    outcome: str | None = None

    def apply(self, event: ev.Event, place: Placed, cal: WorkCalendar) -> None:
        """Fold one event into the case."""
        self._touch(event, place)
        status = event.__struct_config__.tag.split(".", 1)[1]  # type: ignore[union-attr]
        if status == "received":
            status = self.status  # a receipt stamped after handling events must not reopen the case
        match event:
            case ev.FeedbackReceived():
                self.channel, self.category, self.text = event.channel, event.category, event.text
                self.agency = event.agency or self.agency
                self.received_at = event.occurred_at
                self.due_at = event.due_at or feedback_due_at(
                    cal, event.occurred_at, event.category, FEEDBACK_DAYS
                )
            case ev.FeedbackForwarded():
                self.agency = event.agency
                self.category = event.category or self.category
            case ev.FeedbackExtended():
                self.due_at = event.due_at
            case ev.FeedbackAnswered():
                self.answered_at = event.occurred_at
            case ev.FeedbackClosed():
                self.closed_at = event.occurred_at
                self.satisfaction = event.satisfaction
                self.answered_at = self.answered_at or event.occurred_at
        self.status = status
        if self.answered_at and self.due_at:
            self.outcome = classify_finished(cal, self.due_at, self.answered_at)


@dataclass
class DossierState(EntityState):
    """An administrative-procedure dossier now."""

    status: str = "received"
    procedure_code: str | None = None
    sector: str | None = None
    agency: str | None = None
    channel: str | None = None
    full_online: bool = False
    has_fee: bool = False
    statutory_days: float | None = None
    received_at: datetime | None = None
    due_at: datetime | None = None
    pauses: list[list[datetime | None]] = field(default_factory=list)
    extension_days: float = 0.0
    finished_at: datetime | None = None
    paid_online: bool = False
    digitised: bool = False
    outcome: str | None = None

    def apply(self, event: ev.Event, place: Placed, cal: WorkCalendar) -> None:
        """Fold one event into the dossier."""
        self._touch(event, place)
        match event:
            case ev.DossierReceived():
                self.procedure_code = event.procedure_code
                self.sector, self.agency = event.sector, event.agency
                self.channel, self.full_online, self.has_fee = event.channel, event.full_online, event.has_fee
                self.statutory_days, self.received_at = event.statutory_days, event.occurred_at
            case ev.DossierProcessing():
                self._set_open_status("processing")
            case ev.DossierSupplementRequested():
                if not self.pauses or self.pauses[-1][1] is not None:
                    self.pauses.append([event.occurred_at, None])
                self._set_open_status("waiting_supplement")
            case ev.DossierSupplementReceived():
                if self.pauses and self.pauses[-1][1] is None:
                    self.pauses[-1][1] = event.occurred_at
                self._set_open_status("processing")
            case ev.DossierExtended():
                self.extension_days += event.extension_days
            case ev.DossierCompleted():
                self.status, self.finished_at = "completed", event.occurred_at
                self.paid_online, self.digitised = event.paid_online, event.digitised
            case ev.DossierReturned():
                self.status, self.finished_at = "returned", event.occurred_at
        self._recompute(cal)

    def _set_open_status(self, status: str) -> None:
        """Late steps after completion or return (a feed replaying its log) don't reopen the dossier."""
        if self.finished_at is None:
            self.status = status

    def _recompute(self, cal: WorkCalendar) -> None:
        if self.received_at is None or self.statutory_days is None:
            return
        closed = [(s, e) for s, e in self.pauses if s is not None and e is not None]
        self.due_at = due_at(cal, self.received_at, self.statutory_days, pauses=closed,
                             extension_days=self.extension_days)  # fmt: skip
        if self.status == "completed" and self.finished_at is not None:
            self.outcome = classify_finished(cal, self.due_at, self.finished_at)
        else:
            self.outcome = None


@dataclass
class SiteState(EntityState):
    """A cell site or network node now, with the status history needed for outage minutes."""

    status: str = "up"
    kind: str | None = None
    operator: str | None = None
    technology: str | None = None
    status_since: datetime | None = None
    transitions: list[tuple[datetime, str]] = field(default_factory=list)  # (at, status), time order
    alarms: dict[str, str] = field(default_factory=dict)  # active alarm id -> severity
    metrics_at: datetime | None = None
    metrics_event_id: str = ""
    active_users: int | None = None
    throughput_mbps: float | None = None
    latency_ms: float | None = None

    def apply(self, event: ev.Event, place: Placed, cal: WorkCalendar) -> None:
        """Fold one event into the site (metrics are kept latest-by-time, outside the order)."""
        if isinstance(event, ev.SiteMetrics):
            self.apply_metrics(event, place)
            return
        self._touch(event, place)
        match event:
            case ev.SiteStatusChanged():
                self.kind, self.operator, self.technology = event.kind, event.operator, event.technology
                if event.status != self.status or self.status_since is None:
                    self.transitions.append((event.occurred_at, event.status))
                    self.status, self.status_since = event.status, event.occurred_at
            case ev.AlarmRaised():
                self.alarms[event.alarm_id] = event.severity
            case ev.AlarmCleared():
                self.alarms.pop(event.alarm_id, None)

    def apply_metrics(self, event: ev.SiteMetrics, place: Placed) -> None:
        """Keep the newest metrics; commutative, so metrics never force a refold."""
        kept = (self.metrics_at, self.metrics_event_id)
        if self.metrics_at is None or (event.occurred_at, event.event_id) > kept:
            if self.last_at is None:  # known only from metrics: placed by its newest sample, in any order
                self.unit, self.province = place.unit, place.province
            self.metrics_at, self.metrics_event_id = event.occurred_at, event.event_id
            self.active_users = event.active_users
            self.throughput_mbps, self.latency_ms = event.throughput_mbps, event.latency_ms


STATE_TYPES: Mapping[str, type[EntityState]] = {
    "feedback": FeedbackState, "dossier": DossierState, "infra": SiteState,
}  # fmt: skip


def fold(
    family: str, entity_id: str, events: Iterable[tuple[ev.Event, Placed]], cal: WorkCalendar
) -> EntityState:
    """The state of one entity from all its events, whatever order they come in."""
    state = STATE_TYPES[family](entity_id=entity_id)
    for event, place in sorted(events, key=lambda pair: event_key(pair[0])):
        state.apply(event, place, cal)  # type: ignore[attr-defined]
    return state


def needs_refold(state: EntityState, event: ev.Event) -> bool:
    """Whether applying this event on top of the state would break event-time order."""
    return not isinstance(event, ev.SiteMetrics) and not state.after(event)
