"""The 2025 test boundaries in ../shared/geodata (outside the repository, never copied into it)."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geodata.boundaries import MatchReport, load_boundaries, simplified_layers
from geodata.registry import Registry, load_registry

from .shared import shared_file


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="session")
def national(registry: Registry) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """All 3,321 communes, loaded through the product's loader."""
    return load_boundaries(shared_file("vn2025-communes.geojson"), registry)


@pytest.fixture(scope="session")
def national_levels(
    national: tuple[gpd.GeoDataFrame, MatchReport], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, gpd.GeoDataFrame]:
    """The national layer simplified at every level (built once per session)."""
    return simplified_layers(national[0], tmp_path_factory.mktemp("geocache"))
