"""A small real store for dashboard tests: simulated events through the real ingest (decode, place, store)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from geodata.registry import Registry, load_registry
from ioc import events as ev
from ioc.alerts import load_rules
from ioc.ingest import RawMessage
from ioc.settings import Settings
from ioc.simulation import Simulator
from ioc.store import connect, migrate
from ioc.store.alerts import evaluate
from streams.demo import DemoFeed
from streams.service import build_ingest, sim_units
from streams.topics import encode

PROVINCE = "33"  # Hưng Yên (with former Thái Bình): 104 communes
COMMUNE = "11953"  # Phường Phố Hiến


def seed(
    url: str,
    *,
    province: str = PROVINCE,
    days: float = 1.0,
    rate: float = 2.0,
    seed: int = 7,
    now: datetime | None = None,
) -> Engine:
    """A migrated store holding ``days`` of simulated history of the province up to ``now``."""
    now = now or datetime.now(UTC)
    settings = Settings(database_url=url, province=province)
    engine = connect(url)
    migrate(engine)
    registry = load_registry()
    ingest = build_ingest(settings, engine, registry)
    sim = Simulator(
        sim_units(registry, province),
        rate=rate,
        start=now - timedelta(days=days),
        cal=ingest.calendar,
        seed=seed,
        source="test",
    )
    DemoFeed(sim, ingest, batch_size=2000).backfill(now)
    with engine.begin() as conn:  # the alert rules' first look at the history, as the evaluator would
        for minutes in (30, 0):
            evaluate(
                conn,
                load_rules(),
                now=now - timedelta(minutes=minutes),
                province=province,
                cal=ingest.calendar,
            )
    return engine


class Writer:
    """Stores hand-made events through the same handler the Kafka consumer uses."""

    def __init__(self, engine: Engine, settings: Settings, registry: Registry | None = None) -> None:
        self.ingest = build_ingest(settings, engine, registry or load_registry())
        self.offset = 0

    def write(self, events: Sequence[ev.Event]) -> Any:
        """Store these events now."""
        messages = []
        for event in events:
            key, value = encode(event)
            messages.append(RawMessage(f"test.{event.family}", 0, self.offset, value, key))
            self.offset += 1
        return self.ingest(messages)


def feedback(
    text: str, *, unit: str = COMMUNE, at: datetime | None = None, case: str = ""
) -> ev.FeedbackReceived:
    """A new feedback case with this text."""
    at = at or datetime.now(UTC)
    stamp = f"{at.timestamp():.6f}".replace(".", "")
    return ev.FeedbackReceived(
        event_id=f"ev-test-{stamp}-{abs(hash(text)) % 10**6}",
        occurred_at=at,
        source="test",
        unit=unit,
        case_id=case or f"pa-test-{stamp}",
        channel="zalo",
        category="environment",
        text=text,
    )


def heartbeat(at: datetime | None = None, unit: str = COMMUNE) -> list[ev.Event]:
    """One event of each stream, so that every stream is fresh."""
    at = at or datetime.now(UTC)
    stamp = f"{at.timestamp():.6f}".replace(".", "")
    return [
        feedback("Kiểm tra định kỳ", unit=unit, at=at),
        ev.DossierReceived(
            event_id=f"ev-hb-d-{stamp}",
            occurred_at=at,
            source="test",
            unit=unit,
            dossier_id=f"hs-hb-{stamp}",
            procedure_code="1.001612",
            sector="Hộ tịch",
            agency="UBND cấp xã",
            channel="online",
            statutory_days=1,
        ),
        ev.SiteMetrics(
            event_id=f"ev-hb-s-{stamp}",
            occurred_at=at,
            source="test",
            unit=unit,
            site_id=f"bts-{unit}-hb",
            active_users=10,
            throughput_mbps=5.0,
            latency_ms=20.0,
        ),
    ]
