"""Compact GeoJSON for the browser: rounded coordinates, only code and name."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely

DEFAULT_PRECISION = 5  # decimals: ~1 m, finer than any boundary file we get
PROPERTIES = ("code", "name")


def to_geojson(gdf: gpd.GeoDataFrame, precision: int | None = None) -> bytes:
    """A FeatureCollection with rounded coordinates and only code/name properties, no whitespace."""
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        raise ValueError(f"to_geojson needs EPSG:4326 (longitude, latitude), got {gdf.crs}")
    digits = precision if precision is not None else int(gdf.attrs.get("precision", DEFAULT_PRECISION))
    # Rounding vertex by vertex keeps edges that neighbours share identical after rounding.
    geoms = shapely.transform(gdf.geometry.values, lambda xy: np.round(xy, digits))
    texts = shapely.to_geojson(geoms)
    columns = [c for c in PROPERTIES if c in gdf.columns]
    rows = zip(*(gdf[c].tolist() for c in columns), strict=True) if columns else ((),) * len(gdf)
    features = []
    for values, geometry in zip(rows, texts, strict=True):
        props = json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False, separators=(",", ":"))
        features.append(f'{{"type":"Feature","properties":{props},"geometry":{geometry or "null"}}}')
    return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode("utf-8")
