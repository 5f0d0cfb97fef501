"""The map's layers built from settings: the product's defaults, or a supplied file."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely

from geodata.layers import MapLayers
from geodata.registry import Registry
from ioc.settings import Settings


def test_default_layers_without_a_boundary_file(registry: Registry) -> None:
    layers = MapLayers.from_settings(Settings(), registry)
    assert layers.report is None and layers.communes == {}
    provinces = json.loads(layers.geojson("provinces"))
    assert len(provinces["features"]) == 34
    assert len(layers.geojson("provinces")) <= 300_000
    points = json.loads(layers.geojson("commune-points"))
    assert len(points["features"]) == 3321
    assert {f["geometry"]["type"] for f in points["features"]} == {"Point"}
    assert json.loads(layers.geojson("communes"))["features"] == []


def test_geojson_filters_one_province_and_is_memoised(registry: Registry) -> None:
    layers = MapLayers.default(registry)
    hung_yen = json.loads(layers.geojson("commune-points", province="33"))
    assert len(hung_yen["features"]) == 104
    assert [
        f["properties"]["code"] for f in json.loads(layers.geojson("provinces", province="33"))["features"]
    ] == ["33"]
    assert layers.geojson("provinces") is layers.geojson("provinces")


def test_default_placer_uses_centroids(registry: Registry) -> None:
    layers = MapLayers.default(registry)
    ba_dinh = registry.unit("00004")
    assert layers.placer.place_one(ba_dinh.lon, ba_dinh.lat) == ("00004", None)


def test_layers_from_a_small_file(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "communes.geojson"
    gpd.GeoDataFrame(
        {"ma": ["11953", "11977"], "ten": ["Phố Hiến", "Tân Hưng"]},
        geometry=[shapely.box(106.04, 20.64, 106.06, 20.66), shapely.box(106.06, 20.64, 106.08, 20.66)],
        crs="EPSG:4326",
    ).to_file(path)
    settings = Settings(
        boundaries_path=str(path),
        boundaries_code_field="ma",
        boundaries_name_field="ten",
        cache_dir=str(tmp_path / "cache"),
    )
    layers = MapLayers.from_settings(settings, registry)
    assert layers.report is not None and layers.report.matched == 2
    communes = json.loads(layers.geojson("communes", level="fine"))
    assert [f["properties"] for f in communes["features"]] == [
        {"code": "11953", "name": "Phố Hiến"},
        {"code": "11977", "name": "Tân Hưng"},
    ]
    provinces = json.loads(layers.geojson("provinces", level="coarse"))
    assert [f["properties"] for f in provinces["features"]] == [{"code": "33", "name": "Hưng Yên"}]
    points = json.loads(layers.geojson("commune-points", province="33"))
    assert len(points["features"]) == 102  # communes of Hưng Yên without a polygon show as points
    assert layers.placer.place_one(106.05, 20.65) == ("11953", None)
    assert list((tmp_path / "cache").glob("boundaries-*.fgb"))


def test_default_placer_follows_the_scope(registry: Registry) -> None:
    layers = MapLayers.from_settings(Settings(province="33"), registry)
    ba_dinh = registry.unit("00004")
    code, reason = layers.placer.place_one(ba_dinh.lon, ba_dinh.lat)
    assert code is None and reason.endswith("outside Hưng Yên")
