"""The operations center's scope: the whole country or one province (setting IOC_PROVINCE)."""

from __future__ import annotations

from dataclasses import dataclass

from geodata.registry import Registry, Unit
from ioc.errors import GeodataError, SettingsError
from ioc.settings import Settings

COUNTRY_NAME = "Việt Nam"


@dataclass(frozen=True)
class Scope:
    """One province (by current code) or, when province is None, the whole country."""

    registry: Registry
    province: str | None = None

    def __post_init__(self) -> None:
        if self.province is None:
            return
        if (
            not self.registry.is_current(self.province)
            or self.registry.unit(self.province).level != "province"
        ):
            raise GeodataError(_bad_province(self.registry, self.province))

    @classmethod
    def from_settings(cls, settings: Settings, registry: Registry) -> Scope:
        """Scope named by ``settings.province`` (empty means the whole country)."""
        code = settings.province.strip()
        try:
            return cls(registry, code or None)
        except GeodataError as exc:
            raise SettingsError(str(exc)) from exc

    @property
    def name(self) -> str:
        """Display name: 'Việt Nam' or the province's name, e.g. 'Hưng Yên'."""
        return COUNTRY_NAME if self.province is None else self.registry.unit(self.province).name

    @property
    def full_name(self) -> str:
        """Official name: 'Việt Nam' or e.g. 'Tỉnh Hưng Yên'."""
        return COUNTRY_NAME if self.province is None else self.registry.unit(self.province).full_name

    @property
    def is_country(self) -> bool:
        """Whether the scope is the whole country."""
        return self.province is None

    def units(self) -> list[Unit]:
        """Current units in scope: provinces then communes (the province itself then its communes)."""
        if self.province is None:
            return [*self.registry.provinces(), *self.registry.communes()]
        return [self.registry.unit(self.province), *self.registry.communes(self.province)]

    def areas(self) -> list[Unit]:
        """The units one level down that a map of the scope shows: provinces, or the province's communes."""
        if self.province is None:
            return self.registry.provinces()
        return self.registry.communes(self.province)

    def contains(self, code: str) -> bool:
        """Whether a current or legacy unit code falls inside the scope."""
        return self.registry.in_scope(code, self.province)

    def center(self) -> tuple[float, float]:
        """(lat, lon) to centre a map on: the province's centroid, or the middle of the country."""
        if self.province is None:
            return 16.0, 106.0
        unit = self.registry.unit(self.province)
        return unit.lat or 16.0, unit.lon or 106.0


def _bad_province(registry: Registry, code: str) -> str:
    current = registry.resolve(code)
    if current is not None and registry.unit(current).level == "province":
        old = registry.legacy(code).full_name
        new = registry.unit(current)
        return (
            f"IOC_PROVINCE={code} is former {old}, now part of {new.full_name}: set IOC_PROVINCE={new.code}"
        )
    return f"IOC_PROVINCE={code!r} is not a current province code (2 digits, e.g. 33 for Hưng Yên)"
