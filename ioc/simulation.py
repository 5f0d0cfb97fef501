"""A realistic generator of the three streams for one scope: the simulator and the demo feed.

Cases arrive in an office-hours rhythm, walk through their lifecycles (most dossiers
finish on time, some late; feedback gets answered and rated; sites fail and recover),
and a small share of events is delivered late, out of order, as real feeds do.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NotRequired, TypedDict
from zoneinfo import ZoneInfo

from ioc import events as ev
from ioc.worktime import WorkCalendar

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class SimUnit:
    """A commune the simulator places events in."""

    code: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _Site:
    """A cell site the simulator fails and recovers."""

    id: str
    unit: SimUnit
    tech: ev.Technology
    operator: ev.Operator


class _Common(TypedDict):
    """The fields every simulated event carries: identity, time, source and place."""

    event_id: str
    occurred_at: datetime
    source: str
    unit: NotRequired[str]
    lat: NotRequired[float]
    lon: NotRequired[float]


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure of the catalogue."""

    code: str
    sector: str
    agency: str
    days: float
    has_fee: bool
    full_online: bool


PROCEDURES = (
    Procedure("1.001612", "Hộ tịch", "UBND cấp xã", 1, False, True),
    Procedure("2.000635", "Chứng thực", "UBND cấp xã", 1, True, False),
    Procedure("1.004227", "Đất đai", "Văn phòng đăng ký đất đai", 10, True, False),
    Procedure("1.009972", "Xây dựng", "Sở Xây dựng", 15, True, False),
    Procedure("2.001244", "Đăng ký kinh doanh", "Sở Tài chính", 3, True, True),
    Procedure("1.001023", "Tư pháp", "Sở Tư pháp", 10, True, True),
    Procedure("1.005123", "Lao động", "Sở Nội vụ", 5, False, True),
    Procedure("1.000894", "Giáo dục", "Sở Giáo dục và Đào tạo", 5, False, True),
    Procedure("1.003347", "Y tế", "Sở Y tế", 20, True, False),
)
FEEDBACK_MIX: tuple[tuple[ev.FeedbackCategory, int], ...] = (
    ("urban_order", 22), ("environment", 18), ("traffic", 14), ("land", 12), ("utilities", 10),
    ("social_welfare", 8), ("health", 6), ("education", 5), ("other", 5),
)  # fmt: skip
CHANNELS: tuple[tuple[ev.FeedbackChannel, int], ...] = (
    ("zalo", 40), ("citizen_app", 25), ("hotline_1022", 18), ("web_portal", 10), ("in_person", 7),
)  # fmt: skip
TEXTS = (
    "Rác thải tồn đọng nhiều ngày tại đầu ngõ, đề nghị thu gom.",
    "Đèn chiếu sáng công cộng hỏng, đường tối. Liên hệ 0912345678.",
    "Lấn chiếm vỉa hè làm nơi buôn bán, gây cản trở giao thông.",
    "Mất nước sinh hoạt 3 ngày chưa được khắc phục.",
    "Ổ gà lớn trên đường liên xã, nguy hiểm cho người đi xe máy.",
    "Đề nghị kiểm tra tiếng ồn karaoke sau 22h. Email: nguoidan@example.vn",
)
OPERATORS: tuple[ev.Operator, ...] = ("viettel", "vnpt", "mobifone")
# Share of the stream's events by family, at the chosen total rate.
MIX = {"dossier": 0.45, "feedback": 0.25, "infra": 0.30}
EVENTS_PER_CASE = {"dossier": 3.6, "feedback": 4.6}


def rhythm(at: datetime) -> float:
    """Relative arrival intensity: busy office hours, quiet nights and weekends (mean ~1)."""
    local = at.astimezone(LOCAL)
    weekend = local.weekday() >= 5
    if 8 <= local.hour < 17:
        return 0.9 if weekend else 2.6
    if 6 <= local.hour < 22:
        return 0.5
    return 0.12


class Simulator:
    """Events of one scope in event-time order, from ``start`` on, about ``rate`` events/s."""

    def __init__(
        self, units: Sequence[SimUnit], *, rate: float, start: datetime, cal: WorkCalendar,
        seed: int = 0, late_fraction: float = 0.01, source: str = "simulator",
    ) -> None:  # fmt: skip
        if not units:
            raise ValueError("the simulator needs at least one unit")
        self.units, self.rate, self.cal, self.source = list(units), rate, cal, source
        self.rng = random.Random(seed)
        self.late_fraction = late_fraction
        self.now = start
        self._heap: list[tuple[datetime, int, ev.Event]] = []
        self._seq = itertools.count()
        self._sites = self._make_sites()
        metrics_rate = rate * MIX["infra"] * 0.9
        self.metrics_interval = max(60.0, len(self._sites) / max(metrics_rate, 1e-6))
        for site in self._sites:
            self._push(start + timedelta(seconds=self.rng.uniform(0, 60)), self._status(site, "up", start))
            self._schedule_metrics(site, start)
        self._next_case = {f: start for f in EVENTS_PER_CASE}

    # --- public ---------------------------------------------------------------------------

    def advance(self, until: datetime) -> list[ev.Event]:
        """Every event delivered up to ``until``, in delivery order."""
        for family in EVENTS_PER_CASE:
            self._arrivals(family, until)
        out: list[ev.Event] = []
        while self._heap and self._heap[0][0] <= until:
            at, _, event = heapq.heappop(self._heap)
            out.append(event)
            if isinstance(event, ev.SiteMetrics):
                self._schedule_metrics(self._site_by_id[event.site_id], at)
            elif isinstance(event, ev.SiteStatusChanged) and event.status == "up":
                self._schedule_outage(self._site_by_id[event.site_id], at)  # one outage chain per site
        self.now = until
        return out

    def stream(self, step: timedelta = timedelta(minutes=1)) -> Iterator[ev.Event]:
        """An endless fast-forward stream of events, ``step`` of simulated time at a time."""
        while True:
            yield from self.advance(self.now + step)

    # --- generation -----------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        return f"{prefix}-{self.rng.getrandbits(64):016x}"

    def _push(self, at: datetime, event: ev.Event) -> None:
        delivered = at
        if self.rng.random() < self.late_fraction:
            delivered = at + timedelta(minutes=self.rng.uniform(5, 240))  # a feed that catches up late
        heapq.heappush(self._heap, (delivered, next(self._seq), event))

    def _arrivals(self, family: str, until: datetime) -> None:
        per_second = self.rate * MIX[family] / EVENTS_PER_CASE[family]
        t = self._next_case[family]
        while True:
            t += timedelta(seconds=self.rng.expovariate(per_second * 2.6))
            if t > until:
                break
            if self.rng.random() < rhythm(t) / 2.6:  # thinning to the office-hours rhythm
                (self._dossier if family == "dossier" else self._feedback)(t)
        self._next_case[family] = until  # memoryless: drawing again from ``until`` is exact

    def _common(self, at: datetime, unit: SimUnit, with_coords: bool = False) -> _Common:
        base: _Common = {"event_id": self._id("ev"), "occurred_at": at, "source": self.source}
        if with_coords:
            base["lat"] = round(unit.lat + self.rng.uniform(-0.004, 0.004), 5)
            base["lon"] = round(unit.lon + self.rng.uniform(-0.004, 0.004), 5)
        else:
            base["unit"] = unit.code
        return base

    def _dossier(self, at: datetime) -> None:
        r, unit, proc = self.rng, self.rng.choice(self.units), self.rng.choice(PROCEDURES)
        did = self._id("hs")
        online = proc.full_online or r.random() < 0.55
        offline: tuple[ev.DossierChannel, ...] = ("in_person", "in_person", "postal")
        channel: ev.DossierChannel = "online" if online else r.choice(offline)
        self._push(at, ev.DossierReceived(
            **self._common(at, unit), dossier_id=did, procedure_code=proc.code, sector=proc.sector,
            agency=proc.agency, channel=channel, full_online=proc.full_online and online,
            statutory_days=proc.days, has_fee=proc.has_fee,
        ))  # fmt: skip
        t = at + timedelta(minutes=r.uniform(10, 240))
        self._push(t, ev.DossierProcessing(**self._common(t, unit), dossier_id=did))
        paused_days = 0.0
        if r.random() < 0.12:
            t = t + timedelta(hours=r.uniform(2, 30))
            self._push(t, ev.DossierSupplementRequested(
                **self._common(t, unit), dossier_id=did, reason="Thiếu bản sao giấy tờ"
            ))  # fmt: skip
            paused_days = r.uniform(0.5, 5)
            t = self.cal.add_working_days(t, paused_days)
            self._push(t, ev.DossierSupplementReceived(**self._common(t, unit), dossier_id=did))
        roll = r.random()
        share = r.uniform(0.2, 0.95) if roll < 0.93 else r.uniform(1.02, 1.6)  # ~7 % finish late
        done = self.cal.add_working_days(at, proc.days * share + paused_days)
        if r.random() < 0.03:
            self._push(done, ev.DossierReturned(
                **self._common(done, unit), dossier_id=did, reason="Không đủ điều kiện"
            ))  # fmt: skip
        else:
            self._push(done, ev.DossierCompleted(
                **self._common(done, unit), dossier_id=did,
                paid_online=online and r.random() < 0.7, digitised=r.random() < 0.8,
            ))  # fmt: skip

    def _feedback(self, at: datetime) -> None:
        r, unit = self.rng, self.rng.choice(self.units)
        cid = self._id("pa")
        category = r.choices([c for c, _ in FEEDBACK_MIX], [w for _, w in FEEDBACK_MIX])[0]
        channel = r.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        self._push(at, ev.FeedbackReceived(
            **self._common(at, unit, with_coords=r.random() < 0.3), case_id=cid,
            channel=channel, category=category, text=r.choice(TEXTS),
        ))  # fmt: skip
        if r.random() < 0.05:
            t = at + timedelta(hours=r.uniform(1, 8))
            reason = "Không thuộc thẩm quyền"
            self._push(t, ev.FeedbackRejected(**self._common(t, unit), case_id=cid, reason=reason))
            return
        t = at + timedelta(hours=r.uniform(0.5, 6))
        self._push(t, ev.FeedbackForwarded(**self._common(t, unit), case_id=cid, agency="UBND xã"))
        t = t + timedelta(hours=r.uniform(1, 24))
        self._push(t, ev.FeedbackInProgress(**self._common(t, unit), case_id=cid))
        t = self.cal.add_working_days(at, r.uniform(0.5, 9) if r.random() < 0.9 else r.uniform(11, 20))
        self._push(t, ev.FeedbackAnswered(**self._common(t, unit), case_id=cid))
        t = t + timedelta(hours=r.uniform(2, 72))
        score = r.choices([5, 4, 3, 2, 1], [45, 35, 10, 6, 4])[0] if r.random() < 0.8 else None
        self._push(t, ev.FeedbackClosed(**self._common(t, unit), case_id=cid, satisfaction=score))

    # --- infrastructure -------------------------------------------------------------------

    def _make_sites(self) -> list[_Site]:
        count = max(6, min(600, len(self.units) * 2))
        sites = []
        for i in range(count):
            unit = self.units[i % len(self.units)]
            tech: ev.Technology = "5G" if self.rng.random() < 0.35 else "4G"
            sites.append(_Site(f"bts-{unit.code}-{i:04d}", unit, tech, OPERATORS[i % 3]))
        self._site_by_id = {s.id: s for s in sites}
        return sites

    def _status(self, site: _Site, status: ev.SiteStatus, at: datetime) -> ev.Event:
        return ev.SiteStatusChanged(
            **self._common(at, site.unit), site_id=site.id, status=status,
            kind="cell_site", operator=site.operator, technology=site.tech,
        )  # fmt: skip

    def _schedule_metrics(self, site: _Site, after: datetime) -> None:
        at = after + timedelta(seconds=self.metrics_interval)
        users = int(rhythm(at) * self.rng.uniform(40, 400) * (1.6 if site.tech == "5G" else 1))
        event = ev.SiteMetrics(
            **self._common(at, site.unit), site_id=site.id, active_users=users,
            throughput_mbps=round(users * self.rng.uniform(0.5, 3), 1),
            latency_ms=round(self.rng.uniform(8, 45), 1), interval_s=int(self.metrics_interval),
        )  # fmt: skip
        heapq.heappush(self._heap, (at, next(self._seq), event))

    def _schedule_outage(self, site: _Site, after: datetime) -> None:
        start = after + timedelta(hours=self.rng.expovariate(1 / 96))  # about one outage per site in 4 days
        minutes = self.rng.lognormvariate(3.3, 0.9)  # median ~27 min, a long tail
        end = start + timedelta(minutes=minutes)
        alarm = self._id("alm")
        self._push(start, self._status(site, "down", start))
        self._push(start, ev.AlarmRaised(
            **self._common(start, site.unit), site_id=site.id, alarm_id=alarm,
            severity="critical", text="Mất kết nối truyền dẫn",
        ))  # fmt: skip
        self._push(end, self._status(site, "up", end))
        self._push(end, ev.AlarmCleared(**self._common(end, site.unit), site_id=site.id, alarm_id=alarm))
