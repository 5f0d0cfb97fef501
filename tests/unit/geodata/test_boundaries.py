"""Loading a province's boundary file: formats, CRS, repair, matching to the registry."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geodata.boundaries import load_boundaries
from geodata.registry import Registry
from ioc.errors import GeodataError

BOWTIE = shapely.Polygon(
    [(106.30, 20.40), (106.32, 20.42), (106.32, 20.40), (106.30, 20.42), (106.30, 20.40)]
)


def square(x: float, y: float, size: float = 0.02) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


def fake_file(
    tmp_path: Path,
    rows: list[tuple[object, str, shapely.Geometry | None]],
    *,
    name: str = "b.geojson",
    crs: str | None = "EPSG:4326",
    fields: tuple[str, str] = ("code", "name"),
) -> Path:
    """Write features (code, name, geometry) to a boundary file."""
    gdf = gpd.GeoDataFrame(
        {fields[0]: [r[0] for r in rows], fields[1]: [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs="EPSG:4326",
    )
    if crs is not None and crs != "EPSG:4326":
        gdf = gdf.to_crs(crs)
    if crs is None:
        gdf = gdf.set_crs(None, allow_override=True)
    path = tmp_path / name
    gdf.to_file(path, engine="pyogrio")
    return path


def test_matching_reports_legacy_alias_unknown_and_missing(tmp_path: Path, registry: Registry) -> None:
    path = fake_file(
        tmp_path,
        [
            ("11953", "Phố Hiến", square(106.04, 20.64)),
            ("12433", "Lê Hồng Phong", square(106.33, 20.44)),  # legacy ward of Thái Bình city -> 13225
            ("06978", "Ba Chẽ", square(107.25, 21.25)),  # alias -> 06970
            ("99999", "Nowhere", square(106.1, 20.7)),
            ("11983", "Sơn Nam", None),
        ],
    )
    gdf, report = load_boundaries(path, registry)
    assert sorted(gdf["code"]) == ["06970", "11953", "13225"]
    assert report.features == 5 and report.matched == 3
    assert report.remapped == {"12433": "13225", "06978": "06970"}
    assert report.unmatched == [("99999", "Nowhere")]
    assert report.empty == ["11983"]
    expected_missing = (
        len(registry.communes("33")) + len(registry.communes("22")) - 3
    )  # the provinces touched
    assert "11983" in report.missing and len(report.missing) == expected_missing
    assert not report.ok
    assert "1 unknown codes: 99999 Nowhere" in report.summary()
    row = gdf.set_index("code").loc["13225"]
    assert (row["name"], row["level"], row["province_code"], row["source_code"]) == (
        "Thái Bình",
        "commune",
        "33",
        "12433",
    )


def test_invalid_geometries_are_repaired(tmp_path: Path, registry: Registry) -> None:
    gdf, report = load_boundaries(fake_file(tmp_path, [("11953", "Phố Hiến", BOWTIE)]), registry)
    assert report.repaired == ["11953"]
    assert gdf.geometry.is_valid.all()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}


def test_duplicates_are_merged(tmp_path: Path, registry: Registry) -> None:
    path = fake_file(tmp_path, [("12433", "a", square(106.33, 20.44)), ("12436", "b", square(106.35, 20.44))])
    gdf, report = load_boundaries(path, registry)  # both legacy wards went to 13225
    assert list(gdf["code"]) == ["13225"] and report.duplicates == ["13225"]
    assert gdf.geometry.iloc[0].area == pytest.approx(2 * 0.02**2)


def test_other_crs_is_converted_to_wgs84(tmp_path: Path, registry: Registry) -> None:
    path = fake_file(
        tmp_path, [("11953", "Phố Hiến", square(106.04, 20.64))], crs="EPSG:32648", name="b.gpkg"
    )
    gdf, report = load_boundaries(path, registry)
    assert report.crs.endswith("32648") and gdf.crs.to_epsg() == 4326
    assert gdf.total_bounds == pytest.approx((106.04, 20.64, 106.06, 20.66), abs=1e-6)


def test_shapefile_with_numeric_codes_and_configured_fields(tmp_path: Path, registry: Registry) -> None:
    rows = [(11953, "Phố Hiến", square(106.04, 20.64)), (4, "Ba Đình", square(105.82, 21.02))]
    path = fake_file(tmp_path, rows, name="b.shp", fields=("MA_XA", "TEN_XA"))
    gdf, report = load_boundaries(path, registry, code_field="MA_XA", name_field="TEN_XA")
    assert sorted(gdf["code"]) == ["00004", "11953"]
    assert any("zero-padded to 5 digits" in n for n in report.notes)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_missing_crs_is_refused(tmp_path: Path, registry: Registry) -> None:
    path = fake_file(tmp_path, [("11953", "Phố Hiến", square(106.04, 20.64))], name="b.shp", crs=None)
    with pytest.raises(GeodataError, match="no CRS declared"):
        load_boundaries(path, registry)


def test_swapped_coordinates_are_refused(tmp_path: Path, registry: Registry) -> None:
    path = fake_file(tmp_path, [("11953", "Phố Hiến", square(20.64, 106.04))])
    with pytest.raises(GeodataError, match="not in Vietnam.*CRS"):
        load_boundaries(path, registry)


def test_unknown_field_is_refused_with_the_fields_there_are(tmp_path: Path, registry: Registry) -> None:
    path = fake_file(tmp_path, [("11953", "Phố Hiến", square(106.04, 20.64))])
    with pytest.raises(GeodataError, match="no property 'ma'.*'code'"):
        load_boundaries(path, registry, code_field="ma")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("absent.geojson", None, "does not exist"),
        ("broken.geojson", "{not json", "cannot read"),
    ],
)
def test_unreadable_files_are_refused(
    tmp_path: Path, registry: Registry, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(GeodataError, match=message):
        load_boundaries(path, registry)


def test_geoparquet_is_read_or_refused_clearly(tmp_path: Path, registry: Registry) -> None:
    gdf = gpd.GeoDataFrame(
        {"code": ["11953"], "name": ["Phố Hiến"]}, geometry=[square(106.04, 20.64)], crs="EPSG:4326"
    )
    path = tmp_path / "b.parquet"
    try:
        gdf.to_parquet(path)
    except ImportError:
        path.write_bytes(b"PAR1")
        with pytest.raises(GeodataError, match="needs pyarrow"):
            load_boundaries(path, registry)
        return
    loaded, report = load_boundaries(path, registry)
    assert list(loaded["code"]) == ["11953"] and report.matched == 1
