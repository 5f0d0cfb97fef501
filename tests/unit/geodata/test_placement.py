"""Placing points on communes: polygons, nearest centroid, and the reasons for refusing."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.placement import Placer
from geodata.registry import Registry, load_registry

# Two adjacent 0.02° squares in Hà Nội's old quarter and a small one inside the first (an enclave).
WEST, EAST, ENCLAVE = "00004", "00008", "00070"


def fake_boundaries() -> gpd.GeoDataFrame:
    """Three commune polygons with real codes, in Hà Nội."""
    return gpd.GeoDataFrame(
        {
            "code": [WEST, EAST, ENCLAVE],
            "name": ["Ba Đình", "Ngọc Hà", "Hoàn Kiếm"],
            "level": "commune",
            "province_code": "01",
        },
        geometry=[
            shapely.box(105.80, 21.00, 105.82, 21.02),
            shapely.box(105.82, 21.00, 105.84, 21.02),
            shapely.box(105.805, 21.005, 105.807, 21.007),
        ],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def placer() -> Placer:
    return Placer.from_boundaries(fake_boundaries(), load_registry())


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (105.81, 21.01, WEST),
        (105.83, 21.01, EAST),
        (105.806, 21.006, ENCLAVE),  # inside both WEST and the enclave: the smaller wins
        (105.845, 21.01, EAST),  # 500 m outside every polygon (a gap, a coast drawn differently): nearest
    ],
)
def test_points_get_their_commune(placer: Placer, lon: float, lat: float, code: str) -> None:
    assert placer.place_one(lon, lat) == (code, None)


@pytest.mark.parametrize(
    ("lon", "lat", "reason"),
    [
        (106.7, 10.78, "coordinates (106.70000, 10.78000) are in Vietnam but outside the loaded boundaries"),
        (102.6, 17.97, "coordinates (102.60000, 17.97000) are outside Vietnam"),  # Vientiane
        (104.92, 11.56, "are outside Vietnam"),  # Phnom Penh
        (108.37, 22.82, "are outside Vietnam"),  # Nanning
        (110.5, 14.0, "are outside Vietnam"),  # East Sea, 200 km offshore
        (105.1, 30.2, "coordinates (105.10000, 30.20000) are outside Vietnam"),
        (float("nan"), 21.0, "not a valid longitude and latitude"),
        (200.0, 21.0, "not a valid longitude and latitude"),
    ],
)
def test_points_are_refused_with_a_reason(placer: Placer, lon: float, lat: float, reason: str) -> None:
    code, why = placer.place_one(lon, lat)
    assert code is None
    assert reason in why


def test_place_is_vectorised_and_keeps_order(placer: Placer) -> None:
    lon = np.array([105.83, 102.6, 105.81])
    lat = np.array([21.01, 17.97, 21.01])
    codes, reasons = placer.place(lon, lat)
    assert codes.tolist() == [EAST, None, WEST]
    assert [r is None for r in reasons] == [True, False, True]
    assert codes.dtype == object and reasons.dtype == object


def test_place_accepts_empty_batches(placer: Placer) -> None:
    codes, reasons = placer.place(np.array([]), np.array([]))
    assert codes.shape == reasons.shape == (0,)


def test_from_registry_places_at_the_nearest_centroid(registry: Registry) -> None:
    placer = Placer.from_registry(registry)
    pho_hien = registry.unit("11953")
    assert placer.place_one(pho_hien.lon + 0.001, pho_hien.lat) == ("11953", None)
    assert placer.place_one(102.6, 17.97)[1] == "coordinates (102.60000, 17.97000) are outside Vietnam"


def test_from_registry_reaches_far_islands(registry: Registry) -> None:
    truong_sa = registry.unit("22736")
    assert Placer.from_registry(registry).place_one(truong_sa.lon, truong_sa.lat) == ("22736", None)


def test_from_registry_with_a_province_refuses_points_elsewhere(registry: Registry) -> None:
    placer = Placer.from_registry(registry, province="33")
    hanoi = registry.unit("00004")
    code, reason = placer.place_one(hanoi.lon, hanoi.lat)
    assert code is None and reason.endswith("are outside Hưng Yên")
    former_thai_binh = registry.unit("13225")
    assert placer.place_one(former_thai_binh.lon, former_thai_binh.lat) == ("13225", None)


@settings(max_examples=50, deadline=None)
@given(lon=st.floats(allow_nan=True, allow_infinity=True), lat=st.floats(allow_nan=True, allow_infinity=True))
def test_every_point_gets_a_code_or_a_reason(lon: float, lat: float) -> None:
    placer = Placer.from_registry(load_registry())
    code, reason = placer.place_one(lon, lat)
    assert (code is None) != (reason is None)
