"""A small seeded store and a dashboard context over it, shared by the layout tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from geodata.registry import Registry, load_registry
from ioc.settings import Settings
from layouts.context import Dashboard
from tests.unit.layouts.store import PROVINCE, seed

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # a Friday, 16:30 in Hà Nội: a working day behind it


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The unit registry."""
    return load_registry()


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Engine]:
    """Half a day of Hưng Yên up to NOW (small: these are unit tests)."""
    path = Path(tmp_path_factory.mktemp("layouts")) / "store.db"
    url = f"sqlite:///{path}"
    return url, seed(url, days=1.5, rate=0.4, now=NOW)


@pytest.fixture
def ctx(seeded: tuple[str, Engine], registry: Registry, tmp_path: Path) -> Dashboard:
    """A dashboard of province 33 at NOW, with commune points (no boundary file)."""
    url, engine = seeded
    settings = Settings(database_url=url, province=PROVINCE, cache_dir=str(tmp_path / "cache"))
    return Dashboard(settings, engine, registry, clock=lambda: NOW)
