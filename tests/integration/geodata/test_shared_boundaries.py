"""Against the 2025 boundaries of all provinces and communes: matching, repair, shared borders, payloads."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.boundaries import (
    MatchReport,
    default_province_layer,
    load_boundaries,
    simplified_layers,
    to_geojson,
)
from geodata.registry import Registry
from geodata.topology import LEVELS, coverage_defects

from .shared import shared_file

National = tuple[gpd.GeoDataFrame, MatchReport]


def geoms(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(gdf.geometry.values, dtype=object)


def test_every_national_commune_matches_the_registry(national: National, registry: Registry) -> None:
    gdf, report = national
    assert report.features == report.matched == 3321
    assert report.unmatched == [] and report.missing == [] and report.empty == [] and report.duplicates == []
    assert report.remapped == {"06978": "06970"}  # Ba Chẽ's code as this 2026-07 export carries it
    assert report.ok
    assert sorted(gdf["code"]) == sorted(u.code for u in registry.communes())


def test_the_two_invalid_geometries_are_repaired(national: National) -> None:
    gdf, report = national
    assert sorted(report.repaired) == ["16177", "19066"]
    assert gdf.geometry.is_valid.all()


@pytest.mark.parametrize(
    ("name", "features"), [("vn2025-provinces.geojson", 34), ("hung-yen-communes-full.geojson", 104)]
)
def test_other_shared_files_match_completely(registry: Registry, name: str, features: int) -> None:
    gdf, report = load_boundaries(shared_file(name), registry)
    assert report.matched == features and report.ok, report.summary()


def test_the_raw_file_has_gaps_and_overlaps_between_neighbours(national: National) -> None:
    defects = coverage_defects(geoms(national[0]))
    assert defects.gap_km2 > 50 and defects.overlap_km2 > 50  # what the simplification must not keep


@pytest.mark.parametrize("level", [lv.name for lv in LEVELS])
def test_simplified_neighbours_share_borders(
    national_levels: dict[str, gpd.GeoDataFrame], level: str
) -> None:
    layer = geoms(national_levels[level])
    assert shapely.coverage_is_valid(layer)  # shared edges identical, no overlaps
    assert shapely.is_valid(layer).all()
    defects = coverage_defects(layer)
    assert defects.overlap_km2 < 0.01
    assert defects.gap_km2 < 2.0  # of 336,000 km²; the raw file has ~146 km² of gaps
    assert len(national_levels[level]) == 3321


def test_national_commune_layer_fits_3_mb_at_the_coarsest_level(
    national_levels: dict[str, gpd.GeoDataFrame],
) -> None:
    assert len(to_geojson(national_levels["coarse"])) <= 3_000_000


def test_every_province_fits_300_kb_at_medium_level(national_levels: dict[str, gpd.GeoDataFrame]) -> None:
    medium = national_levels["medium"]
    sizes = {code: len(to_geojson(group)) for code, group in medium.groupby("province_code")}
    assert len(sizes) == 34
    assert max(sizes.values()) <= 300_000, max(sizes.items(), key=lambda kv: kv[1])


def test_full_resolution_hung_yen_simplifies_with_shared_borders(registry: Registry, tmp_path: Path) -> None:
    gdf, _ = load_boundaries(shared_file("hung-yen-communes-full.geojson"), registry)
    layers = simplified_layers(gdf, tmp_path)
    sizes = [len(to_geojson(layers[lv.name])) for lv in LEVELS]
    assert sizes == sorted(sizes, reverse=True) and sizes[1] <= 300_000
    for layer in layers.values():
        assert shapely.coverage_is_valid(geoms(layer))


def test_simplified_levels_come_from_cache_the_second_time(national: National, tmp_path: Path) -> None:
    first = simplified_layers(national[0], tmp_path)
    second = simplified_layers(national[0], tmp_path)
    assert all(list(first[k]["code"]) == list(second[k]["code"]) for k in first)


def test_default_provinces_overlap_the_official_ones(registry: Registry) -> None:
    """The Natural Earth join: each official province's largest overlap is the province with its code."""
    official, _ = load_boundaries(shared_file("vn2025-provinces.geojson"), registry)
    default = default_province_layer()
    tree = shapely.STRtree(geoms(default))
    for code, shape in zip(official["code"], geoms(official), strict=True):
        candidates = tree.query(shape)
        overlap = shapely.area(shapely.intersection(geoms(default)[candidates], shape))
        assert default["code"].iloc[candidates[np.argmax(overlap)]] == code
