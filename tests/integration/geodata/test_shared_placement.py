"""Placing points against the 3,321 commune polygons of 2025."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.boundaries import MatchReport
from geodata.placement import Placer
from geodata.registry import Registry

National = tuple[gpd.GeoDataFrame, MatchReport]


@pytest.fixture(scope="module")
def placer(national: National, registry: Registry) -> Placer:
    return Placer.from_boundaries(national[0], registry)


def points_inside(gdf: gpd.GeoDataFrame, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n random points, each drawn inside a random commune; returns (lon, lat, commune index)."""
    rng = np.random.default_rng(seed)
    polygons = np.asarray(gdf.geometry.values, dtype=object)
    which = rng.integers(0, len(polygons), 4 * n)
    x0, y0, x1, y1 = shapely.bounds(polygons[which]).T
    lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
    keep = np.flatnonzero(shapely.contains_xy(polygons[which], lon, lat))[:n]
    return lon[keep], lat[keep], which[keep]


def test_random_points_inside_communes_are_placed_in_them(national: National, placer: Placer) -> None:
    gdf = national[0]
    lon, lat, which = points_inside(gdf, 20_000, seed=7)
    codes, reasons = placer.place(lon, lat)
    assert all(r is None for r in reasons)
    expected = gdf["code"].to_numpy()[which]
    # The file's neighbours overlap a little; a point in an overlap may go to either commune that holds it.
    index = {c: i for i, c in enumerate(gdf["code"])}
    polygons = np.asarray(gdf.geometry.values, dtype=object)
    placed = polygons[[index[c] for c in codes]]
    assert shapely.contains_xy(placed, lon, lat).all()
    assert (codes == expected).mean() >= 0.995


def test_every_commune_gets_its_own_interior_point(national: National, placer: Placer) -> None:
    gdf = national[0]
    inner = shapely.point_on_surface(np.asarray(gdf.geometry.values, dtype=object))
    codes, _ = placer.place(shapely.get_x(inner), shapely.get_y(inner))
    assert (codes == gdf["code"].to_numpy()).mean() >= 0.995


@pytest.mark.parametrize(
    ("lon", "lat", "where"),
    [
        (110.5, 14.0, "East Sea, 200 km off Quy Nhơn"),
        (107.5, 19.0, "Gulf of Tonkin"),
        (105.8, 7.0, "south of Cà Mau"),
        (102.60, 17.97, "Vientiane, Laos"),
        (104.92, 11.56, "Phnom Penh, Cambodia"),
        (108.37, 22.82, "Nanning, China"),
        (102.83, 24.88, "Kunming, China"),
        (103.86, 13.36, "Siem Reap, Cambodia"),
        (110.35, 20.02, "Haikou, Hainan"),
    ],
)
def test_points_in_the_sea_or_neighbouring_countries_are_rejected(
    placer: Placer, lon: float, lat: float, where: str
) -> None:
    code, reason = placer.place_one(lon, lat)
    assert code is None, where
    assert reason == f"coordinates ({lon:.5f}, {lat:.5f}) are outside Vietnam"
