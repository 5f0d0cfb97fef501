"""The documented override table."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata.overrides import DEFAULT_PATH, Overrides, apply_overrides, read_overrides
from geodata.sources import read_current
from ioc.errors import GeodataError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_table_parses_and_every_row_names_a_source() -> None:
    overrides = read_overrides(DEFAULT_PATH)
    assert overrides.units["75"]["type"] == "thành phố"
    assert overrides.aliases == {"06978": "06970"}


def test_override_changes_only_the_named_fields() -> None:
    units = read_current()
    [before] = [u for u in units if u.code == "33"]
    [after] = [
        u for u in apply_overrides(units, Overrides({"33": {"type": "thành phố"}}, {})) if u.code == "33"
    ]
    assert (after.type, after.name, after.lat) == ("thành phố", before.name, before.lat)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[unit]]\ncode = "33"\ntype = "thành phố"\n', "no source"),
        ('[[unit]]\ncode = "33"\ncolour = "red"\nsource = "x"\n', "unknown fields"),
        ("[[unit]\n", "cannot read"),
    ],
)
def test_bad_tables_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(GeodataError, match=message):
        read_overrides(write(tmp_path, text))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (Overrides({"99999": {"type": "phường"}}, {}), "does not have"),
        (Overrides({}, {"00004": "00008"}), "alias codes are current codes"),
        (Overrides({}, {"12345": "99999"}), "does not have"),
    ],
)
def test_overrides_must_name_known_codes(overrides: Overrides, message: str) -> None:
    with pytest.raises(GeodataError, match=message):
        apply_overrides(read_current(), overrides)
