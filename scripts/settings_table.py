"""Print the README's settings table (between the ``settings`` markers) from ioc/settings.py."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ioc.settings import documented_settings  # noqa: E402


def table() -> str:
    """The markdown table of every IOC_* setting."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{name}` | `{default}` | {meaning} |" for name, default, meaning in documented_settings()]
    return "\n".join(rows)


def main() -> None:
    """Rewrite the table in README.md in place."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    markers = r"(<!-- settings -->\n).*?(<!-- /settings -->)"
    new = re.sub(markers, lambda m: m[1] + table() + "\n" + m[2], text, flags=re.S)
    readme.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
