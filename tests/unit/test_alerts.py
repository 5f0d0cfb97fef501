"""Alert rules: judging values, the lifecycle with holds and hysteresis, and scripted days in the store."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import Engine

from ioc import events as ev
from ioc.alerts import AlertChange, Observation, Rule, acknowledge, advance, judge, load_rules, surge
from ioc.errors import SettingsError
from ioc.ingest import decode_batch
from ioc.store import write_batch
from ioc.store.alerts import acknowledge_alert, alert_history, evaluate, open_alerts
from ioc.worktime import VN_TZ, WorkCalendar

from .conftest import CodeLocator, messages

CAL = WorkCalendar.vietnam()
LOW = Rule("low", "threshold", "Thấp", "Low", indicator="dos.on_time_rate", op="<", value=95, clear=96,
           min_count=3, raise_after=10, clear_after=15)  # fmt: skip
SITE_DOWN = Rule("site_down", "threshold", "Trạm mất liên lạc", "Site down", "critical", per="site",
                 indicator="site.down_for", op=">", value=15, clear=0, clear_after=5)  # fmt: skip
SURGE = Rule("surge", "surge", "Phản ánh tăng", "Feedback surge", value=3, clear=1.5, min_count=8,
             clear_after=30)  # fmt: skip
INCIDENT = Rule("incident", "correlation", "Sự cố", "Incident", "critical", value=2, clear=1.2, min_count=3,
                absorbs=("site_down", "surge"), clear_after=30)  # fmt: skip


def vn(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    """A local time in 2025."""
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    "rule, value, expected",
    [(LOW, 94.0, (True, False)), (LOW, 95.5, (False, False)), (LOW, 96.0, (False, True)),
     (LOW, None, (False, True)), (SITE_DOWN, 16.0, (True, False)), (SITE_DOWN, 3.0, (False, False)),
     (SITE_DOWN, None, (False, True))],
)  # fmt: skip
def test_judge_with_hysteresis(rule: Rule, value: float | None, expected: tuple[bool, bool]) -> None:
    assert judge(rule, value) == expected


@pytest.mark.parametrize(
    "current, baseline, expected",
    [(10, 2, (True, False)), (10, 4, (False, False)), (5, 0, (False, True)), (8, 0, (True, False)),
     (9, 6, (False, True))],
)  # fmt: skip
def test_surge_against_baseline(current: float, baseline: float, expected: tuple[bool, bool]) -> None:
    assert surge(SURGE, current, baseline) == expected


def seen(value: float | None, rule: Rule = LOW) -> Observation:
    """An observation of unit 12001."""
    return Observation("12001", "33", "12001", value, *judge(rule, value))


# (minute, observed value or None for "not seen") -> (state after, change)
LIFECYCLE = [
    (0, 90.0, "pending", None), (5, 91.0, "pending", None), (10, 92.0, "raised", "raised"),
    (12, 97.0, "raised", None),  # clear, but not for 15 minutes yet
    (20, 90.0, "raised", None),  # bad again: the clear hold restarts
    (21, 95.5, "raised", None),  # between the levels: still raised
    (22, 97.0, "raised", None), (36, None, "raised", None), (37, 97.0, "cleared", "cleared"),
    (40, 90.0, "pending", None),  # a new alert starts from pending
]  # fmt: skip


def test_lifecycle_holds_before_raising_and_clearing() -> None:
    record = None
    for minute, value, state, change in LIFECYCLE:
        obs = None if value is None else seen(value)
        record, made = advance(LOW, record, obs, vn(11, 9, minute))
        assert (record.state if record else None, made) == (state, change), minute
    first = record
    assert first is not None and first.raised_at is None


def test_pending_is_dropped_when_the_condition_goes_away() -> None:
    record, _ = advance(LOW, None, seen(90.0), vn(11, 9))
    assert advance(LOW, record, seen(95.5), vn(11, 9, 3)) == (None, None)


@pytest.mark.parametrize("state, change", [("raised", "acknowledged"), ("pending", None), ("cleared", None)])
def test_acknowledge_only_raised(state: str, change: str | None) -> None:
    record, _ = advance(replace(LOW, raise_after=0), None, seen(90.0), vn(11, 9))
    assert record is not None
    acked, made = acknowledge(replace(record, state=state), "chánh văn phòng", vn(11, 10))  # type: ignore[arg-type]
    assert made == change and (acked.acknowledged_by == "chánh văn phòng") == (change is not None)


def test_change_is_plain_json() -> None:
    record, change = advance(replace(LOW, raise_after=0), None, seen(90.0), vn(11, 9))
    assert record is not None and change == "raised"
    data = json.loads(AlertChange(change, vn(11, 9), record).to_json())
    assert (data["change"], data["state"], data["title_vi"]) == ("raised", "raised", "Thấp")
    assert data["at"] == data["raised_at"] == "2025-03-11T09:00:00+07:00"


def test_default_rules_load() -> None:
    rules = load_rules()
    assert {r.kind for r in rules} == {"threshold", "surge", "correlation"}
    assert next(r for r in rules if r.key == "dossier_on_time_low").clear_level == 96.0


@pytest.mark.parametrize(
    "text, error",
    [('key = "a"\nkind = "threshold"\nindicator = "nope"', "unknown indicator"),
     ('key = "a"\nkind = "threshold"\nindicator = "dos.overdue"\nper = "site"', "site.down_for"),
     ('key = "a"\nkind = "threshold"\nindicator = "dos.overdue"\ncolour = "red"', "unknown fields"),
     ('key = "a"\nkind = "sometimes"', "kind must be"),
     ('key = "a"\nkind = "surge"\nper = "scope"', "per unit")],
)  # fmt: skip
def test_bad_rules_are_refused(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(f'[[rule]]\ntitle_vi = "x"\ntitle_en = "x"\n{text}\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=error):
        load_rules(path)


# --- Scripted days through the real ingest path -------------------------------------------------------

_ids = itertools.count()


def e(cls: type[ev.Event], at: datetime, unit: str = "12001", **fields: object) -> ev.Event:
    """An event of type ``cls`` with a fresh id."""
    return cls(event_id=f"a-{next(_ids)}", occurred_at=at, source="test", unit=unit, **fields)  # type: ignore[call-arg]


def site(at: datetime, status: str, unit: str = "12001", site_id: str = "S1") -> ev.Event:
    """A site status change."""
    return e(ev.SiteStatusChanged, at, unit, site_id=site_id, status=status, kind="cell_site",
             operator="viettel", technology="5G")  # fmt: skip


def feedback(at: datetime, unit: str = "12001") -> ev.Event:
    """A feedback case received."""
    return e(ev.FeedbackReceived, at, unit, case_id=f"F{next(_ids)}", channel="zalo", category="utilities")


def store(engine: Engine, *events: ev.Event) -> None:
    """Through decode, placement and write_batch, as the consumer does."""
    accepted, dead = decode_batch(messages([msgspec.json.encode(x) for x in events]), CodeLocator(), 65536)
    write_batch(engine, accepted, dead, CAL)


def run(engine: Engine, rules: list[Rule], at: datetime) -> list[tuple[str, str, str]]:
    """Evaluate the rules at ``at``: (change, rule, subject) of each change."""
    with engine.begin() as conn:
        changes = evaluate(conn, rules, now=at, province="33", cal=CAL)
    return [(c.change, c.alert.rule, c.alert.subject) for c in changes]


def test_site_down_raises_after_15_minutes_survives_a_flap_and_clears(sqlite_engine: Engine) -> None:
    store(sqlite_engine, site(vn(11, 10), "down"))
    assert run(sqlite_engine, [SITE_DOWN], vn(11, 10, 10)) == []
    assert run(sqlite_engine, [SITE_DOWN], vn(11, 10, 16)) == [("raised", "site_down", "S1")]
    with sqlite_engine.begin() as conn:
        (alert,) = open_alerts(conn)
        assert acknowledge_alert(conn, alert.alert_id, by="trực ban", now=vn(11, 10, 20)) is not None
    store(sqlite_engine, site(vn(11, 10, 30), "up"))
    assert run(sqlite_engine, [SITE_DOWN], vn(11, 10, 31)) == []  # clear, holding
    store(sqlite_engine, site(vn(11, 10, 33), "down"))  # a flap: the alert stays, no second one
    assert run(sqlite_engine, [SITE_DOWN], vn(11, 10, 37)) == []
    store(sqlite_engine, site(vn(11, 10, 40), "up"))
    assert run(sqlite_engine, [SITE_DOWN], vn(11, 10, 41)) == []
    assert run(sqlite_engine, [SITE_DOWN], vn(11, 10, 46)) == [("cleared", "site_down", "S1")]
    with sqlite_engine.connect() as conn:
        history = alert_history(conn, alert.alert_id)
        assert open_alerts(conn) == []
    assert [(h["change"], h["actor"]) for h in history] == [("raised", None), ("acknowledged", "trực ban"),
                                                            ("cleared", None)]  # fmt: skip


def dossier(i: int, at: datetime, done: datetime) -> list[ev.Event]:
    """Dossier D<i>, one working day, received at ``at`` and completed at ``done``."""
    return [e(ev.DossierReceived, at, dossier_id=f"D{i}", procedure_code="p", sector="Hộ tịch",
              agency="UBND xã", channel="online", statutory_days=1),
            e(ev.DossierCompleted, done, dossier_id=f"D{i}")]  # fmt: skip


def test_on_time_rate_raises_holds_in_the_band_and_clears(sqlite_engine: Engine) -> None:
    late = [x for i in range(3) for x in dossier(i, vn(10, 9), vn(11, 8 + i))]  # 2 on time, then 10:00: late
    store(sqlite_engine, *late)  # 2 of 3 on time: 66.7 %
    assert run(sqlite_engine, [LOW], vn(11, 12)) == []  # pending: must hold 10 minutes
    assert run(sqlite_engine, [LOW], vn(11, 12, 10)) == [("raised", "low", "12001")]
    store(sqlite_engine, *[x for i in range(3, 22) for x in dossier(i, vn(11, 9), vn(11, 11))])  # 21/22: 95.5
    assert run(sqlite_engine, [LOW], vn(11, 12, 30)) == []  # between 95 and 96: still raised
    assert run(sqlite_engine, [LOW], vn(11, 13, 30)) == []
    store(sqlite_engine, *[x for i in range(22, 40) for x in dossier(i, vn(11, 9), vn(11, 11))])  # 39/40
    assert run(sqlite_engine, [LOW], vn(11, 13, 35)) == []  # clear, holding 15 minutes
    assert run(sqlite_engine, [LOW], vn(11, 13, 50)) == [("cleared", "low", "12001")]


def test_feedback_surge_against_the_same_hours_of_past_weeks(sqlite_engine: Engine) -> None:
    history = [feedback(vn(11, 8, 30) - timedelta(weeks=k)) for k in range(1, 5)]  # one case a week at 08:30
    store(sqlite_engine, *history, *[feedback(vn(11, 8, 40)), feedback(vn(11, 9))])
    assert run(sqlite_engine, [SURGE], vn(11, 9, 30)) == []  # 2 cases since 08:00: fewer than min_count
    store(sqlite_engine, *[feedback(vn(11, 9, m)) for m in range(5, 35, 5)])  # 8 against a baseline of 1
    assert run(sqlite_engine, [SURGE], vn(11, 9, 35)) == [("raised", "surge", "12001")]
    assert run(sqlite_engine, [SURGE], vn(11, 11, 40)) == []  # back to normal: clearing for 30 minutes
    assert run(sqlite_engine, [SURGE], vn(11, 12, 10)) == [("cleared", "surge", "12001")]


def test_outage_then_feedback_in_the_same_commune_is_one_incident(sqlite_engine: Engine) -> None:
    rules = [SITE_DOWN, SURGE, INCIDENT]
    store(sqlite_engine, site(vn(11, 9), "down", "12003"), site(vn(11, 9), "down", "12004", "S2"),
          *[feedback(vn(11, 9, m), "12003") for m in range(2, 24, 2)])  # 11 cases in 12003 after its outage
    changes = run(sqlite_engine, rules, vn(11, 9, 25))
    assert sorted(changes) == [("linked", "site_down", "S1"), ("linked", "surge", "12003"),
                               ("raised", "incident", "12003"), ("raised", "site_down", "S2")]  # fmt: skip
    with sqlite_engine.connect() as conn:
        alerts = {a.rule + ":" + a.subject: a for a in open_alerts(conn)}
    incident = alerts["incident:12003"]
    assert alerts["site_down:S1"].incident_id == incident.alert_id == alerts["surge:12003"].incident_id
    assert alerts["site_down:S2"].incident_id is None  # 12004 had an outage but no trouble
    assert incident.detail["sites_down"] == ["S1"] and incident.detail["feedback"] == 11


def test_an_alert_raised_before_the_incident_joins_it(sqlite_engine: Engine) -> None:
    rules = [SITE_DOWN, SURGE, INCIDENT]
    store(sqlite_engine, site(vn(11, 9), "down", "12003"))
    assert run(sqlite_engine, rules, vn(11, 9, 20)) == [("raised", "site_down", "S1")]
    store(sqlite_engine, *[feedback(vn(11, 9, m), "12003") for m in range(30, 40, 2)])  # 5 cases: no surge
    assert sorted(run(sqlite_engine, rules, vn(11, 9, 45))) == [("linked", "site_down", "S1"),
                                                                ("raised", "incident", "12003")]  # fmt: skip


@pytest.mark.parametrize("dim, incident", [("", True), ("channel:online", False)])
def test_outage_then_returned_dossiers_is_an_incident(sqlite_engine: Engine, dim: str,
                                                      incident: bool) -> None:  # fmt: skip
    returned = []
    for i, minute in enumerate((10, 15, 20)):  # three dossiers returned after the outage, none usually
        received, _ = dossier(100 + i, vn(11, 8), vn(11, 9))
        returned += [msgspec.structs.replace(received, unit="12005"),
                     e(ev.DossierReturned, vn(11, 9, minute), "12005", dossier_id=f"D{100 + i}")]  # fmt: skip
    store(sqlite_engine, site(vn(11, 9), "down", "12005"), *returned)
    rule = replace(INCIDENT, dossier_dim=dim)  # no rollup carries a channel dim yet: nothing to see there
    expected = [("raised", "incident", "12005")] if incident else []
    assert run(sqlite_engine, [rule], vn(11, 9, 40)) == expected


def test_default_rules_run_on_an_empty_store(sqlite_engine: Engine) -> None:
    assert run(sqlite_engine, list(load_rules()), vn(11, 9)) == []
