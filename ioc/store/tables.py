"""The store's tables: raw events, dead letters, current states, hourly and daily rollups, stream heads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC on every backend and read back tz-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # SQLite aggregates (max) come back as text
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


metadata = MetaData()

events = Table(
    "events", metadata,
    Column("event_id", String(80), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("family", String(10), nullable=False),
    Column("entity_id", String(80), nullable=False),
    Column("province", String(5), nullable=False),
    Column("unit", String(5), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("ingested_at", UTCDateTime(), nullable=False),
    Column("payload", LargeBinary(), nullable=False),
    Index("ix_events_entity", "family", "entity_id"),
)  # fmt: skip

dead_letters = Table(
    "dead_letters", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("reason", Text(), nullable=False),
    Column("raw", LargeBinary(), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    UniqueConstraint("topic", "partition", "offset", name="uq_dead_letters_position"),
)  # fmt: skip


def _state_columns() -> list[Column[Any]]:
    return [
        Column("province", String(5), nullable=False),
        Column("unit", String(5), nullable=False),
        Column("status", String(20), nullable=False),
        Column("last_at", UTCDateTime()),
        Column("lat", Float()),
        Column("lon", Float()),
        Column("doc", LargeBinary(), nullable=False),
    ]


feedback_cases = Table(
    "feedback_cases", metadata,
    Column("case_id", String(80), primary_key=True),
    *_state_columns(),
    Column("category", String(20)),
    Column("channel", String(20)),
    Column("agency", String(200)),
    Column("received_at", UTCDateTime()),
    Column("due_at", UTCDateTime()),
    Column("answered_at", UTCDateTime()),
    Column("outcome", String(10)),
    Column("satisfaction", Integer()),
    # a covering index (migration 0003)
    Index("ix_feedback_open", "province", "status", "due_at", "answered_at", "received_at"),
)  # fmt: skip

dossiers = Table(
    "dossiers", metadata,
    Column("dossier_id", String(80), primary_key=True),
    *_state_columns(),
    Column("procedure_code", String(80)),
    Column("sector", String(200)),
    Column("agency", String(200)),
    Column("channel", String(20)),
    Column("received_at", UTCDateTime()),
    Column("due_at", UTCDateTime()),
    Column("finished_at", UTCDateTime()),
    Column("outcome", String(10)),
    Index("ix_dossiers_open", "province", "status", "due_at"),
)  # fmt: skip

sites = Table(
    "sites", metadata,
    Column("site_id", String(80), primary_key=True),
    *_state_columns(),
    Column("kind", String(20)),
    Column("operator", String(20)),
    Column("technology", String(10)),
    Column("status_since", UTCDateTime()),
    Column("alarms", Integer(), nullable=False, default=0),
    Column("active_users", Integer()),
    Column("metrics_at", UTCDateTime()),
    Index("ix_sites_status", "province", "status"),
)  # fmt: skip

def _rollup_table(name: str) -> Table:
    return Table(
        name, metadata,
        Column("province", String(5), nullable=False),
        Column("metric", String(40), nullable=False),
        Column("bucket", BigInteger, nullable=False),
        Column("unit", String(5), nullable=False),
        Column("dim", String(220), nullable=False),
        Column("value", Float(), nullable=False),
        PrimaryKeyConstraint("province", "metric", "bucket", "unit", "dim", name=f"pk_{name}"),
        Index(f"ix_{name}_metric", "metric", "bucket"),
        Index(f"ix_{name}_scope", "province", "metric", "dim", "bucket", "value"),  # covering the refresh
    )  # fmt: skip


rollups = _rollup_table("rollups")  # bucket: the UTC hour (scope index: migration 0003)
rollups_daily = _rollup_table("rollups_daily")  # bucket: the Asia/Ho_Chi_Minh day (migration 0004)

stream_heads = Table(
    "stream_heads", metadata,
    Column("family", String(10), primary_key=True),
    Column("newest_event_at", UTCDateTime()),
    Column("last_ingested_at", UTCDateTime()),
    Column("events_total", BigInteger, nullable=False, default=0),
    Column("lag", BigInteger),
)  # fmt: skip

# Entities per state now, kept by the writer with the states: counts of open items without walking them.
state_counts = Table(
    "state_counts", metadata,
    Column("family", String(10), nullable=False),  # feedback, dossier
    Column("province", String(5), nullable=False),
    Column("status", String(20), nullable=False),
    Column("answered", Boolean(), nullable=False),  # feedback: answered_at set (false for dossiers)
    Column("unit", String(5), nullable=False),
    Column("n", BigInteger, nullable=False),
    PrimaryKeyConstraint("family", "province", "status", "answered", "unit", name="pk_state_counts"),
)  # fmt: skip
COUNTED = ("feedback", "dossier")  # the families state_counts keeps

# One row per stored batch that wrote rollups of hours more than an hour old (ioc.store.settled).
rollup_late_writes = Table(
    "rollup_late_writes", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("oldest", BigInteger, nullable=False),  # the oldest hour bucket the batch wrote
    Column("at", UTCDateTime(), nullable=False),
)  # fmt: skip

STATE_TABLES = {"feedback": feedback_cases, "dossier": dossiers, "infra": sites}
KEY_COLUMNS = {"feedback": "case_id", "dossier": "dossier_id", "infra": "site_id"}
