"""Geodata benchmarks: registry, placement throughput, payload sizes, load and simplification times.

``python -m bench.geodata_bench`` prints them; ``run()`` returns them for ``make bench``. Measurements that
need the 2025 test boundaries (../shared/geodata) are left out, with a note on stderr, when it is absent.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from geodata.boundaries import DEFAULT_PROVINCES, load_boundaries, simplified_layers, to_geojson
from geodata.layers import MapLayers
from geodata.placement import Placer
from geodata.registry import build_registry, load_registry

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "geodata"
POINTS = 200_000
QUERIES = ["thai binh", "Hưng Yên", "ba dinh", "hai phong", "phu quoc", "xa ba che", "ho chi minh", "an"]


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    """Fastest wall time of a few runs, in seconds (the least disturbed by other processes)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def points_in(polygons: np.ndarray, n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """n random points, each inside a random polygon: what a day of geolocated events looks like."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(polygons), 4 * n)
    x0, y0, x1, y1 = shapely.bounds(polygons[which]).T
    lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
    keep = shapely.contains_xy(polygons[which], lon, lat)
    return lon[keep][:n], lat[keep][:n]


def registry_metrics() -> dict[str, float]:
    """Registry build time, name search latency, code resolution rate."""
    registry = load_registry()
    codes = [u.code for u in registry.legacy_units()] + [u.code for u in registry.communes()]
    resolve_s = best_of(3, lambda: [registry.resolve(c) for c in codes])
    search_s = best_of(3, lambda: [registry.search(q) for q in QUERIES])
    return {
        "registry_build_s": round(best_of(3, build_registry), 3),
        "registry_search_ms": round(1000 * search_s / len(QUERIES), 2),
        "registry_resolve_codes_per_s": round(len(codes) / resolve_s),
    }


def default_metrics() -> dict[str, float]:
    """Payload of the product's own province layer and centroid placement throughput."""
    registry = load_registry()
    placer = Placer.from_registry(registry)
    communes = registry.communes()
    rng = np.random.default_rng(2)
    lon = np.array([u.lon for u in communes])[rng.integers(0, len(communes), POINTS)] + rng.normal(
        0, 0.01, POINTS
    )
    lat = np.array([u.lat for u in communes])[rng.integers(0, len(communes), POINTS)] + rng.normal(
        0, 0.01, POINTS
    )
    seconds = best_of(3, lambda: placer.place(lon, lat))
    return {
        "default_provinces_geojson_kb": round(len(DEFAULT_PROVINCES.read_bytes()) / 1000, 1),
        "placement_centroid_points_per_s": round(POINTS / seconds),
    }


def shared_metrics() -> dict[str, float]:
    """Load, simplify, restart from cache, payloads and polygon placement against the 3,321 communes."""
    registry = load_registry()
    path = SHARED / "vn2025-communes.geojson"
    started = time.perf_counter()
    gdf, _ = load_boundaries(path, registry)
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        layers = MapLayers.from_file(path, registry, cache_dir=cache)
        first_start_s = time.perf_counter() - started
        restart_s = best_of(3, lambda: MapLayers.from_file(path, registry, cache_dir=cache))
    coarse, medium = layers.communes["coarse"], layers.communes["medium"]
    per_province = {p: len(to_geojson(g)) for p, g in medium.groupby("province_code")}
    hung_yen, _ = load_boundaries(SHARED / "hung-yen-communes-full.geojson", registry)
    with tempfile.TemporaryDirectory() as cache:
        hy_layers = simplified_layers(hung_yen, cache)
    placer = Placer.from_boundaries(gdf, registry)
    lon, lat = points_in(np.asarray(gdf.geometry.values, dtype=object), POINTS)
    seconds = best_of(3, lambda: placer.place(lon, lat))
    return {
        "load_national_communes_s": round(load_s, 2),
        "national_layers_first_start_s": round(first_start_s, 2),
        "national_layers_restart_from_cache_s": round(restart_s, 2),
        "national_communes_coarse_geojson_mb": round(len(to_geojson(coarse)) / 1e6, 2),
        "national_communes_medium_geojson_mb": round(len(to_geojson(medium)) / 1e6, 2),
        "national_provinces_coarse_geojson_kb": round(len(layers.geojson("provinces", "coarse")) / 1000, 1),
        "province_communes_medium_max_geojson_kb": round(max(per_province.values()) / 1000, 1),
        "province_communes_medium_median_geojson_kb": round(
            float(np.median(list(per_province.values()))) / 1000, 1
        ),
        "hung_yen_full_communes_medium_geojson_kb": round(len(to_geojson(hy_layers["medium"])) / 1000, 1),
        "hung_yen_full_communes_fine_geojson_kb": round(len(to_geojson(hy_layers["fine"])) / 1000, 1),
        "placement_polygon_points_per_s": round(len(lon) / seconds),
    }


def run() -> dict[str, float]:
    """Every geodata metric; names carry their units."""
    metrics = {**registry_metrics(), **default_metrics()}
    if (SHARED / "vn2025-communes.geojson").exists():
        metrics.update(shared_metrics())
    else:
        print(f"geodata bench: {SHARED} absent, boundary-file metrics left out", file=sys.stderr)
    return metrics


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:48s} {value:>12,}")
