"""The operations center's scope: country or one province."""

from __future__ import annotations

import pytest

from geodata.registry import Registry
from geodata.scope import Scope
from ioc.errors import GeodataError, SettingsError
from ioc.settings import Settings


def test_country_scope_covers_everything(registry: Registry) -> None:
    scope = Scope.from_settings(Settings(), registry)
    assert scope.is_country and scope.province is None
    assert scope.name == "Việt Nam"
    assert len(scope.units()) == 34 + 3321
    assert len(scope.areas()) == 34
    assert scope.contains("34") and scope.contains("00004")


def test_province_scope_from_environment(registry: Registry) -> None:
    scope = Scope.from_settings(Settings.from_env({"IOC_PROVINCE": "33"}), registry)
    assert (scope.province, scope.name, scope.full_name) == ("33", "Hưng Yên", "Tỉnh Hưng Yên")
    assert scope.units()[0].code == "33"
    assert len(scope.areas()) == 104
    lat, lon = scope.center()
    assert 20 < lat < 21 and 106 < lon < 107


@pytest.mark.parametrize(
    ("code", "inside"),
    [
        ("33", True),
        ("11953", True),
        ("34", True),
        ("12433", True),
        ("336", True),
        ("31", False),
        ("00004", False),
        ("bogus", False),
    ],
)
def test_hung_yen_scope_contains_former_thai_binh(registry: Registry, code: str, inside: bool) -> None:
    assert Scope(registry, "33").contains(code) is inside


def test_legacy_province_code_is_refused_with_the_right_code(registry: Registry) -> None:
    with pytest.raises(SettingsError, match="former Tỉnh Thái Bình.*IOC_PROVINCE=33"):
        Scope.from_settings(Settings(province="34"), registry)


@pytest.mark.parametrize("code", ["99", "00004", "x"])
def test_non_province_codes_are_refused(registry: Registry, code: str) -> None:
    with pytest.raises(GeodataError, match="not a current province code"):
        Scope(registry, code)
