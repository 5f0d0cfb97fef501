"""The ingest Locator over the unit registry and a placer (duck-typed: no geodata import here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ioc.state import Placed


class UnitRegistry(Protocol):
    """What placement needs of the unit registry."""

    def resolve(self, code: str) -> str | None:
        """Current code for a current or legacy code."""
        ...

    def province_of(self, code: str) -> str:
        """Province code of a current unit."""
        ...


class PointPlacer(Protocol):
    """What placement needs of the point placer."""

    def place(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        """(codes, reasons) for arrays of coordinates."""
        ...


class RegistryLocator:
    """Unit codes go through the registry (legacy codes mapped); coordinates through the placer."""

    def __init__(self, registry: UnitRegistry, placer: PointPlacer) -> None:
        self.registry, self.placer = registry, placer
        self._by_code: dict[str, Placed | str] = {}

    def _code(self, code: str) -> Placed | str:
        hit = self._by_code.get(code)
        if hit is None:
            current = self.registry.resolve(code)
            if current is None:
                hit = f"unknown unit code {code!r}: neither a current nor a legacy unit"
            else:
                hit = Placed(current, self.registry.province_of(current))
            self._by_code[code] = hit
        return hit

    def locate(
        self, units: Sequence[str | None], lons: Sequence[float | None], lats: Sequence[float | None]
    ) -> list[Placed | str]:
        """A Placed per event, or the reason it cannot be placed (unknown code, outside Vietnam)."""
        out: list[Placed | str] = [self._code(u) if u is not None else "" for u in units]
        pairs = zip(lons, lats, strict=True)
        points = [i for i, (x, y) in enumerate(pairs) if x is not None and y is not None]
        if points:
            codes, reasons = self.placer.place([lons[i] for i in points], [lats[i] for i in points])
            for i, code, reason in zip(points, codes, reasons, strict=True):
                if code is None:
                    out[i] = reason or "coordinates could not be placed on a unit"
                elif units[i] is None:
                    out[i] = self._code(code)
        return out
