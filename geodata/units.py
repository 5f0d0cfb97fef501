"""The unit records: current units (34 provinces, 3,321 communes) and legacy ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["province", "commune"]
LegacyLevel = Literal["province", "district", "commune"]

# Types are data (they change by resolution), so they are plain strings; these are the known ones.
PROVINCE_TYPES = ("tỉnh", "thành phố")
COMMUNE_TYPES = ("xã", "phường", "đặc khu")
TYPE_EN = {
    "tỉnh": "province",
    "thành phố": "city",
    "xã": "commune",
    "phường": "ward",
    "đặc khu": "special zone",
    "quận": "urban district",
    "huyện": "district",
    "thị xã": "town",
    "thị trấn": "township",
}


@dataclass(frozen=True)
class Unit:
    """A current administrative unit (after 1 July 2025)."""

    code: str
    name: str
    name_ascii: str
    name_en: str
    type: str
    level: Level
    parent_code: str | None
    lat: float | None
    lon: float | None
    area_km2: float | None
    population: int | None

    @property
    def full_name(self) -> str:
        """Name with its type, as written officially: 'Tỉnh Hưng Yên', 'Phường Ba Đình'."""
        return f"{self.type.capitalize()} {self.name}"

    @property
    def type_en(self) -> str:
        """English type: province, city, commune, ward, special zone."""
        return TYPE_EN.get(self.type, self.type)


@dataclass(frozen=True)
class LegacyUnit:
    """A unit of the 63-province, three-tier period (before 1 July 2025) and where it went."""

    code: str
    name: str
    name_ascii: str
    type: str
    level: LegacyLevel
    parent_code: str | None
    current_code: str
    split_into: tuple[str, ...]
    lat: float | None
    lon: float | None

    @property
    def full_name(self) -> str:
        """Name with its type: 'Tỉnh Thái Bình', 'Huyện Ba Chẽ'."""
        return f"{self.type.capitalize()} {self.name}"
