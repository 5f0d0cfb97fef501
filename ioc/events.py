"""The event schemas of the three streams, version 1, as msgspec structs.

Every event is a JSON object whose ``type`` names one of the structs below. The
structs are the single source of truth: decoding, validation and the published
JSON Schemas (``schemas/``) all come from them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

SCHEMA_VERSION = 1

Id = Annotated[str, Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._:/-]+$")]
Text = Annotated[str, Meta(max_length=8000)]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
UnitCode = Annotated[
    str, Meta(pattern=r"^[0-9]{2,5}$", description="Official unit code: 2-digit province or 5-digit commune")
]
Timestamp = Annotated[datetime, Meta(tz=True, description="ISO 8601 with a time zone")]
Latitude = Annotated[float, Meta(ge=-90, le=90)]
Longitude = Annotated[float, Meta(ge=-180, le=180)]
NonNegative = Annotated[float, Meta(ge=0)]

FeedbackChannel = Literal["zalo", "citizen_app", "hotline_1022", "web_portal", "in_person"]
FeedbackCategory = Literal[
    "environment", "traffic", "land", "urban_order", "health", "education", "utilities", "social_welfare",
    "other",
]
DossierChannel = Literal["online", "in_person", "postal"]
SiteKind = Literal["cell_site", "core_node", "data_centre"]
Operator = Literal["viettel", "vnpt", "mobifone", "province"]
Technology = Literal["4G", "5G", "none"]
SiteStatus = Literal["up", "degraded", "down"]
Severity = Literal["critical", "major", "minor", "warning"]


class Event(msgspec.Struct, kw_only=True, frozen=True, tag_field="type", omit_defaults=True):
    """Fields every event carries: identity, time, schema version, source and place."""

    event_id: Id
    occurred_at: Timestamp
    version: Literal[1] = 1
    source: Name
    unit: UnitCode | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None

    def __post_init__(self) -> None:
        if self.unit is None and (self.lat is None or self.lon is None):
            raise ValueError("an event needs a unit code or both lat and lon")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")

    @property
    def family(self) -> str:
        """The stream this event belongs to: feedback, dossier or infra."""
        raise NotImplementedError  # every concrete family overrides it

    @property
    def entity_id(self) -> str:
        """The case, dossier or site this event is about."""
        raise NotImplementedError  # every concrete family overrides it


# --- Citizen feedback (phản ánh, kiến nghị) --------------------------------------------------


class FeedbackEvent(Event, kw_only=True, frozen=True):
    """An event in the lifecycle of one citizen feedback case."""

    case_id: Id

    @property
    def family(self) -> str:
        return "feedback"

    @property
    def entity_id(self) -> str:
        return self.case_id


class FeedbackReceived(FeedbackEvent, kw_only=True, frozen=True, tag="feedback.received"):
    """A case was received (tiếp nhận)."""

    channel: FeedbackChannel
    category: FeedbackCategory
    agency: Name | None = None
    due_at: Timestamp | None = None
    text: Text = ""


class FeedbackForwarded(FeedbackEvent, kw_only=True, frozen=True, tag="feedback.forwarded"):
    """The case was classified and forwarded to a handling agency (chuyển xử lý)."""

    agency: Name
    category: FeedbackCategory | None = None


class FeedbackInProgress(FeedbackEvent, kw_only=True, frozen=True, tag="feedback.in_progress"):
    """The handling agency started work."""


class FeedbackExtended(FeedbackEvent, kw_only=True, frozen=True, tag="feedback.extended"):
    """The deadline was extended (gia hạn)."""

    due_at: Timestamp
    reason: Text = ""


class FeedbackAnswered(FeedbackEvent, kw_only=True, frozen=True, tag="feedback.answered"):
    """The agency answered the citizen (đã trả lời / đã xử lý)."""

    text: Text = ""


class FeedbackClosed(FeedbackEvent, kw_only=True, frozen=True, tag="feedback.closed"):
    """The case was closed, with the citizen's satisfaction rating when given."""

    satisfaction: Annotated[int, Meta(ge=1, le=5)] | None = None


class FeedbackRejected(FeedbackEvent, kw_only=True, frozen=True, tag="feedback.rejected"):
    """The case was found invalid (không hợp lệ)."""

    reason: Text = ""


class FeedbackDuplicate(FeedbackEvent, kw_only=True, frozen=True, tag="feedback.duplicate"):
    """The case duplicates another one."""

    duplicate_of: Id


# --- Administrative-procedure dossiers (hồ sơ TTHC) --------------------------------------------


class DossierEvent(Event, kw_only=True, frozen=True):
    """An event in the processing of one administrative-procedure dossier."""

    dossier_id: Id

    @property
    def family(self) -> str:
        return "dossier"

    @property
    def entity_id(self) -> str:
        return self.dossier_id


class DossierReceived(DossierEvent, kw_only=True, frozen=True, tag="dossier.received"):
    """A dossier was received; the statutory clock starts."""

    procedure_code: Id
    sector: Name
    agency: Name
    channel: DossierChannel
    full_online: bool = False
    statutory_days: Annotated[float, Meta(gt=0, le=365)]
    has_fee: bool = False


class DossierProcessing(DossierEvent, kw_only=True, frozen=True, tag="dossier.processing"):
    """The dossier moved to an officer or step."""

    step: Name | None = None


class DossierSupplementRequested(DossierEvent, kw_only=True, frozen=True, tag="dossier.supplement_requested"):
    """Supplements were requested from the citizen: the clock stops."""

    reason: Text = ""


class DossierSupplementReceived(DossierEvent, kw_only=True, frozen=True, tag="dossier.supplement_received"):
    """The citizen supplied what was asked: the clock runs again."""


class DossierExtended(DossierEvent, kw_only=True, frozen=True, tag="dossier.extended"):
    """The processing time was extended by a number of working days."""

    extension_days: Annotated[float, Meta(gt=0, le=365)]
    reason: Text = ""


class DossierCompleted(DossierEvent, kw_only=True, frozen=True, tag="dossier.completed"):
    """The result was issued."""

    paid_online: bool = False
    digitised: bool = False


class DossierReturned(DossierEvent, kw_only=True, frozen=True, tag="dossier.returned"):
    """The dossier was returned to the citizen without a result."""

    reason: Text = ""


# --- 5G and digital infrastructure -----------------------------------------------------------


class InfraEvent(Event, kw_only=True, frozen=True):
    """An event about one cell site, core node or data centre."""

    site_id: Id

    @property
    def family(self) -> str:
        return "infra"

    @property
    def entity_id(self) -> str:
        return self.site_id


class SiteStatusChanged(InfraEvent, kw_only=True, frozen=True, tag="site.status"):
    """The site's status changed (up, degraded, down)."""

    status: SiteStatus
    kind: SiteKind
    operator: Operator
    technology: Technology


class AlarmRaised(InfraEvent, kw_only=True, frozen=True, tag="site.alarm_raised"):
    """An alarm was raised on the site."""

    alarm_id: Id
    severity: Severity
    text: Text = ""


class AlarmCleared(InfraEvent, kw_only=True, frozen=True, tag="site.alarm_cleared"):
    """An alarm was cleared."""

    alarm_id: Id


class SiteMetrics(InfraEvent, kw_only=True, frozen=True, tag="site.metrics"):
    """Periodic metrics of the site over the last interval."""

    active_users: Annotated[int, Meta(ge=0)]
    throughput_mbps: NonNegative
    latency_ms: NonNegative
    interval_s: Annotated[int, Meta(gt=0, le=86400)] = 300


AnyEvent = (
    FeedbackReceived | FeedbackForwarded | FeedbackInProgress | FeedbackExtended | FeedbackAnswered
    | FeedbackClosed | FeedbackRejected | FeedbackDuplicate
    | DossierReceived | DossierProcessing | DossierSupplementRequested | DossierSupplementReceived
    | DossierExtended | DossierCompleted | DossierReturned
    | SiteStatusChanged | AlarmRaised | AlarmCleared | SiteMetrics
)  # fmt: skip

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in AnyEvent.__args__  # type: ignore[attr-defined]
}
FAMILIES: dict[str, tuple[str, ...]] = {
    family: tuple(t for t in EVENT_TYPES if t.split(".")[0] == prefix)
    for family, prefix in (("feedback", "feedback"), ("dossier", "dossier"), ("infra", "site"))
}
