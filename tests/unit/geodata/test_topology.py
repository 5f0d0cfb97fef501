"""Shared-border simplification on a synthetic coverage whose borders do not quite meet."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata import levels as levels_module
from geodata.levels import build_levels, cache_key, simplified_layers
from geodata.topology import LEVELS, clean_coverage, coverage_defects, polygonal, simplify_coverage

CELL = 0.05  # degrees, about the size of a rural commune


def wobbly_grid(n: int = 4, seed: int = 0) -> gpd.GeoDataFrame:
    """n×n cells near Hưng Yên; each cell's border jittered on its own, like per-feature simplification."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, 25)[:-1]
    geoms, codes = [], []
    for i in range(n):
        for j in range(n):
            x0, y0 = 106.0 + i * CELL, 20.5 + j * CELL
            sides = [
                (x0 + t * CELL, np.full_like(t, y0)),
                (np.full_like(t, x0 + CELL), y0 + t * CELL),
                (x0 + CELL - t * CELL, np.full_like(t, y0 + CELL)),
                (np.full_like(t, x0), y0 + CELL - t * CELL),
            ]
            x = np.concatenate([s[0] for s in sides])
            y = np.concatenate([s[1] for s in sides])
            wobble = rng.uniform(-1.5e-4, 1.5e-4, size=(2, len(x)))
            wobble[:, ::24] = 0  # corners stay put
            geoms.append(shapely.Polygon(np.c_[x + wobble[0], y + wobble[1]]))
            codes.append(f"{i}{j}")
    return gpd.GeoDataFrame(
        {"code": codes, "name": codes, "level": "commune", "province_code": "33"},
        geometry=geoms,
        crs="EPSG:4326",
    )


def as_array(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(gdf.geometry.values, dtype=object)


def test_the_synthetic_grid_has_gaps_and_overlaps_to_begin_with() -> None:
    raw = as_array(wobbly_grid())
    assert not shapely.coverage_is_valid(raw)
    defects = coverage_defects(raw)
    assert defects.overlap_km2 > 0.01 and defects.gap_km2 > 0.01


def test_cleaning_makes_a_valid_coverage_without_distorting_features() -> None:
    raw = as_array(wobbly_grid())
    cleaned, kept = clean_coverage(raw)
    assert kept == []
    assert shapely.coverage_is_valid(cleaned)
    assert np.allclose(shapely.area(cleaned), shapely.area(raw), rtol=0.02)
    defects = coverage_defects(cleaned)
    assert defects.overlap_km2 < 1e-6 and defects.gap_km2 < 1e-6


@pytest.mark.parametrize("level", LEVELS, ids=[lv.name for lv in LEVELS])
def test_simplified_neighbours_share_their_borders(level: levels_module.Level) -> None:
    cleaned, _ = clean_coverage(as_array(wobbly_grid()))
    simplified = simplify_coverage(cleaned, level)
    assert shapely.coverage_is_valid(simplified)
    defects = coverage_defects(simplified)
    assert defects.overlap_km2 < 1e-6 and defects.gap_km2 < 1e-6
    assert shapely.get_num_coordinates(simplified).sum() < shapely.get_num_coordinates(cleaned).sum()


def test_polygonal_repairs_and_drops_non_polygon_leftovers() -> None:
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    spike = shapely.Polygon([(0, 0), (2, 0), (2, 2), (0, 2), (0, 0), (-1, -1), (0, 0)])
    out = polygonal(np.array([bowtie, spike], dtype=object))
    assert shapely.is_valid(out).all()
    assert set(shapely.get_type_id(out)) <= {3, 6}


def test_build_levels_keeps_codes_and_sets_precision() -> None:
    layers = build_levels(wobbly_grid())
    assert list(layers) == ["fine", "medium", "coarse"]
    for level in LEVELS:
        assert list(layers[level.name]["code"]) == list(wobbly_grid()["code"])
        assert layers[level.name].attrs["precision"] == level.precision


def test_simplified_layers_are_cached_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grid = wobbly_grid()
    first = simplified_layers(grid, tmp_path)
    assert len(list(tmp_path.glob("boundaries-*.fgb"))) == len(LEVELS)

    def fail(*_: object) -> None:
        raise AssertionError("rebuilt although cached")

    monkeypatch.setattr(levels_module, "build_levels", fail)
    second = simplified_layers(grid, tmp_path)
    for name in first:
        assert shapely.equals_exact(as_array(first[name]), as_array(second[name]), tolerance=1e-9).all()
        assert second[name].attrs["precision"] == first[name].attrs["precision"]


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    grid = wobbly_grid()
    simplified_layers(grid, tmp_path)
    for path in tmp_path.glob("boundaries-*.fgb"):
        path.write_bytes(b"garbage")
    assert len(simplified_layers(grid, tmp_path)["coarse"]) == 16


def test_cache_key_changes_with_geometry_and_codes() -> None:
    grid = wobbly_grid()
    moved = grid.copy()
    moved.geometry = moved.geometry.translate(1e-6, 0)
    renamed = grid.assign(code=list(reversed(grid["code"])))
    assert len({cache_key(grid), cache_key(moved), cache_key(renamed)}) == 3
    assert cache_key(grid) == cache_key(wobbly_grid())
