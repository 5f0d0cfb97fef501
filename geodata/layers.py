"""The map's boundary layers and the event placer, built once from settings; GeoJSON cached in memory."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.boundaries import (
    MatchReport,
    centroid_points,
    default_province_layer,
    simplified_layers,
    to_geojson,
)
from geodata.loadcache import load_boundaries_cached
from geodata.placement import Placer
from geodata.registry import Registry
from geodata.topology import LEVELS
from ioc.settings import Settings

log = logging.getLogger(__name__)

# Province borders are drawn over the whole country: they can afford to be coarser than communes.
PROVINCE_COARSENING = 2.0

LayerName = Literal["provinces", "communes", "commune-points"]
LevelName = Literal["fine", "medium", "coarse"]


@dataclass
class MapLayers:
    """Province and commune layers at each level, the placer, and what the boundary file reported."""

    registry: Registry
    provinces: dict[str, gpd.GeoDataFrame]
    communes: dict[str, gpd.GeoDataFrame]
    commune_points: gpd.GeoDataFrame
    placer: Placer
    report: MatchReport | None = None
    build_seconds: float = 0.0
    _cache: dict[tuple[str, str, str | None], bytes] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, registry: Registry) -> MapLayers:
        """Load settings.boundaries_path if set (cached simplification), else the product's default layers."""
        if not settings.boundaries_path:
            return cls.default(registry, settings.province.strip() or None)
        return cls.from_file(
            settings.boundaries_path,
            registry,
            cache_dir=settings.cache_path,
            code_field=settings.boundaries_code_field,
            name_field=settings.boundaries_name_field,
        )

    @classmethod
    def default(cls, registry: Registry, province: str | None = None) -> MapLayers:
        """No file supplied: Natural Earth provinces, communes as points at their centroids."""
        provinces = default_province_layer()
        provinces.attrs["precision"] = 4
        return cls(
            registry,
            {lv.name: provinces for lv in LEVELS},
            {},
            centroid_points(registry),
            Placer.from_registry(registry, province),
        )

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        registry: Registry,
        *,
        cache_dir: str | Path,
        code_field: str = "code",
        name_field: str = "name",
    ) -> MapLayers:
        """Layers from a supplied boundary file; communes it lacks show as points."""
        started = time.perf_counter()
        gdf, report = load_boundaries_cached(
            path, registry, cache_dir, code_field=code_field, name_field=name_field
        )
        log.info("%s", report.summary())
        levels = simplified_layers(gdf, cache_dir)
        communes = {k: v[v["level"] == "commune"].reset_index(drop=True) for k, v in levels.items()}
        provinces = {k: v[v["level"] == "province"].reset_index(drop=True) for k, v in levels.items()}
        if all(len(p) == 0 for p in provinces.values()):
            provinces = {
                lv.name: _dissolve(communes[lv.name], lv.tolerance * PROVINCE_COARSENING, registry)
                if len(communes[lv.name])
                else default_province_layer()
                for lv in LEVELS
            }
        have = set(gdf.loc[gdf["level"] == "commune", "code"])
        points = centroid_points(registry)
        points = points[~points["code"].isin(have)].reset_index(drop=True)
        has_communes = any(len(v) for v in communes.values())
        placer = Placer.from_boundaries(gdf, registry) if has_communes else Placer.from_registry(registry)
        return cls(
            registry,
            provinces,
            communes if has_communes else {},
            points,
            placer,
            report,
            time.perf_counter() - started,
        )

    def geojson(self, layer: LayerName, level: LevelName = "coarse", province: str | None = None) -> bytes:
        """Compact GeoJSON of one layer, optionally one province's features; built once, then from memory."""
        key = (layer, level, province)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = to_geojson(self.frame(layer, level, province))
            return self._cache[key]

    def frame(
        self, layer: LayerName, level: LevelName = "coarse", province: str | None = None
    ) -> gpd.GeoDataFrame:
        """The GeoDataFrame behind geojson()."""
        if layer == "commune-points":
            gdf = self.commune_points
        else:
            source = self.provinces if layer == "provinces" else self.communes
            gdf = source.get(level, _empty())
        if province is not None and len(gdf):
            column = "code" if layer == "provinces" else "province_code"
            precision = gdf.attrs.get("precision")
            gdf = gdf[gdf[column] == province]
            if precision is not None:
                gdf.attrs["precision"] = precision
        return gdf


def _dissolve(communes: gpd.GeoDataFrame, tolerance: float, registry: Registry) -> gpd.GeoDataFrame:
    """Provinces as unions of their (clean, simplified) communes, simplified again: borders stay shared."""
    codes, geoms = [], []
    for code, group in communes.groupby("province_code", sort=True):
        codes.append(code)
        geoms.append(shapely.coverage_union_all(np.asarray(group.geometry.values, dtype=object)))
    simplified = shapely.coverage_simplify(np.asarray(geoms, dtype=object), tolerance)
    names = [registry.unit(c).name for c in codes]
    out = gpd.GeoDataFrame(
        {"code": codes, "name": names, "level": "province", "province_code": codes},
        geometry=simplified,
        crs=communes.crs,
    )
    out.attrs.update(communes.attrs)
    return out


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": pd.Series(dtype=str), "name": pd.Series(dtype=str)},
        geometry=gpd.GeoSeries([], crs="EPSG:4326"),
        crs="EPSG:4326",
    )
