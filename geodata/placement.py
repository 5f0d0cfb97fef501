"""Placing events on their commune: point in polygon over a batch, or nearest centroid without polygons."""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from geodata.boundaries import default_province_layer
from geodata.registry import Registry

# Natural Earth's coast is coarse: the outline is widened so that coastal communes are not "outside Vietnam".
OUTLINE_MARGIN_DEGREES = 0.03  # ~3 km
# A point in no polygon but this close to one (a gap between neighbours, a coast drawn otherwise) takes it.
SNAP_DEGREES = 0.02  # ~2 km

Codes = NDArray[np.object_]


class Placer:
    """Assigns current commune codes to longitude/latitude arrays, with a reason when it cannot."""

    def __init__(
        self,
        codes: Codes,
        geoms: NDArray[np.object_],
        outline: shapely.Geometry,
        polygons: bool,
        province_of: dict[str, str],
        province: str | None = None,
        scope_name: str = "",
    ) -> None:
        self._codes = codes
        self._geoms = geoms
        self._polygons = polygons
        self._tree = shapely.STRtree(geoms)
        self._outline = outline
        shapely.prepare(outline)
        if polygons:
            shapely.prepare(geoms)
            # Overlapping features (files are imperfect): the smallest wins, it is usually an enclave.
            self._area = shapely.area(geoms)
        self._province_of = province_of
        self._province = province
        self._scope_name = scope_name

    @classmethod
    def from_boundaries(cls, gdf: gpd.GeoDataFrame, registry: Registry) -> Placer:
        """Point in polygon against the commune polygons of a loaded boundary file."""
        communes = gdf[gdf["level"] == "commune"] if "level" in gdf.columns else gdf
        codes = communes["code"].to_numpy(dtype=object)
        geoms = np.asarray(communes.geometry.values, dtype=object)
        return cls(codes, geoms, country_outline(registry), True, _provinces(registry))

    @classmethod
    def from_registry(cls, registry: Registry, province: str | None = None) -> Placer:
        """Nearest commune centroid, for when no commune polygons are loaded."""
        units = [u for u in registry.communes() if u.lat is not None and u.lon is not None]
        codes = np.array([u.code for u in units], dtype=object)
        geoms = shapely.points([u.lon for u in units], [u.lat for u in units])
        name = registry.unit(province).name if province else ""
        return cls(codes, geoms, country_outline(registry), False, _provinces(registry), province, name)

    def place(self, lon: ArrayLike, lat: ArrayLike) -> tuple[Codes, Codes]:
        """(codes, reasons): a current commune code per point, or None with the reason why not."""
        x = np.asarray(lon, dtype=float)
        y = np.asarray(lat, dtype=float)
        codes: Codes = np.full(x.shape, None, dtype=object)
        reasons: Codes = np.full(x.shape, None, dtype=object)
        valid = np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= 180) & (np.abs(y) <= 90)
        for i in np.flatnonzero(~valid):
            reasons[i] = f"coordinates ({x[i]}, {y[i]}) are not a valid longitude and latitude"
        todo = np.flatnonzero(valid)
        if self._polygons and len(todo):
            hit = self._inside(x[todo], y[todo])
            codes[todo[hit >= 0]] = self._codes[hit[hit >= 0]]
            todo = todo[hit < 0]
        if len(todo):
            in_country = shapely.contains_xy(self._outline, x[todo], y[todo])
            for i in todo[~in_country]:
                reasons[i] = f"coordinates ({x[i]:.5f}, {y[i]:.5f}) are outside Vietnam"
            self._nearest(todo[in_country], x, y, codes, reasons)
        return codes, reasons

    def place_one(self, lon: float, lat: float) -> tuple[str | None, str | None]:
        """(code, reason) for a single point."""
        codes, reasons = self.place(np.array([lon]), np.array([lat]))
        return codes[0], reasons[0]

    def _inside(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.intp]:
        """Index of the feature containing each point, -1 for none (bbox query, then prepared contains)."""
        points, features = self._tree.query(shapely.points(x, y))
        inside = shapely.contains_xy(self._geoms[features], x[points], y[points])
        points, features = points[inside], features[inside]
        order = np.lexsort((self._area[features], points))  # per point, smallest feature first
        points, features = points[order], features[order]
        first = np.ones(len(points), dtype=bool)
        first[1:] = points[1:] != points[:-1]
        hit = np.full(len(x), -1, dtype=np.intp)
        hit[points[first]] = features[first]
        return hit

    def _nearest(
        self,
        idx: NDArray[np.intp],
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        codes: Codes,
        reasons: Codes,
    ) -> None:
        if not len(idx):
            return
        limit = SNAP_DEGREES if self._polygons else None
        points, features = self._tree.query_nearest(
            shapely.points(x[idx], y[idx]), max_distance=limit, all_matches=False
        )
        found = np.zeros(len(idx), dtype=bool)
        found[points] = True
        for i in idx[~found]:
            reasons[i] = (
                f"coordinates ({x[i]:.5f}, {y[i]:.5f}) are in Vietnam but outside the loaded boundaries"
            )
        nearest = self._codes[features]
        if self._province is not None:
            out = np.array([self._province_of[c] != self._province for c in nearest], dtype=bool)
            for i in idx[points[out]]:
                reasons[i] = f"coordinates ({x[i]:.5f}, {y[i]:.5f}) are outside {self._scope_name}"
            points, nearest = points[~out], nearest[~out]
        codes[idx[points]] = nearest


def _provinces(registry: Registry) -> dict[str, str]:
    return {u.code: u.parent_code or "" for u in registry.communes()}


@functools.cache
def country_outline(registry: Registry) -> shapely.Geometry:
    """Vietnam's land (default province layer, widened) plus the commune centroids it misses (far islands)."""
    provinces = np.asarray(default_province_layer().geometry.values, dtype=object)
    land = shapely.buffer(shapely.union_all(provinces), OUTLINE_MARGIN_DEGREES, quad_segs=2)
    islands = []
    for u in registry.communes():
        if u.lat is None or u.lon is None or shapely.contains_xy(land, u.lon, u.lat):
            continue
        # A circle of the commune's own area around its centroid, plus the margin.
        radius = np.sqrt((u.area_km2 or 1.0) / np.pi) / 111.0 + OUTLINE_MARGIN_DEGREES
        islands.append(shapely.Point(u.lon, u.lat).buffer(radius, quad_segs=4))
    return shapely.union_all([land, *islands])
