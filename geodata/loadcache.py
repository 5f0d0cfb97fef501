"""A loaded and matched boundary file, cached on disk by content, so that a restart reads it back quickly."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd

from geodata.boundaries import COLUMNS, MatchReport, load_boundaries
from geodata.levels import write_fgb
from geodata.overrides import DEFAULT_PATH as OVERRIDES
from geodata.registry import Registry
from ioc.errors import GeodataError

log = logging.getLogger(__name__)

CACHE_VERSION = 1  # bump when load_boundaries changes what it produces


def load_boundaries_cached(
    path: str | Path,
    registry: Registry,
    cache_dir: str | Path,
    *,
    code_field: str = "code",
    name_field: str = "name",
) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """load_boundaries(), or its result from cache_dir when the file, fields and registry are unchanged."""
    source = Path(path)
    key = _key(source, code_field, name_field)
    data, meta = (Path(cache_dir) / f"loaded-{key}.{ext}" for ext in ("fgb", "json"))
    if data.exists() and meta.exists():
        try:
            report = _report(json.loads(meta.read_text(encoding="utf-8")))
            return gpd.read_file(data, engine="pyogrio")[COLUMNS], report
        except Exception as exc:  # a damaged cache is rebuilt, never fatal
            log.warning("ignoring unreadable boundary cache %s: %s", data, exc)
    gdf, report = load_boundaries(source, registry, code_field=code_field, name_field=name_field)
    data.parent.mkdir(parents=True, exist_ok=True)
    tmp = data.with_suffix(".tmp.fgb")
    write_fgb(gdf, tmp)
    tmp.replace(data)
    meta.write_text(json.dumps(dataclasses.asdict(report), ensure_ascii=False), encoding="utf-8")
    return gdf, report


def _key(source: Path, code_field: str, name_field: str) -> str:
    if not source.exists():
        raise GeodataError(f"boundary file {source} does not exist")
    digest = hashlib.sha256()
    # A Shapefile is several files with one stem; any of them changing changes the data.
    for part in sorted(source.parent.glob(f"{source.stem}.*")) if source.suffix == ".shp" else [source]:
        digest.update(part.name.encode())
        digest.update(part.read_bytes())
    parts = [
        CACHE_VERSION,
        code_field,
        name_field,
        version("vietnamadminunits"),
        OVERRIDES.read_text("utf-8"),
    ]
    digest.update(json.dumps(parts, ensure_ascii=False).encode())
    return digest.hexdigest()[:20]


def _report(raw: dict[str, object]) -> MatchReport:
    report = MatchReport(**raw)  # type: ignore[arg-type]
    report.unmatched = [tuple(x) for x in report.unmatched]  # type: ignore[misc]
    report.renamed = [tuple(x) for x in report.renamed]  # type: ignore[misc]
    return report
