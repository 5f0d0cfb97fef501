"""Invariants of the layout that a reviewer would otherwise have to check by hand."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ioc.settings import Settings, documented_settings

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = {"app.py", "streams/consume.py", "streams/simulate.py"}  # each builds Settings for its process


def runtime_imports(path: Path) -> set[str]:
    """Top-level package names imported outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


DOMAIN = sorted(p for p in (ROOT / "ioc").rglob("*.py") if "store" not in p.relative_to(ROOT / "ioc").parts)


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_modules_do_not_import_database_kafka_or_dash(path: Path) -> None:
    assert not runtime_imports(path) & {"sqlalchemy", "kafka", "dash", "flask", "plotly"}


def test_only_entry_points_read_the_environment() -> None:
    readers = [
        str(p.relative_to(ROOT)) for folder in ("ioc", "streams", "layouts", "geodata")
        for p in (ROOT / folder).rglob("*.py")
        if re.search(r"os\.environ|getenv", p.read_text(encoding="utf-8"))
    ]  # fmt: skip
    assert set(readers) <= ENTRY_POINTS


@pytest.mark.parametrize(("name", "default", "help_text"), documented_settings(), ids=lambda v: str(v)[:30])
def test_every_setting_is_documented_in_the_readme(name: str, default: object, help_text: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{name}`" in readme, f"{name} is missing from README.md's settings table"
    assert help_text


@pytest.mark.parametrize(
    ("env", "field", "expected"),
    [({}, "port", 8050), ({"IOC_PORT": "9000"}, "port", 9000), ({"IOC_DEMO_RATE": "2.5"}, "demo_rate", 2.5),
     ({"IOC_PROVINCE": "33"}, "province", "33")],
)  # fmt: skip
def test_settings_come_from_the_environment(env: dict[str, str], field: str, expected: object) -> None:
    assert getattr(Settings.from_env(env), field) == expected


def test_explicit_arguments_beat_the_environment() -> None:
    assert Settings.from_env({"IOC_PORT": "9000"}, port=9100).port == 9100


def test_a_malformed_number_is_a_clear_error() -> None:
    from ioc.errors import SettingsError

    with pytest.raises(SettingsError, match="IOC_PORT='eighty' is not a valid int"):
        Settings.from_env({"IOC_PORT": "eighty"})
