"""Where the shared 2025 test boundaries live: ../shared/geodata next to the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared" / "geodata"


def shared_file(name: str) -> Path:
    """A file of ../shared/geodata, or a skip that says why (CI has the folder; a user's machine need not)."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(
            f"needs the test boundary file {path} (../shared/geodata next to the repository); "
            "it is test data kept outside the project, so these tests cannot run without it"
        )
    return path
