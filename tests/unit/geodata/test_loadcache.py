"""The loaded boundary file is cached by content: a restart reads it back instead of parsing again."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geodata import loadcache
from geodata.loadcache import load_boundaries_cached
from geodata.registry import Registry


def write(path: Path, codes: list[str]) -> Path:
    gpd.GeoDataFrame(
        {"code": codes, "name": ["x"] * len(codes)},
        geometry=[shapely.box(106.04 + i / 50, 20.64, 106.06 + i / 50, 20.66) for i in range(len(codes))],
        crs="EPSG:4326",
    ).to_file(path)
    return path


def test_second_load_comes_from_cache(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "b.geojson", ["11953", "12433", "99999"])
    first, first_report = load_boundaries_cached(path, registry, tmp_path / "cache")

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("parsed again although cached")

    monkeypatch.setattr(loadcache, "load_boundaries", fail)
    second, second_report = load_boundaries_cached(path, registry, tmp_path / "cache")
    assert second_report == first_report
    assert second_report.unmatched == [("99999", "x")]
    assert list(second["code"]) == list(first["code"])
    assert shapely.equals_exact(first.geometry.values, second.geometry.values, tolerance=0).all()


def test_changed_file_or_fields_are_loaded_again(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path / "b.geojson", ["11953"])
    load_boundaries_cached(path, registry, tmp_path / "cache")
    write(path, ["11953", "11977"])
    gdf, _ = load_boundaries_cached(path, registry, tmp_path / "cache")
    assert list(gdf["code"]) == ["11953", "11977"]
    assert len(list((tmp_path / "cache").glob("loaded-*.json"))) == 2
