"""One frozen settings object, built once from ``IOC_*`` environment variables."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ioc.errors import SettingsError


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Every knob of the IOC; each field maps to the ``IOC_<NAME>`` variable."""

    database_url: str = _setting(
        "sqlite:///var/ioc.db", "SQLAlchemy URL of the store (SQLite by default, or postgresql+psycopg://...)."
    )
    kafka_bootstrap: str = _setting(
        "", "Kafka bootstrap servers (host:port,...); empty runs the built-in demo feed instead."
    )
    topic_prefix: str = _setting(
        "ioc", "Prefix of the Kafka topics: <prefix>.feedback, .dossier, .infra, .deadletter."
    )
    consumer_group: str = _setting("ioc-ingest", "Kafka consumer group of the ingest consumers.")
    batch_size: int = _setting(2000, "Most messages the consumer stores and commits in one batch.")
    max_event_bytes: int = _setting(
        65536, "Largest accepted event payload in bytes; larger ones are dead-lettered."
    )
    province: str = _setting(
        "", "Scope: a 2-digit province code (e.g. 33 for Hưng Yên), or empty for the whole country."
    )
    boundaries_path: str = _setting(
        "", "Boundary file supplied by the province (GeoJSON, Shapefile, GeoPackage, GeoParquet)."
    )
    boundaries_code_field: str = _setting(
        "code", "Property of the boundary file that holds the official unit code."
    )
    boundaries_name_field: str = _setting("name", "Property of the boundary file that holds the unit name.")
    demo_rate: float = _setting(
        1.0, "Events per second the built-in demo feed produces when Kafka is not configured."
    )
    demo_backfill_hours: float = _setting(
        48.0, "Hours of simulated history the demo feed writes into an empty store before going live."
    )
    host: str = _setting("127.0.0.1", "Address the dashboard listens on.")
    port: int = _setting(8050, "Port the dashboard listens on.")
    language: str = _setting("vi", "Default UI language: vi or en.")
    stream_amber_seconds: float = _setting(
        120.0, "A stream whose newest event is older than this many seconds shows amber."
    )
    stream_red_seconds: str = _setting(
        "600", "Older than this it shows red and the wall screen raises its stale banner; "
        "'600' or per stream 'feedback=1800,dossier=1800,infra=300'."
    )
    display_slides: str = _setting(
        "overview:20,map:30,dossiers:20,feedback:20,infra:15",
        "Wall-screen slides and seconds each; the URL can override: /display?slides=map:60.",
    )
    map_tile_url: str = _setting(
        "",
        "XYZ tile URL of the site's own tile server ({z}/{x}/{y}); empty: boundaries on a plain background.",
    )
    poll_ms: int = _setting(500, "How often open pages check for new data, in milliseconds.")
    cache_dir: str = _setting("var/cache", "Folder for derived caches (simplified boundaries).")

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: Any) -> Settings:
        """Build settings: explicit overrides > ``IOC_*`` environment > defaults."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            name = f"IOC_{f.name.upper()}"
            if f.name in overrides:
                values[f.name] = overrides[f.name]
            elif name in environ:
                values[f.name] = _convert(name, environ[name], f.type)
        return cls(**values)

    @property
    def cache_path(self) -> Path:
        """The cache folder as a path."""
        return Path(self.cache_dir)


def _convert(name: str, raw: str, type_name: Any) -> Any:
    try:
        if type_name in ("int", int):
            return int(raw)
        if type_name in ("float", float):
            return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r} is not a valid {type_name}") from exc
    return raw


def documented_settings() -> list[tuple[str, Any, str]]:
    """(variable, default, help) for every setting, for docs and the docs test."""
    return [(f"IOC_{f.name.upper()}", f.default, f.metadata["help"]) for f in dataclasses.fields(Settings)]
