"""The documented override table (types, names, code aliases) applied on top of the registry package."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geodata.units import Unit
from ioc.errors import GeodataError

DEFAULT_PATH = Path(__file__).parent / "data" / "unit_overrides.toml"
_FIELDS = {"type", "name", "name_en", "area_km2", "lat", "lon", "population"}


@dataclass(frozen=True)
class Overrides:
    """Field changes per current code, and alias code -> official code."""

    units: dict[str, dict[str, Any]]
    aliases: dict[str, str]


def read_overrides(path: Path = DEFAULT_PATH) -> Overrides:
    """Parse and check the override table."""
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GeodataError(f"cannot read unit overrides {path}: {exc}") from exc
    units: dict[str, dict[str, Any]] = {}
    for row in raw.get("unit", []):
        fields = {k: v for k, v in row.items() if k not in ("code", "source")}
        unknown = set(fields) - _FIELDS
        if unknown or "source" not in row:
            raise GeodataError(
                f"override for {row.get('code')!r}: unknown fields {sorted(unknown)} or no source"
            )
        units.setdefault(str(row["code"]), {}).update(fields)
    aliases = {str(row["code"]): str(row["current"]) for row in raw.get("alias", [])}
    return Overrides(units, aliases)


def apply_overrides(units: list[Unit], overrides: Overrides) -> list[Unit]:
    """Units with their overridden fields; refuses an override for a code the registry lacks."""
    known = {u.code for u in units}
    missing = (set(overrides.units) | set(overrides.aliases.values())) - known
    if missing:
        raise GeodataError(f"unit overrides name codes the registry does not have: {sorted(missing)}")
    clash = set(overrides.aliases) & known
    if clash:
        raise GeodataError(f"alias codes are current codes: {sorted(clash)}")
    return [
        dataclasses.replace(u, **overrides.units[u.code]) if u.code in overrides.units else u for u in units
    ]
