"""Indicator formulas by hand, and the store's indicator queries on a scripted week of events."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from ioc import events as ev
from ioc import indicators as ind
from ioc.ingest import decode_batch
from ioc.sla import classify_open
from ioc.store import queries as q
from ioc.store import write_batch
from ioc.worktime import VN_TZ, WorkCalendar

from .conftest import CodeLocator, messages

ROOT = Path(__file__).resolve().parents[2]
CAL = WorkCalendar.vietnam()


def vn(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    """A local time in March 2025 (Monday 10 March has no holiday nearby)."""
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    "key, facts, expected",
    [
        ("dos.on_time_rate", {"dos.early": 90, "dos.on_time": 5, "dos.completed": 100}, 95.0),
        ("dos.on_time_rate", {"dos.early": 0, "dos.completed": 0}, None),
        ("dos.online_rate", {"dos.received_online": 80, "dos.received": 100}, 80.0),
        ("dos.online_payment_rate", {"dos.paid_online": 30, "dos.fee": 50}, 60.0),
        ("dos.online_payment_rate", {"dos.paid_online": 0, "dos.fee": 0}, None),
        ("dos.full_online_share", {"dos.full_online": 25, "dos.received": 100}, 25.0),
        ("dos.digitised_rate", {"dos.digitised": 45, "dos.completed": 60}, 75.0),
        ("dos.avg_days", {"dos.work_hours": 120, "dos.completed": 10}, 1.5),  # 120 h / 8 / 10
        ("dos.avg_days", {}, None),
        ("dos.overdue", {"dos.overdue": 7}, 7.0),
        ("dos.due_soon", {}, 0.0),
        ("fb.processed_rate", {"fb.received": 200, "fb.cohort_excluded": 10, "fb.cohort_open": 19}, 90.0),
        ("fb.processed_rate", {"fb.received": 3, "fb.cohort_excluded": 3}, None),  # all rejected: no data
        ("fb.on_time_rate", {"fb.resolved_on_time": 45, "fb.resolved": 50}, 90.0),
        ("fb.avg_days", {"fb.answer_hours": 96, "fb.resolved": 4}, 3.0),
        ("fb.satisfaction_rate", {"fb.satisfied": 46, "fb.rated": 50}, 92.0),
        ("fb.avg_rating", {"fb.rating_sum": 210, "fb.rated": 50}, 4.2),
        ("site.availability", {"sites.total": 10, "range.minutes": 600, "site.down_minutes": 30,
                               "site.open_down_minutes": 30}, 99.0),  # 1 - 60 / 6000
        ("site.availability", {"sites.total": 0, "range.minutes": 600}, None),
        ("site.share_5g", {"sites.in_service_5g": 7, "sites.in_service": 20}, 35.0),
        ("site.outage_minutes", {"site.down_minutes": 30, "site.open_down_minutes": 12.5}, 42.5),
        ("site.mttr", {"site.restore_minutes": 90, "site.restored": 3}, 30.0),
        ("site.active_outages", {"sites.down": 2}, 2.0),
    ],
)  # fmt: skip
def test_formula(key: str, facts: dict[str, float], expected: float | None) -> None:
    assert ind.compute_values(facts, (key,))[key] == pytest.approx(expected)


SCORE_VALUES = {"fb.processed_rate": 90.0, "dos.on_time_rate": 95.0, "dos.digitised_rate": 75.0,
                "dos.online_rate": 80.0, "dos.full_online_share": 25.0, "dos.online_payment_rate": 60.0,
                "fb.satisfaction_rate": 92.0}  # fmt: skip


@pytest.mark.parametrize(
    "values, expected",
    [
        (SCORE_VALUES, (90 + 95 + 75 + (80 + 25 + 60) / 3 + 92) / 5),
        ({**SCORE_VALUES, "fb.satisfaction_rate": None}, (90 + 95 + 75 + 55) / 4),  # no data: the group drops
        ({**SCORE_VALUES, "dos.online_rate": None}, (90 + 95 + 75 + (25 + 60) / 2 + 92) / 5),
        ({}, None),
    ],
)
def test_service_score_is_a_weighted_mean_of_group_means(values: dict[str, float | None],
                                                          expected: float | None) -> None:  # fmt: skip
    assert ind.service_score(values, ind.ScoreConfig()) == pytest.approx(expected)


def test_score_weights_come_from_configuration(tmp_path: Path) -> None:
    path = tmp_path / "score.toml"
    path.write_text('[[group]]\nkey = "timeliness"\nweight = 3\n[[group]]\nkey = "satisfaction"\nweight = 1')
    config = ind.load_score_config(path)
    assert [(g.key, g.weight) for g in config.groups] == [("timeliness", 3.0), ("satisfaction", 1.0)]
    assert ind.service_score(SCORE_VALUES, config) == pytest.approx((3 * 95 + 92) / 4)
    path.write_text('[[group]]\nkey = "x"\nweight = 1\nindicators = ["dos.overdue"]\n')
    with pytest.raises(ValueError, match="dos.overdue"):
        ind.load_score_config(path)


def test_score_says_it_is_an_estimate() -> None:
    built = ind.build_set(SCORE_VALUES, None, province="33", unit=None, since=vn(10), until=vn(11),
                          now=vn(11))  # fmt: skip
    score = built["score.service"]
    assert score.estimate and "ƯỚC TÍNH" in score.name_vi and "ESTIMATE" in score.name_en
    assert not any(i.estimate for i in built if i.key != "score.service")


@pytest.mark.parametrize(
    "value, unit, shown",
    [(None, "%", "—"), (98.94, "%", "98.9 %"), (1234.0, "count", "1,234"), (2.25, "working_days", "2.2 d"),
     (4.16, "rating", "4.2/5"), (42.0, "minutes", "42.0 min")],
)  # fmt: skip
def test_display(value: float | None, unit: ind.UnitOf, shown: str) -> None:
    assert ind.Indicator("k", value, unit, "vi", "en").display() == shown


@pytest.mark.parametrize(
    "value, previous, target, better, change, meets",
    [(99.5, 98.0, 99.0, True, 1.5, True), (97.0, None, 99.0, True, None, False),
     (None, 98.0, 99.0, True, None, None), (2.0, 3.0, 2.5, False, -1.0, True)],
)  # fmt: skip
def test_change_and_target(value: float | None, previous: float | None, target: float, better: bool,
                           change: float | None, meets: bool | None) -> None:  # fmt: skip
    indicator = ind.Indicator("k", value, "%", "vi", "en", target, previous, better)
    assert (indicator.change, indicator.meets_target) == (pytest.approx(change), meets)


@pytest.mark.parametrize(
    "counts, population, expected",
    [
        ({"a": 10, "b": 30, "c": 0}, None, [("b", 30, None), ("a", 10, None)]),  # no population: by count
        ({"a": 10, "b": 30}, {"a": 1000, "b": 100_000}, [("a", 10, 100.0), ("b", 30, 3.0)]),  # per 10,000
        ({"a": 10, "b": 30}, {"a": 1000, "b": None}, [("b", 30, None), ("a", 10, 100.0)]),  # partly: by count
    ],
)
def test_rank(counts: dict[str, float], population: dict[str, int | None] | None,
              expected: list[tuple[str, float, float | None]]) -> None:  # fmt: skip
    assert [(r.key, r.count, r.per_10k) for r in ind.rank(counts, population)] == expected


def test_open_outage_minutes_count_only_inside_the_range() -> None:
    starts = [vn(10, 9), vn(10, 11, 30)]
    assert ind.open_outage_minutes(starts, since=vn(10, 10), until=vn(10, 12), now=vn(10, 11, 45)) == 105 + 15


def test_every_indicator_is_documented() -> None:
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    for d in ind.DEFINITIONS:
        assert f"`{d.key}`" in doc and d.name_vi in doc, d.key
    assert "`score.service`" in doc


# --- The store: a scripted week (Monday 10 to Wednesday 12 March 2025, now Wednesday 10:00) -----------

NOW = vn(12, 10)
_ids = itertools.count()


def e(cls: type[ev.Event], at: datetime, unit: str = "12001", **fields: object) -> ev.Event:
    """An event of type ``cls`` with a fresh id."""
    return cls(event_id=f"t-{next(_ids)}", occurred_at=at, source="test", unit=unit, **fields)  # type: ignore[call-arg]


def dossier(i: int, at: datetime, channel: str = "online", days: float = 1, **fields: object) -> ev.Event:
    """A received dossier D<i>."""
    return e(ev.DossierReceived, at, dossier_id=f"D{i}", procedure_code="1.001612", sector="Hộ tịch",
             agency="UBND xã", channel=channel, statutory_days=days, **fields)  # fmt: skip


def site(i: int, at: datetime, status: str, tech: str = "4G") -> ev.Event:
    """Site S<i> changes status."""
    return e(ev.SiteStatusChanged, at, site_id=f"S{i}", status=status, kind="cell_site", operator="vnpt",
             technology=tech)  # fmt: skip


def week() -> list[ev.Event]:
    """Dossiers D1-D8, feedback F1-F5 and sites S1-S3; see the expectations below for what each does."""
    return [
        dossier(1, vn(10, 9), full_online=True, has_fee=True),  # due Tue 09:00
        e(ev.DossierCompleted, vn(10, 15), dossier_id="D1", paid_online=True, digitised=True),  # early, 5 h
        dossier(2, vn(10, 9), channel="in_person", has_fee=True),
        e(ev.DossierCompleted, vn(11, 8, 30), dossier_id="D2"),  # on the due day: on time, 7.5 h
        dossier(3, vn(10, 9)),
        e(ev.DossierCompleted, vn(11, 10), dossier_id="D3", digitised=True),  # late, 9 h
        dossier(4, vn(10, 9)), e(ev.DossierProcessing, vn(10, 10), dossier_id="D4"),  # open, overdue now
        dossier(5, vn(12, 9), days=3),  # due Mon 17 09:00: 23 working hours left, due soon
        dossier(6, vn(12, 8), channel="in_person", days=5),  # 38 working hours left: on track
        dossier(7, vn(10, 9), channel="postal"),
        e(ev.DossierSupplementRequested, vn(10, 10), dossier_id="D7"),  # waiting: not overdue
        dossier(8, vn(7, 15), channel="in_person"), e(ev.DossierReturned, vn(10, 11), dossier_id="D8"),
        e(ev.FeedbackReceived, vn(10, 9), case_id="F1", channel="zalo", category="environment"),
        e(ev.FeedbackAnswered, vn(11, 9), case_id="F1"),
        e(ev.FeedbackClosed, vn(11, 12), case_id="F1", satisfaction=5),
        e(ev.FeedbackReceived, vn(10, 9), case_id="F2", channel="hotline_1022", category="health"),
        e(ev.FeedbackReceived, vn(10, 10), case_id="F3", channel="web_portal", category="traffic"),
        e(ev.FeedbackRejected, vn(10, 11), case_id="F3"),
        e(ev.FeedbackReceived, vn(11, 9), "12002", case_id="F4", channel="zalo", category="environment"),
        e(ev.FeedbackAnswered, vn(12, 9), "12002", case_id="F4"),
        e(ev.FeedbackClosed, vn(12, 9, 30), "12002", case_id="F4", satisfaction=3),
        e(ev.FeedbackReceived, vn(20, 9, month=2), case_id="F5", channel="zalo", category="other"),  # overdue
        site(1, vn(10), "up", "5G"), site(1, vn(11, 10), "down", "5G"), site(1, vn(11, 10, 30), "up", "5G"),
        site(2, vn(10), "up"), site(2, vn(12, 9), "down"),
        e(ev.AlarmRaised, vn(12, 9), site_id="S2", alarm_id="A1", severity="major"),
        site(3, vn(10), "degraded"),
    ]  # fmt: skip


EXPECTED = {
    "dos.received": 7, "dos.completed": 3, "dos.on_time_rate": 2 / 3 * 100, "dos.late": 1, "dos.returned": 1,
    "dos.open": 4, "dos.overdue": 1, "dos.due_soon": 1, "dos.waiting": 1, "dos.online_rate": 4 / 7 * 100,
    "dos.online_payment_rate": 50.0, "dos.full_online_share": 1 / 7 * 100, "dos.digitised_rate": 2 / 3 * 100,
    "dos.avg_days": (5 + 7.5 + 9) / 8 / 3,
    "fb.received": 4, "fb.resolved": 2, "fb.processed_rate": (4 - 1 - 1) / (4 - 1) * 100,
    "fb.on_time_rate": 100.0, "fb.avg_days": (8 + 8) / 8 / 2, "fb.satisfaction_rate": 50.0,
    "fb.avg_rating": 4.0, "fb.open": 2, "fb.overdue": 1,
    "site.availability": (1 - (30 + 60) / (3 * 58 * 60)) * 100, "site.share_5g": 50.0, "site.total": 3,
    "site.active_outages": 1, "site.degraded": 1, "site.alarms_open": 1, "site.outages": 2,
    "site.outage_minutes": 90.0, "site.mttr": 30.0,
}  # fmt: skip


def store(engine: Engine, events: list[ev.Event], cal: WorkCalendar, batch: int = 7) -> None:
    """Through the real ingest path, in batches."""
    values = [msgspec.json.encode(x) for x in events]
    for i in range(0, len(values), batch):
        accepted, dead = decode_batch(messages(values[i : i + batch]), CodeLocator(), 65536)
        write_batch(engine, accepted, dead, cal)


@pytest.fixture
def scripted(sqlite_engine: Engine, cal: WorkCalendar) -> Engine:
    events = week()
    random.Random(7).shuffle(events)  # arrival order must not matter
    store(sqlite_engine, events, cal)
    return sqlite_engine


def test_indicators_of_the_scripted_week(scripted: Engine) -> None:
    with scripted.connect() as conn:
        got = q.compute_indicators(conn, province="33", since=vn(10), until=NOW, now=NOW, cal=CAL)
    assert {k: got[k].value for k in EXPECTED} == pytest.approx(EXPECTED)
    assert got["dos.online_rate"].previous == 0.0  # D8 was received in the previous 58 hours, in person
    assert got["dos.on_time_rate"].previous is None  # nothing completed then: "—", not 0
    assert got["dos.overdue"].previous is None  # counts of open items have no previous period
    assert got["site.availability"].previous == 100.0
    assert [(r.key, r.count) for r in got.top_categories] == [("environment", 2), ("health", 1),
                                                              ("traffic", 1)]  # fmt: skip
    assert [(r.key, r.count) for r in got.hotspots] == [("12001", 3), ("12002", 1)]


def test_unit_scope_and_map(scripted: Engine) -> None:
    with scripted.connect() as conn:
        unit = q.compute_indicators(conn, province="33", unit="12002", since=vn(10), until=NOW, now=NOW)
        by_unit = q.unit_rollup_for_map(conn, "fb.received", "33", vn(10), NOW, now=NOW, cal=CAL)
        overdue = q.unit_rollup_for_map(conn, "dos.overdue", "33", vn(10), NOW, now=NOW, cal=CAL)
        elsewhere = q.compute_indicators(conn, province="01", since=vn(10), until=NOW, now=NOW, cal=CAL)
    assert (unit["fb.received"].value, unit["dos.received"].value, unit["fb.avg_rating"].value) == (1, 0, 3.0)
    assert by_unit == {"12001": 3.0, "12002": 1.0}
    assert overdue == {"12001": 1.0}
    assert elsewhere["dos.on_time_rate"].value is None and elsewhere["site.total"].value == 0


def test_rollup_reads(scripted: Engine) -> None:
    with scripted.connect() as conn:
        days = q.rollup_series(conn, "fb.received", since=vn(10), until=NOW, step="day")
        hours = q.rollup_series(conn, "site.down_minutes", since=vn(11, 9), until=vn(11, 12))
        totals = q.rollup_totals(conn, ["dos.completed", "dos.none"], province="33", since=vn(10), until=NOW)
        agencies = q.rollup_by_dim(conn, "dos.completed", "agency:", since=vn(10), until=NOW)
    assert days == [(vn(10), 3.0), (vn(11), 1.0), (vn(12), 0.0)]
    assert [v for _, v in hours] == [0.0, 30.0, 0.0]
    assert totals == {"dos.completed": 3.0, "dos.none": 0.0}
    assert agencies == {"UBND xã": 3.0}


@pytest.mark.parametrize(
    "queue, ids",
    [("dossiers_overdue", ["D4"]), ("dossiers_due_soon", ["D5"]), ("dossiers_waiting", ["D7"]),
     ("feedback_open", ["F5", "F2"]), ("feedback_overdue", ["F5"]), ("sites_down", ["S2"])],
)  # fmt: skip
def test_open_items(scripted: Engine, queue: q.Queue, ids: list[str]) -> None:
    with scripted.connect() as conn:
        rows = q.open_items(conn, queue, province="33", now=NOW, cal=CAL)
    assert [r.get("id") or r.get("site_id") for r in rows] == ids
    assert all("text" not in r and "doc" not in r for r in rows)


def test_stream_health_and_dead_letters(scripted: Engine, cal: WorkCalendar) -> None:
    accepted, dead = decode_batch(messages([b"{not json"], topic="ioc.feedback"), CodeLocator(), 65536)
    write_batch(scripted, accepted, dead, cal)
    with scripted.connect() as conn:
        health = {h["family"]: h for h in q.stream_health(conn, NOW)}
        letters = q.dead_letters(conn)
    assert health["infra"]["newest_event_at"] == vn(12, 9)
    assert health["infra"]["event_age_s"] == 3600
    assert health["dossier"]["events_total"] == 14
    assert [(d["topic"], d["kind"], d["size"]) for d in letters] == [("ioc.feedback", "json", 9)]


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1)),
       st.integers(min_value=0, max_value=10 * 24 * 3600 * 10**6))  # fmt: skip
def test_soon_until_agrees_with_classify_open(naive_now: datetime, ahead_us: int) -> None:
    now = naive_now.replace(tzinfo=VN_TZ)
    due = now + timedelta(microseconds=ahead_us)
    assert (due <= q.soon_until(CAL, now)) == (classify_open(CAL, due, now) == "due_soon")
