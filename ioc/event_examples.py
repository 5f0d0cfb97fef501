"""One example of every event type: the documentation's examples and the tests' fixtures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TypedDict

from ioc import events as ev

ICT = timezone(timedelta(hours=7))
T0 = datetime(2026, 3, 2, 8, 15, tzinfo=ICT)


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# Fields shared by the events of one case, dossier or site; typed so that ``**`` is checked field by field.
class _Case(TypedDict):
    source: str
    unit: str
    case_id: str


class _Dossier(TypedDict):
    source: str
    unit: str
    dossier_id: str


class _Site(TypedDict):
    source: str
    site_id: str
    lat: float
    lon: float


def examples() -> dict[str, ev.Event]:
    """``type -> event`` for every event type, in lifecycle order."""
    fb: _Case = {"source": "zalo-mini-app", "unit": "12364", "case_id": "PA-2026-000123"}
    ds: _Dossier = {"source": "dvc-hungyen", "unit": "12364", "dossier_id": "000.00.12.H33-260302-0001"}
    st: _Site = {"source": "viettel-oss", "site_id": "VT-HYN-0421", "lat": 20.6461, "lon": 106.0511}
    items: list[ev.Event] = [
        ev.FeedbackReceived(
            event_id="fb-0001", occurred_at=_at(0), **fb, channel="zalo", category="environment",
            text="Rác thải tồn đọng ở đầu ngõ 12 nhiều ngày, đề nghị thu gom."
        ),  # fmt: skip
        ev.FeedbackForwarded(event_id="fb-0002", occurred_at=_at(30), **fb, agency="UBND xã Tiên Lữ"),
        ev.FeedbackInProgress(event_id="fb-0003", occurred_at=_at(90), **fb),
        ev.FeedbackExtended(
            event_id="fb-0004", occurred_at=_at(60 * 24), **fb,
            due_at=datetime(2026, 3, 20, 17, 0, tzinfo=ICT), reason="Cần phối hợp liên ngành"
        ),  # fmt: skip
        ev.FeedbackAnswered(
            event_id="fb-0005", occurred_at=_at(60 * 48), **fb, text="Đã thu gom, xử lý xong."
        ),  # fmt: skip
        ev.FeedbackClosed(event_id="fb-0006", occurred_at=_at(60 * 50), **fb, satisfaction=5),
        ev.FeedbackRejected(
            event_id="fb-0007", occurred_at=_at(45), source="hotline-1022", unit="12364",
            case_id="PA-2026-000124", reason="Không thuộc phạm vi tiếp nhận"
        ),  # fmt: skip
        ev.FeedbackDuplicate(
            event_id="fb-0008", occurred_at=_at(50), source="web-portal", unit="12364",
            case_id="PA-2026-000125", duplicate_of="PA-2026-000123"
        ),  # fmt: skip
        ev.DossierReceived(
            event_id="hs-0001", occurred_at=_at(0), **ds, procedure_code="1.004227",
            sector="Đất đai", agency="Văn phòng đăng ký đất đai", channel="online",
            full_online=False, statutory_days=10, has_fee=True
        ),  # fmt: skip
        ev.DossierProcessing(event_id="hs-0002", occurred_at=_at(20), **ds, step="Thẩm định"),
        ev.DossierSupplementRequested(
            event_id="hs-0003", occurred_at=_at(60 * 24), **ds, reason="Thiếu bản sao trích lục thửa đất"
        ),  # fmt: skip
        ev.DossierSupplementReceived(event_id="hs-0004", occurred_at=_at(60 * 72), **ds),
        ev.DossierExtended(
            event_id="hs-0005", occurred_at=_at(60 * 96), **ds, extension_days=5,
            reason="Cần xác minh thực địa"
        ),  # fmt: skip
        ev.DossierCompleted(
            event_id="hs-0006", occurred_at=_at(60 * 24 * 9), **ds, paid_online=True, digitised=True
        ),  # fmt: skip
        ev.DossierReturned(
            event_id="hs-0007", occurred_at=_at(60), source="dvc-hungyen", unit="34",
            dossier_id="000.00.12.H33-260302-0002", reason="Hồ sơ không đủ điều kiện"
        ),  # fmt: skip
        ev.SiteStatusChanged(
            event_id="bts-0001", occurred_at=_at(0), **st, status="down", kind="cell_site",
            operator="viettel", technology="5G"
        ),  # fmt: skip
        ev.AlarmRaised(
            event_id="bts-0002", occurred_at=_at(0.5), **st, alarm_id="ALM-77812", severity="critical",
            text="Mất nguồn điện lưới"
        ),  # fmt: skip
        ev.AlarmCleared(event_id="bts-0003", occurred_at=_at(42), **st, alarm_id="ALM-77812"),
        ev.SiteMetrics(
            event_id="bts-0004", occurred_at=_at(45), **st, active_users=318, throughput_mbps=742.5,
            latency_ms=14.2, interval_s=300
        ),  # fmt: skip
    ]
    return {e.__struct_config__.tag: e for e in items}  # type: ignore[misc]
