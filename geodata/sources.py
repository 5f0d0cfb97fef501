"""Read current and legacy units, and the old-to-new mapping, from the vietnamadminunits package."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from geodata.names import strip_diacritics
from geodata.units import LegacyUnit, Unit
from ioc.errors import GeodataError

PACKAGE = "vietnamadminunits"
# The package writes Vietnamese types in title case ("Thành phố"); we keep them lower case.
_PROVINCE_PREFIXES = ("Thành phố ", "Tỉnh ")
_DISTRICT_TYPE_OF_WARDLESS = "huyện"


def package_data() -> Path:
    """Folder holding the package's dataset.db and converter_2025.json."""
    # find_spec locates the package without importing it: its __init__ loads ~4 MB of parser data.
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise GeodataError(f"the {PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _rows(sql: str) -> Iterator[dict[str, Any]]:
    with closing(sqlite3.connect(f"file:{package_data() / 'dataset.db'}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        yield from (dict(r) for r in conn.execute(sql))


def _province_type(full_name: str) -> str:
    for prefix in _PROVINCE_PREFIXES:
        if full_name.startswith(prefix):
            return prefix.strip().lower()
    raise GeodataError(f"unexpected province name in {PACKAGE}: {full_name!r}")


def _accented_key(full_name: str) -> str:
    # The converter names a few homonyms by their accented full name ("xãcẩmgiàng").
    return full_name.lower().replace(" ", "")


def read_current() -> list[Unit]:
    """The 34 provinces and 3,321 communes as the package has them (no overrides yet)."""
    provinces: dict[str, Unit] = {}
    communes: list[Unit] = []
    for r in _rows(
        "SELECT province, provinceShort, provinceCode, provinceLat, provinceLon, ward, wardShort, wardType, "
        "wardCode, wardLat, wardLon, wardAreaKm2 FROM admin_units ORDER BY provinceCode, wardCode"
    ):
        pcode = r["provinceCode"]
        if pcode not in provinces:
            name = r["provinceShort"]
            ascii_name = strip_diacritics(name)
            provinces[pcode] = Unit(
                pcode,
                name,
                ascii_name,
                ascii_name,
                _province_type(r["province"]),
                "province",
                None,
                r["provinceLat"],
                r["provinceLon"],
                None,
                None,
            )
        name = r["wardShort"]
        ascii_name = strip_diacritics(name)
        communes.append(
            Unit(
                r["wardCode"],
                name,
                ascii_name,
                ascii_name,
                r["wardType"].lower(),
                "commune",
                pcode,
                r["wardLat"],
                r["wardLon"],
                r["wardAreaKm2"],
                None,
            )
        )
    return [*provinces.values(), *communes]


def _legacy_rows() -> list[dict[str, Any]]:
    columns = ", ".join(
        f"{level}{field}"
        for level in ("province", "district", "ward")
        for field in ("", "Short", "Code", "Lat", "Lon", "Key")
    )
    order = "ORDER BY provinceCode, districtCode, wardCode"
    sql = f"SELECT {columns}, districtType, wardType FROM admin_units_legacy {order}"
    return list(_rows(sql))


def _current_keys() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    provinces: dict[str, str] = {}
    communes: dict[tuple[str, str], str] = {}
    for r in _rows("SELECT provinceKey, provinceCode, wardKey, ward, wardCode FROM admin_units"):
        provinces[r["provinceKey"]] = r["provinceCode"]
        communes[(r["provinceKey"], r["wardKey"])] = r["wardCode"]
        communes[(r["provinceKey"], _accented_key(r["ward"]))] = r["wardCode"]
    return provinces, communes


def _conversion(legacy: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Old province code -> new; old commune (or wardless island district) -> new communes, default first."""
    with open(package_data() / "converter_2025.json", encoding="utf-8") as f:
        conv = json.load(f)
    new_province, new_commune = _current_keys()
    old_key: dict[str, str] = {}
    old_province_key: dict[str, str] = {}
    for r in legacy:
        old_province_key[r["provinceKey"]] = r["provinceCode"]
        if r["wardCode"] is None:  # island districts without communes: Bạch Long Vĩ, Côn Đảo, ...
            old_key[f"{r['provinceKey']}_{r['districtKey']}_"] = r["districtCode"]
            continue
        prefix = f"{r['provinceKey']}_{r['districtKey']}_"
        old_key[prefix + r["wardKey"]] = r["wardCode"]
        old_key[prefix + _accented_key(r["ward"])] = r["wardCode"]
    provinces = {
        old_province_key[o]: new_province[n] for n, olds in conv["DICT_PROVINCE"].items() for o in olds
    }
    targets: dict[str, tuple[str, ...]] = {}
    for pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            for o in olds:
                targets[old_key[o]] = (new_commune[(pkey, wkey)],)
    for pkey, divided in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for o, options in divided.items():
            ordered = sorted(options, key=lambda w: not w["isDefaultNewWard"])
            targets[old_key[o]] = tuple(new_commune[(pkey, w["newWardKey"])] for w in ordered)
    return provinces, targets


def read_legacy() -> list[LegacyUnit]:
    """The 63 provinces, ~700 districts and ~10,000 communes before 1 July 2025, each with its successor."""
    rows = _legacy_rows()
    provinces, targets = _conversion(rows)
    out: dict[str, LegacyUnit] = {}
    # dict as an ordered set: every current commune a district's communes went to
    district_targets: dict[str, dict[str, None]] = {}
    for r in rows:
        pcode, dcode, wcode = r["provinceCode"], r["districtCode"], r["wardCode"]
        new_province = provinces[pcode]
        if pcode not in out:
            out[pcode] = _legacy(
                pcode,
                r["provinceShort"],
                _province_type(r["province"]),
                "province",
                None,
                new_province,
                (new_province,),
                r["provinceLat"],
                r["provinceLon"],
            )
        split = targets.get(wcode or dcode, ())
        district_targets.setdefault(dcode, {}).update(dict.fromkeys(split))
        if wcode is not None:
            out[wcode] = _legacy(
                wcode,
                r["wardShort"],
                r["wardType"].lower(),
                "commune",
                dcode,
                split[0],
                split,
                r["wardLat"],
                r["wardLon"],
            )
    for r in rows:
        dcode = r["districtCode"]
        if dcode in out:
            continue
        split = tuple(district_targets[dcode])
        # A district went to its new province, except wardless islands, which became special zones.
        current = split[0] if r["wardCode"] is None else provinces[r["provinceCode"]]
        dtype = (r["districtType"] or _DISTRICT_TYPE_OF_WARDLESS).lower()
        out[dcode] = _legacy(
            dcode,
            r["districtShort"],
            dtype,
            "district",
            r["provinceCode"],
            current,
            split,
            r["districtLat"],
            r["districtLon"],
        )
    return list(out.values())


def _legacy(
    code: str,
    name: str,
    type_: str,
    level: Any,
    parent: str | None,
    current: str,
    split: tuple[str, ...],
    lat: float | None,
    lon: float | None,
) -> LegacyUnit:
    return LegacyUnit(code, name, strip_diacritics(name), type_, level, parent, current, split, lat, lon)
