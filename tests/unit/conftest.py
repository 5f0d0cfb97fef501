"""Small constructors shared by the unit tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy import Engine

from ioc.ingest import RawMessage
from ioc.state import Placed
from ioc.store import connect, migrate
from ioc.worktime import WorkCalendar


class CodeLocator:
    """Places a unit code on itself (5-digit codes in province 33); coordinates inside a box only."""

    def locate(self, units: Sequence[str | None], lons: Sequence[float | None],
               lats: Sequence[float | None]) -> list[Placed | str]:  # fmt: skip
        out: list[Placed | str] = []
        for unit, lon, lat in zip(units, lons, lats, strict=True):
            if unit is not None:
                out.append(Placed(unit, unit[:2] if len(unit) == 2 else "33") if unit != "99999"
                           else "unknown unit code '99999'")  # fmt: skip
            elif lon is not None and lat is not None and 102 <= lon <= 110 and 8 <= lat <= 24:
                out.append(Placed("12364", "33"))
            else:
                out.append(f"coordinates ({lon}, {lat}) are outside Vietnam")
        return out


@pytest.fixture
def locator() -> CodeLocator:
    return CodeLocator()


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return WorkCalendar.vietnam()


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    engine = connect(f"sqlite:///{tmp_path / 'ioc.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def messages(values: Sequence[bytes], topic: str = "t") -> list[RawMessage]:
    """Raw messages at consecutive offsets."""
    return [RawMessage(topic, 0, i, v) for i, v in enumerate(values)]
