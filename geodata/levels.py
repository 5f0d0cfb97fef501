"""Simplified levels of a boundary layer for the web, cached on disk so a restart does not pay again."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geodata import topology
from geodata.topology import LEVELS, Level, clean_coverage, simplify_coverage

log = logging.getLogger(__name__)

CACHE_VERSION = 1  # bump when the algorithm changes, so old caches are ignored
KEEP = ["code", "name", "level", "province_code"]


def simplified_layers(
    gdf: gpd.GeoDataFrame, cache_dir: str | Path, levels: tuple[Level, ...] = LEVELS
) -> dict[str, gpd.GeoDataFrame]:
    """Levels ('fine', 'medium', 'coarse') whose neighbours share borders; read from cache when present."""
    cache = Path(cache_dir)
    key = cache_key(gdf, levels)
    paths = {lv.name: cache / f"boundaries-{key}-{lv.name}.fgb" for lv in levels}
    if all(p.exists() for p in paths.values()):
        try:
            return {lv.name: _read(paths[lv.name], lv) for lv in levels}
        except Exception as exc:  # a damaged cache is rebuilt, never fatal
            log.warning("ignoring unreadable boundary cache %s: %s", cache, exc)
    started = time.perf_counter()
    layers = build_levels(gdf, levels)
    cache.mkdir(parents=True, exist_ok=True)
    for name, layer in layers.items():
        tmp = paths[name].with_suffix(".tmp.fgb")
        write_fgb(layer, tmp)
        tmp.replace(paths[name])  # atomic: a crash never leaves a half-written cache behind
    log.info(
        "simplified %d features into %s in %.1f s", len(gdf), list(layers), time.perf_counter() - started
    )
    return layers


def build_levels(gdf: gpd.GeoDataFrame, levels: tuple[Level, ...] = LEVELS) -> dict[str, gpd.GeoDataFrame]:
    """Clean each administrative level's coverage once, then simplify it at every level of detail."""
    base = gdf[KEEP + ["geometry"]].reset_index(drop=True)
    out: dict[str, list[gpd.GeoDataFrame]] = {lv.name: [] for lv in levels}
    # Provinces and communes overlap each other by design: each is its own coverage.
    for _, group in base.groupby("level", sort=True):
        cleaned, kept = clean_coverage(np.asarray(group.geometry.values, dtype=object))
        if kept:
            log.warning(
                "coverage cleaning would have distorted %s; kept as they were", list(group["code"].iloc[kept])
            )
        for lv in levels:
            out[lv.name].append(group.set_geometry(simplify_coverage(cleaned, lv), crs=gdf.crs))
    layers = {}
    for lv in levels:
        layer = gpd.GeoDataFrame(gpd.pd.concat(out[lv.name], ignore_index=True), crs=gdf.crs)
        layer.attrs["precision"] = lv.precision
        layers[lv.name] = layer
    return layers


def write_fgb(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Write a FlatGeobuf that reads back identical: same order, same geometry types."""
    # No spatial index (it reorders features along a Hilbert curve); no promotion of Polygon to MultiPolygon.
    gdf.to_file(
        path,
        driver="FlatGeobuf",
        engine="pyogrio",
        SPATIAL_INDEX="NO",
        promote_to_multi=False,
        geometry_type="Unknown",
    )


def cache_key(gdf: gpd.GeoDataFrame, levels: tuple[Level, ...] = LEVELS) -> str:
    """Digest of codes, geometries and the simplification settings."""
    digest = hashlib.sha256()
    settings = [CACHE_VERSION, topology.SNAP_DEGREES, topology.GAP_DEGREES, [vars(lv) for lv in levels]]
    digest.update(json.dumps(settings).encode())
    digest.update("\x1f".join(map(str, gdf["code"])).encode())
    for wkb in shapely.to_wkb(np.asarray(gdf.geometry.values, dtype=object)):
        digest.update(wkb or b"")
    return digest.hexdigest()[:20]


def _read(path: Path, level: Level) -> gpd.GeoDataFrame:
    layer = gpd.read_file(path, engine="pyogrio")
    layer.attrs["precision"] = level.precision
    return layer[KEEP + ["geometry"]]
