"""Boundary files supplied by a province: load, check CRS, repair, match every feature to the registry."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.geojson import to_geojson
from geodata.levels import simplified_layers
from geodata.names import fold
from geodata.registry import Registry
from geodata.topology import polygonal
from ioc.errors import GeodataError

__all__ = [
    "MatchReport",
    "default_province_layer",
    "load_boundaries",
    "centroid_points",
    "simplified_layers",
    "to_geojson",
    "DEFAULT_PROVINCES",
    "VIETNAM_BOUNDS",
]

CRS = "EPSG:4326"
DEFAULT_PROVINCES = Path(__file__).parent / "data" / "provinces-default.geojson"
# Generous box around the country and its islands: anything outside after conversion means a wrong CRS.
VIETNAM_BOUNDS = (100.0, 5.0, 120.0, 25.0)
COLUMNS = ["code", "name", "level", "province_code", "source_code", "geometry"]
_GEOMETRY = COLUMNS.index("geometry")


@dataclass
class MatchReport:
    """What happened to each feature of a boundary file."""

    source: str
    crs: str
    features: int = 0
    matched: int = 0
    remapped: dict[str, str] = field(default_factory=dict)  # file code -> current code (legacy or alias)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (code, name) the registry does not know
    duplicates: list[str] = field(default_factory=list)  # current codes given by several features (merged)
    missing: list[str] = field(default_factory=list)  # registry units of the file's provinces with no feature
    repaired: list[str] = field(default_factory=list)  # invalid geometries made valid
    empty: list[str] = field(default_factory=list)  # features without geometry (dropped)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name in file, registry name)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every feature matched and no unit of the covered provinces is missing."""
        return not self.unmatched and not self.missing and not self.empty

    def summary(self) -> str:
        """A few lines for the log and the admin page."""
        lines = [
            f"{self.source}: {self.features} features, {self.matched} matched to the registry "
            f"(CRS {self.crs})"
        ]
        for label, items in (
            ("via legacy or alias codes", [f"{a}->{b}" for a, b in self.remapped.items()]),
            ("unknown codes", [f"{c} {n}" for c, n in self.unmatched]),
            ("units without a feature", self.missing),
            ("merged duplicates", self.duplicates),
            ("repaired geometries", self.repaired),
            ("dropped, no geometry", self.empty),
            ("names differ", [f"{c} {a!r}/{b!r}" for c, a, b in self.renamed]),
        ):
            if items:
                shown = ", ".join(items[:20]) + (f" (+{len(items) - 20} more)" if len(items) > 20 else "")
                lines.append(f"  {len(items)} {label}: {shown}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def load_boundaries(
    path: str | Path, registry: Registry, *, code_field: str = "code", name_field: str = "name"
) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """Read a GeoJSON/Shapefile/GeoPackage/GeoParquet, convert to EPSG:4326, repair, match codes."""
    raw = _read(Path(path))
    for wanted in (code_field, name_field):
        if wanted not in raw.columns:
            raise GeodataError(f"{path}: no property {wanted!r}; it has {sorted(map(str, raw.columns))}")
    if raw.crs is None:
        raise GeodataError(f"{path}: no CRS declared (a Shapefile needs its .prj); refusing to guess")
    report = MatchReport(str(path), raw.crs.to_string(), features=len(raw))
    gdf = raw.to_crs(CRS) if not raw.crs.equals(CRS) else raw
    codes = _codes(gdf[code_field], report)
    names = gdf[name_field].astype("string").fillna("").to_numpy(dtype=object)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    empty = pd.isna(geoms) | shapely.is_empty(geoms)
    report.empty = [codes[i] for i in np.flatnonzero(empty)]
    invalid = ~empty & ~shapely.is_valid(geoms)
    report.repaired = [codes[i] for i in np.flatnonzero(invalid)]
    geoms = geoms.copy()
    geoms[~empty] = polygonal(geoms[~empty])
    _check_bounds(path, geoms[~empty])
    rows = _match(codes, names, geoms, ~empty, registry, report)
    out = gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs=CRS)
    report.missing = _missing(out, registry)
    return out, report


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise GeodataError(f"boundary file {path} does not exist")
    try:
        if path.suffix.lower() in (".parquet", ".geoparquet"):
            return gpd.read_parquet(path)
        return gpd.read_file(path, engine="pyogrio")
    except ImportError as exc:
        raise GeodataError(f"{path}: reading GeoParquet needs pyarrow, which is not installed") from exc
    except Exception as exc:  # pyogrio raises its own DataSourceError family; report them all the same way
        raise GeodataError(f"cannot read boundary file {path}: {exc}") from exc


def _codes(column: pd.Series, report: MatchReport) -> list[str]:
    if pd.api.types.is_numeric_dtype(column):
        # Codes stored as numbers lost their leading zeros: communes have 5 digits, provinces 2.
        width = 5 if column.max() >= 100 else 2
        report.notes.append(f"codes were stored as numbers; zero-padded to {width} digits")
        return [str(int(v)).zfill(width) if pd.notna(v) else "" for v in column]
    return [str(v).strip() if pd.notna(v) else "" for v in column]


def _check_bounds(path: str | Path, geoms: np.ndarray) -> None:
    if not len(geoms):
        raise GeodataError(f"{path}: no feature has a geometry")
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    bx0, by0, bx1, by1 = VIETNAM_BOUNDS
    if x0 < bx0 or y0 < by0 or x1 > bx1 or y1 > by1:
        raise GeodataError(
            f"{path}: bounds ({x0:.2f}, {y0:.2f}, {x1:.2f}, {y1:.2f}) in EPSG:4326 are not "
            "in Vietnam: is the declared CRS right (or longitude and latitude swapped)?"
        )


def _match(
    codes: list[str],
    names: np.ndarray,
    geoms: np.ndarray,
    usable: np.ndarray,
    registry: Registry,
    report: MatchReport,
) -> list[list[object]]:
    by_code: dict[str, list[object]] = {}
    legacy = {u.code for u in registry.legacy_units()}
    for i in np.flatnonzero(usable):
        code, name = codes[i], str(names[i])
        current = registry.resolve(code)
        if current is None:
            report.unmatched.append((code, name))
            continue
        report.matched += 1
        if current != code:
            report.remapped[code] = current
        unit = registry.unit(current)
        # A legacy code carries its old name: compare with that, not with the successor's.
        named = registry.legacy(code) if current != code and code in legacy else unit
        if name and fold(name) not in (fold(named.name), fold(named.full_name)):
            report.renamed.append((code, name, named.name))
        if current in by_code:
            report.duplicates.append(current)
            by_code[current][_GEOMETRY] = shapely.union(by_code[current][_GEOMETRY], geoms[i])
            continue
        province = unit.code if unit.level == "province" else unit.parent_code
        by_code[current] = [current, unit.name, unit.level, province, code, geoms[i]]
    return list(by_code.values())


def _missing(gdf: gpd.GeoDataFrame, registry: Registry) -> list[str]:
    have = set(gdf["code"])
    communes = gdf[gdf["level"] == "commune"]
    wanted = [u.code for p in sorted(set(communes["province_code"])) for u in registry.communes(p)]
    if (gdf["level"] == "province").sum() > 1:
        wanted += [u.code for u in registry.provinces()]
    return [c for c in wanted if c not in have]


@functools.cache
def _default_provinces() -> gpd.GeoDataFrame:
    if not DEFAULT_PROVINCES.exists():
        raise GeodataError(f"{DEFAULT_PROVINCES} is missing: run python -m scripts.build_default_provinces")
    gdf = gpd.read_file(DEFAULT_PROVINCES, engine="pyogrio")
    return gdf.assign(level="province", province_code=gdf["code"], source_code=gdf["code"])[COLUMNS]


def default_province_layer() -> gpd.GeoDataFrame:
    """The product's own 34 province polygons (Natural Earth, docs/geodata.md), columns as a loaded file's."""
    return _default_provinces().copy()


def centroid_points(registry: Registry, province: str | None = None) -> gpd.GeoDataFrame:
    """Communes as points at their registry centroids, for maps without commune polygons."""
    units = [u for u in registry.communes(province) if u.lat is not None and u.lon is not None]
    return gpd.GeoDataFrame(
        {
            "code": [u.code for u in units],
            "name": [u.name for u in units],
            "level": "commune",
            "province_code": [u.parent_code for u in units],
            "source_code": [u.code for u in units],
        },
        geometry=gpd.points_from_xy([u.lon for u in units], [u.lat for u in units]),
        crs=CRS,
    )
