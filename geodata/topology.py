"""Shared-border simplification: clean the coverage once, then simplify every shared edge once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

# A coverage's edges are simplified once for both neighbours, so no slivers or gaps appear between them.
# Cleaning first makes the file a true coverage: real files have borders that do not quite meet.
SNAP_DEGREES = (
    5e-4  # ~50 m: vertices closer than this are snapped together (files simplified per feature drift so far)
)
GAP_DEGREES = (
    1e-3  # ~100 m: narrower gaps between neighbours are given to the neighbour with the longest border
)
MAX_AREA_CHANGE = 0.25  # a feature that cleaning shrinks or grows more than this keeps its own geometry


@dataclass(frozen=True)
class Level:
    """A level of detail for the web: Visvalingam tolerance in degrees and GeoJSON decimals."""

    name: str
    tolerance: float
    precision: int


LEVELS: tuple[Level, ...] = (
    Level("fine", 0.0005, 5),  # a province zoomed in
    Level("medium", 0.002, 4),  # one province's communes on one screen (<= 300 KB)
    Level("coarse", 0.008, 4),  # every commune of the country (<= 3 MB)
)


@dataclass(frozen=True)
class Defects:
    """Gaps (holes inside the layer) and overlaps (area counted twice), in km²."""

    gap_km2: float
    overlap_km2: float
    total_km2: float


def polygonal(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    """Valid geometries keeping only their polygon parts (make_valid can leave lines or points behind)."""
    valid = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    out = valid.copy()
    for i in np.flatnonzero(shapely.get_type_id(valid) == 7):  # GeometryCollection
        parts = shapely.get_parts(valid[i])
        out[i] = shapely.multipolygons(parts[shapely.get_type_id(parts) == 3]) if len(parts) else valid[i]
    return out


def clean_coverage(
    geoms: NDArray[np.object_], snap: float = SNAP_DEGREES, gap: float = GAP_DEGREES
) -> tuple[NDArray[np.object_], list[int]]:
    """A coverage without overlaps or narrow gaps, shared edges identical; and the indices left as is."""
    cleaned = shapely.coverage_clean(geoms, snapping_distance=snap, gap_width=gap)
    before, after = shapely.area(geoms), shapely.area(cleaned)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.abs(after / before - 1)
    # Guard against a cleaner that hands a whole feature to its neighbour (seen with tiny snapping distances).
    kept = np.flatnonzero(~(change <= MAX_AREA_CHANGE) | shapely.is_empty(cleaned))
    cleaned[kept] = geoms[kept]
    return cleaned, kept.tolist()


def simplify_coverage(cleaned: NDArray[np.object_], level: Level) -> NDArray[np.object_]:
    """Simplify a clean coverage; every shared edge is simplified once, for both sides."""
    return shapely.coverage_simplify(cleaned, level.tolerance)


def coverage_defects(geoms: NDArray[np.object_]) -> Defects:
    """Measure gaps and overlaps between features, in km² (equal-area approximation at each latitude)."""
    union = shapely.union_all(geoms)
    scale = _km2_per_square_degree(union)
    overlap = float(shapely.area(geoms).sum() - shapely.area(union))
    polygons = shapely.get_parts(union)
    holes = [
        shapely.polygons(shapely.get_interior_ring(p, i))
        for p in polygons
        for i in range(shapely.get_num_interior_rings(p))
    ]
    gap = float(shapely.area(np.array(holes, dtype=object)).sum()) if holes else 0.0
    return Defects(gap * scale, max(overlap, 0.0) * scale, float(shapely.area(union)) * scale)


def _km2_per_square_degree(geom: shapely.Geometry) -> float:
    lat = shapely.centroid(geom).y if not shapely.is_empty(geom) else 0.0
    return float(111.32**2 * np.cos(np.radians(lat)))
