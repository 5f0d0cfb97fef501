"""Shared fixtures: the real registry (built from the pinned package, well under a second)."""

from __future__ import annotations

import pytest

from geodata.registry import Registry, load_registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The process-wide registry."""
    return load_registry()
