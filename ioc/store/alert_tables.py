"""The alert tables: one row per alert (its lifecycle) and an append-only log of its changes."""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, String, Table, Text, UniqueConstraint

from ioc.store.tables import UTCDateTime, metadata

alerts = Table(
    "alerts", metadata,
    Column("alert_id", String(200), primary_key=True),
    Column("rule", String(80), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("province", String(5), nullable=False),  # "" for a country-wide scope
    Column("unit", String(5)),
    Column("severity", String(10), nullable=False),
    Column("state", String(15), nullable=False),  # pending, raised, acknowledged, cleared
    Column("open_key", String(200)),  # rule|subject while not cleared: one open alert per rule and subject
    Column("value", Float()),
    Column("threshold", Float()),
    Column("title_vi", Text(), nullable=False),
    Column("title_en", Text(), nullable=False),
    Column("detail", Text(), nullable=False),  # JSON
    Column("incident_id", String(200)),
    Column("first_seen_at", UTCDateTime(), nullable=False),
    Column("raised_at", UTCDateTime()),
    Column("acknowledged_at", UTCDateTime()),
    Column("acknowledged_by", String(120)),
    Column("clearing_since", UTCDateTime()),
    Column("cleared_at", UTCDateTime()),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("open_key", name="uq_alerts_open_key"),
    Index("ix_alerts_state", "state", "province"),
)  # fmt: skip

alert_log = Table(
    "alert_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", String(200), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("change", String(15), nullable=False),
    Column("state", String(15), nullable=False),
    Column("value", Float()),
    Column("actor", String(120)),
    Index("ix_alert_log_alert", "alert_id", "id"),
)  # fmt: skip
