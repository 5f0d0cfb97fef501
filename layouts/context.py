"""What every page and callback of one dashboard needs: settings, store, geography, clock, options.

Built once per ``create_dash`` call and closed over by that app's callbacks, so two
apps in one process (tests) never share state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from geodata.registry import Registry, Unit
from geodata.scope import Scope
from ioc.errors import UnknownUnit
from ioc.settings import Settings
from ioc.worktime import WorkCalendar

log = logging.getLogger(__name__)
FAMILIES = ("feedback", "dossier", "infra")
DEFAULT_SLIDES = "overview:20,map:30,dossiers:20,feedback:20,infra:15"
SLIDES = ("overview", "map", "dossiers", "feedback", "infra")

# Seconds of silence before amber and red for streams a per-stream setting does not name.
AMBER_S, RED_S = 120.0, 600.0


def thresholds(value: Any, default: float) -> dict[str, float]:
    """Per-stream seconds from ``600`` or ``feedback=1800,infra=300`` (streams not named get ``default``)."""
    out = dict.fromkeys(FAMILIES, float(default))
    text = str(value).strip()
    if not text:
        return out
    if "=" not in text:
        return dict.fromkeys(FAMILIES, float(text))
    for part in text.split(","):
        name, _, seconds = part.partition("=")
        if name.strip() in out and seconds.strip():
            out[name.strip()] = float(seconds)
    return out


def parse_slides(text: str | None, fallback: str = DEFAULT_SLIDES) -> list[tuple[str, float]]:
    """``map:30,overview:20`` -> [("map", 30.0), ("overview", 20.0)]; unknown names, bad numbers dropped."""
    out: list[tuple[str, float]] = []
    for part in (text or "").split(","):
        name, _, seconds = part.strip().partition(":")
        if name not in SLIDES:
            continue
        try:
            duration = float(seconds) if seconds else 20.0
        except ValueError:
            continue
        out.append((name, min(max(duration, 2.0), 3600.0)))
    return out or (
        parse_slides(fallback, DEFAULT_SLIDES) if fallback != text else [(s, 20.0) for s in SLIDES]
    )


@dataclass
class Dashboard:
    """One dashboard's dependencies; ``now()`` is the clock every callback reads."""

    settings: Settings
    engine: Engine
    registry: Registry
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    layers_factory: Callable[[], Any] | None = None
    prefix: str = "/"  # the app's requests_pathname_prefix: where the browser finds /api/v1
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # derived static data (map views)
    _layers: Any = field(default=None, repr=False)
    _calendar: WorkCalendar | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.scope = Scope.from_settings(self.settings, self.registry)

    def now(self) -> datetime:
        """The current instant (tz-aware)."""
        return self.clock()

    @property
    def province(self) -> str | None:
        """The scope's province code, None for the whole country."""
        return self.scope.province

    @property
    def calendar(self) -> WorkCalendar:
        """Vietnam's working calendar, built on first use."""
        if self._calendar is None:
            with self._lock:
                if self._calendar is None:
                    self._calendar = WorkCalendar.vietnam()
        return self._calendar

    @property
    def layers(self) -> Any:
        """The map layers (geodata.layers.MapLayers), built on first use, not at import or start."""
        if self._layers is None:
            with self._lock:
                if self._layers is None:
                    self._layers = self._build_layers()
        return self._layers

    def _build_layers(self) -> Any:
        if self.layers_factory is not None:
            return self.layers_factory()
        from geodata.layers import MapLayers

        return MapLayers.from_settings(self.settings, self.registry)

    def warm_up(self) -> threading.Thread:
        """Build the calendar and map layers in the background: the first page does not wait for them."""

        def build() -> None:
            try:
                _ = self.calendar, self.layers
            except Exception:  # noqa: BLE001 - the first request builds them again and reports the error
                log.exception("preparing the map layers failed")

        thread = threading.Thread(target=build, name="dashboard-warm-up", daemon=True)
        thread.start()
        return thread

    def option(self, name: str) -> Any:
        """A dashboard setting: the field of ``ioc.settings.Settings`` with this name."""
        return getattr(self.settings, name)

    def amber(self) -> dict[str, float]:
        """Per stream: seconds of silence before amber."""
        return thresholds(self.option("stream_amber_seconds"), AMBER_S)

    def red(self) -> dict[str, float]:
        """Per stream: seconds of silence before red (and the wall's stale banner)."""
        return thresholds(self.option("stream_red_seconds"), RED_S)

    def unit(self, code: str | None) -> Unit | None:
        """The current unit with this code if it is inside the scope, else None."""
        if not code:
            return None
        try:
            current = self.registry.resolve(code)
            unit = self.registry.unit(current or code)
        except UnknownUnit:
            return None
        return unit if self.scope.contains(unit.code) else None

    def unit_name(self, code: str | None, lang: str = "vi") -> str:
        """A unit's display name (the code itself when unknown)."""
        unit = self.unit(code) if code else None
        if unit is None:
            return code or self.scope.name
        return unit.name  # proper names keep their Vietnamese spelling in every language

    def province_of(self, unit: Unit) -> str:
        """Province code of a unit (itself for a province)."""
        return unit.code if unit.level == "province" else unit.parent_code or ""
