"""The unit registry: current and legacy units, lookups by code and by name."""

from __future__ import annotations

import dataclasses
import functools
import heapq
from collections.abc import Iterable

from geodata.overrides import Overrides, apply_overrides, read_overrides
from geodata.search import NameIndex
from geodata.sources import read_current, read_legacy
from geodata.units import LegacyLevel, LegacyUnit, Level, Unit
from ioc.errors import UnknownUnit

__all__ = ["LegacyUnit", "Level", "Registry", "Unit", "load_registry"]

# A name matched only through a legacy unit ranks after every direct match.
_VIA_LEGACY = 10


class Registry:
    """Every current and legacy unit, with the mapping from old codes to current ones."""

    def __init__(self, units: Iterable[Unit], legacy: Iterable[LegacyUnit], aliases: dict[str, str]) -> None:
        self._units = {u.code: u for u in units}
        self._legacy = {u.code: u for u in legacy}
        self._aliases = dict(aliases)
        self._by_province: dict[str, list[Unit]] = {}
        for u in self._units.values():
            if u.level == "commune":
                self._by_province.setdefault(u.parent_code or "", []).append(u)
        # Current codes win over legacy ones (many new communes kept an old commune's code).
        self._resolve = {c: lu.current_code for c, lu in self._legacy.items()}
        self._resolve.update(self._aliases)
        self._resolve.update({c: c for c in self._units})
        self._names = NameIndex()
        for u in self._units.values():
            self._names.add((u.name, u.full_name, u.name_en), u.code)
        for lu in self._legacy.values():
            self._names.add((lu.name, lu.full_name), lu.current_code, _VIA_LEGACY)

    def __len__(self) -> int:
        return len(self._units)

    def unit(self, code: str) -> Unit:
        """The current unit with this code; a legacy code raises, naming its successor."""
        try:
            return self._units[code]
        except KeyError:
            raise UnknownUnit(self._unknown_reason(code)) from None

    def legacy(self, code: str) -> LegacyUnit:
        """The pre-2025 unit with this code."""
        try:
            return self._legacy[code]
        except KeyError:
            raise UnknownUnit(f"{code!r} is not a legacy unit code") from None

    def legacy_units(self, level: LegacyLevel | None = None) -> list[LegacyUnit]:
        """Pre-2025 units, all or of one level."""
        return [u for u in self._legacy.values() if level is None or u.level == level]

    def resolve(self, code: str) -> str | None:
        """Current code for a current, legacy or alias code; None if unknown."""
        return self._resolve.get(code)

    def is_current(self, code: str) -> bool:
        """Whether this is a current unit's own code."""
        return code in self._units

    def predecessors(self, code: str) -> list[LegacyUnit]:
        """Legacy units whose territory went (wholly or partly) to this current unit, to regroup history."""
        return [lu for lu in self._legacy.values() if code in lu.split_into]

    def province_of(self, code: str) -> str:
        """Province code of a unit (legacy codes are resolved first)."""
        unit = self.unit(self.resolve(code) or code)
        return unit.code if unit.level == "province" else unit.parent_code or ""

    def provinces(self) -> list[Unit]:
        """The 34 current provinces and centrally-governed cities, by code."""
        return [u for u in self._units.values() if u.level == "province"]

    def communes(self, province: str | None = None) -> list[Unit]:
        """Current communes, wards and special zones, of one province or all."""
        if province is None:
            return [u for units in self._by_province.values() for u in units]
        self.unit(province)
        return list(self._by_province.get(province, []))

    def in_scope(self, code: str, province: str | None) -> bool:
        """Whether a (current or legacy) code falls in the province, or anywhere when province is None."""
        current = self.resolve(code)
        if current is None:
            return False
        return province is None or self.province_of(current) == province

    def search(self, text: str, limit: int = 10) -> list[Unit]:
        """Units whose name matches, ignoring diacritics and case: exact, prefix, word, substring."""
        best = self._names.ranks(text)
        if (hit := self.resolve(text.strip())) is not None:
            best[hit] = -1  # a code typed into the search box
        typed = text.strip().casefold()

        def order(code: str) -> tuple[int, bool, bool, str, str]:
            u = self._units[code]
            # Among equal ranks: the spelling typed (diacritics included), then provinces, then by name.
            spelled = typed in (u.name.casefold(), u.full_name.casefold())
            return best[code], not spelled, u.level != "province", u.name, code

        return [self._units[c] for c in heapq.nsmallest(limit, best, key=order)]

    def _unknown_reason(self, code: str) -> str:
        current = self._resolve.get(code)
        if current is None:
            return f"unit code {code!r} is neither a current nor a legacy code"
        old = self._legacy.get(code)
        was = f" ({old.full_name})" if old else ""
        return (
            f"unit code {code!r}{was} is not current: it is now {current} ({self._units[current].full_name})"
        )


def build_registry(overrides: Overrides | None = None) -> Registry:
    """A registry from the package data and the override table (uncached)."""
    overrides = overrides or read_overrides()
    units = apply_overrides(read_current(), overrides)
    areas: dict[str, float] = {}
    for u in units:
        if u.level == "commune" and u.parent_code and u.area_km2 is not None:
            areas[u.parent_code] = areas.get(u.parent_code, 0.0) + u.area_km2
    # The package has no province areas: the sum of the communes' is the official total to rounding.
    units = [_with_area(u, areas) for u in units]
    return Registry(units, read_legacy(), overrides.aliases)


def _with_area(unit: Unit, areas: dict[str, float]) -> Unit:
    if unit.level != "province" or unit.area_km2 is not None:
        return unit
    return dataclasses.replace(unit, area_km2=round(areas.get(unit.code, 0.0), 2))


@functools.cache
def load_registry() -> Registry:
    """The registry, built once per process."""
    return build_registry()
