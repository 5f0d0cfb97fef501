"""The unit registry: counts, lookups by code (current, legacy, alias) and by name."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.registry import Registry, load_registry
from ioc.errors import UnknownUnit


def test_registry_has_34_provinces_and_3321_communes(registry: Registry) -> None:
    assert len(registry.provinces()) == 34
    assert len(registry.communes()) == 3321
    assert len(registry) == 34 + 3321


def test_registry_carries_the_legacy_period(registry: Registry) -> None:
    legacy = [registry.legacy(c) for c in ("01", "34", "336", "12433")]
    assert [u.level for u in legacy] == ["province", "province", "district", "commune"]
    assert sum(1 for c in range(100) if registry.resolve(f"{c:02d}") is not None) >= 63


def test_load_registry_is_cached() -> None:
    assert load_registry() is load_registry()


@pytest.mark.parametrize(
    ("code", "current", "why"),
    [
        ("33", "33", "current province keeps its code"),
        ("01", "01", "leading zero kept"),
        ("00004", "00004", "current commune, leading zeros kept"),
        ("11953", "11953", "Phố Hiến, Hưng Yên"),
        ("34", "33", "Thái Bình merged into Hưng Yên"),
        ("30", "31", "Hải Dương merged into Hải Phòng"),
        ("26", "25", "Vĩnh Phúc merged into Phú Thọ"),
        ("17", "25", "Hòa Bình merged into Phú Thọ"),
        ("06", "19", "Bắc Kạn merged into Thái Nguyên"),
        ("12433", "13225", "Phường Lê Hồng Phong (Thái Bình city) is now Phường Thái Bình"),
        ("10513", "10525", "Phường Ngọc Châu (Hải Dương city) is now Phường Hải Dương"),
        ("08710", "08716", "Phường Liên Bảo (Vĩnh Yên) is now Phường Vĩnh Phúc"),
        ("336", "33", "a legacy district resolves to its new province"),
        ("318", "11948", "island district Bạch Long Vĩ became a special zone"),
        ("755", "26732", "island district Côn Đảo became a special zone"),
        ("00103", "00103", "current code wins over the legacy Phường Xuân La with the same code"),
        ("06978", "06970", "alias: Ba Chẽ's code as some 2025 exports carry it"),
    ],
)
def test_resolve_maps_current_legacy_and_alias_codes(
    registry: Registry, code: str, current: str, why: str
) -> None:
    assert registry.resolve(code) == current, why


@pytest.mark.parametrize("code", ["", "1", "99", "000004", "abc", "1953", " 33"])
def test_resolve_returns_none_for_unknown_codes(registry: Registry, code: str) -> None:
    assert registry.resolve(code) is None


@pytest.mark.parametrize(
    ("code", "name", "type_", "level", "parent"),
    [
        ("33", "Hưng Yên", "tỉnh", "province", None),
        ("31", "Hải Phòng", "thành phố", "province", None),
        ("75", "Đồng Nai", "thành phố", "province", None),  # override: city since 2026
        ("00004", "Ba Đình", "phường", "commune", "01"),
        ("06970", "Ba Chẽ", "xã", "commune", "22"),
        ("26732", "Côn Đảo", "đặc khu", "commune", "79"),
        ("26248", "Trảng Bom", "phường", "commune", "75"),  # override: ward since 2026
    ],
)
def test_unit_by_code(
    registry: Registry, code: str, name: str, type_: str, level: str, parent: str | None
) -> None:
    unit = registry.unit(code)
    assert (unit.name, unit.type, unit.level, unit.parent_code) == (name, type_, level, parent)


def test_units_carry_names_centroid_and_area(registry: Registry) -> None:
    hanoi = registry.unit("01")
    assert (hanoi.name_ascii, hanoi.name_en, hanoi.full_name, hanoi.type_en) == (
        "Ha Noi",
        "Hanoi",
        "Thành phố Hà Nội",
        "city",
    )
    assert 20.5 < hanoi.lat < 21.5 and 105 < hanoi.lon < 106.5
    assert hanoi.area_km2 == pytest.approx(3360, abs=5)
    assert hanoi.population is None
    ward = registry.unit("00004")
    assert (ward.full_name, ward.name_ascii, ward.area_km2) == ("Phường Ba Đình", "Ba Dinh", 2.97)


def test_every_unit_has_a_centroid_and_area(registry: Registry) -> None:
    for unit in [*registry.provinces(), *registry.communes()]:
        assert unit.lat is not None and unit.lon is not None, unit.code
        assert unit.area_km2 is not None and unit.area_km2 > 0, unit.code


def test_unit_refuses_a_legacy_code_and_names_its_successor(registry: Registry) -> None:
    with pytest.raises(UnknownUnit, match="Thái Bình.*now 33.*Hưng Yên"):
        registry.unit("34")


def test_unit_refuses_an_unknown_code(registry: Registry) -> None:
    with pytest.raises(UnknownUnit, match="neither a current nor a legacy code") as caught:
        registry.unit("999")
    assert caught.value.kind == "unit"


@pytest.mark.parametrize(
    ("code", "province"), [("33", "33"), ("11953", "33"), ("34", "33"), ("12433", "33"), ("10525", "31")]
)
def test_province_of(registry: Registry, code: str, province: str) -> None:
    assert registry.province_of(code) == province


@pytest.mark.parametrize(
    ("code", "province", "inside"),
    [
        ("11953", "33", True),
        ("34", "33", True),  # former Thái Bình is inside Hưng Yên's scope
        ("12433", "33", True),  # a former Thái Bình ward too
        ("30", "33", False),
        ("10525", "31", True),
        ("00004", None, True),
        ("nope", None, False),
    ],
)
def test_in_scope(registry: Registry, code: str, province: str | None, inside: bool) -> None:
    assert registry.in_scope(code, province) is inside


def test_communes_of_a_province(registry: Registry) -> None:
    communes = registry.communes("33")
    assert len(communes) == 104
    assert {u.parent_code for u in communes} == {"33"}
    with pytest.raises(UnknownUnit):
        registry.communes("34")


@pytest.mark.parametrize(
    ("query", "first_code"),
    [
        ("hung yen", "33"),
        ("HƯNG YÊN", "33"),
        ("hungyen", "33"),
        ("hanoi", "01"),
        ("ha noi", "01"),
        ("Hà Nội", "01"),
        ("dak lak", "66"),
        ("Ba Đình", "00004"),  # the spelling typed comes first among exact matches
        ("xa ba che", "06970"),
        ("phuong ba dinh", "00004"),
        ("pho hien", "11953"),
        ("11953", "11953"),
        ("34", "33"),  # a legacy code finds its successor
        ("ho chi minh", "79"),
    ],
)
def test_search_ignores_diacritics_and_case(registry: Registry, query: str, first_code: str) -> None:
    assert registry.search(query)[0].code == first_code


@pytest.mark.parametrize(("query", "code"), [("thai binh", "33"), ("Thái Bình", "33"), ("hai duong", "31")])
def test_search_finds_merged_provinces_through_their_successor(
    registry: Registry, query: str, code: str
) -> None:
    assert code in [u.code for u in registry.search(query, limit=10)]


def test_search_finds_communes_named_thai_binh_first(registry: Registry) -> None:
    first = registry.search("thai binh", limit=3)
    assert all(u.name == "Thái Bình" for u in first)


@pytest.mark.parametrize("query", ["", "   ", "-", "zzzzqqq"])
def test_search_without_match_is_empty(registry: Registry, query: str) -> None:
    assert registry.search(query) == []


def test_search_respects_limit(registry: Registry) -> None:
    assert len(registry.search("an", limit=7)) == 7


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=20))
def test_search_never_raises(text: str) -> None:
    assert len(load_registry().search(text, limit=5)) <= 5


def test_predecessors_regroup_history(registry: Registry) -> None:
    codes = {u.code for u in registry.predecessors("33")}
    assert {"33", "34"} <= codes
    assert {"12433", "12436"} <= {u.code for u in registry.predecessors("13225")}


def test_every_legacy_unit_lands_in_its_old_province_successor(registry: Registry) -> None:
    """Provinces merged whole in 2025, so each old commune's successor is in its old province's successor."""
    for unit in registry.legacy_units("commune"):
        district = registry.legacy(unit.parent_code or "")
        old_province = registry.legacy(district.parent_code or "")
        for successor in unit.split_into:
            assert registry.province_of(successor) == old_province.current_code, unit


def test_legacy_counts(registry: Registry) -> None:
    assert len(registry.legacy_units("province")) == 63
    assert 690 <= len(registry.legacy_units("district")) <= 710
    assert 10_000 <= len(registry.legacy_units("commune")) <= 10_100


def test_split_communes_list_their_default_successor_first(registry: Registry) -> None:
    ngoc_ha = registry.legacy("00016")  # split between Ba Đình and Ngọc Hà
    assert ngoc_ha.current_code == ngoc_ha.split_into[0] == "00004"
    assert set(ngoc_ha.split_into) == {"00004", "00008"}
