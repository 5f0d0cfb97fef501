"""Render benchmark results as BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TARGETS = {
    "ingest_bench": "pipeline ≥ 0.5 × raw rate; ≥ 20,000 events/s into SQLite; peak memory < 300 MB",
    "geodata_bench": "placement ≥ 100,000 points/s; country communes (coarse) ≤ 3 MB; one province ≤ 300 KB; "
                     "default province layer ≤ 300 KB",
    "indicators_bench": "full indicator set per refresh < 100 ms at 1 M and at 10 M events",
    "dashboard_bench": "refresh p95 ≤ 150 ms; live update ≤ 200 KB; first load ≤ 3 MB; first render ≤ 3 s; "
                       "freshness p95 ≤ 2 s",
}  # fmt: skip


def _flatten(prefix: str, value: Any, rows: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("profile", "trace"):
                continue
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, rows)
    elif isinstance(value, float):
        rows.append((prefix, f"{value:,.3f}".rstrip("0").rstrip(".")))
    else:
        rows.append((prefix, f"{value:,}" if isinstance(value, int) else str(value)))


def _ingest(result: dict[str, Any]) -> list[str]:
    raw = result["raw"]
    lines = [
        f"{result['n']:,} simulated Hưng Yên events pre-produced to 3 topics × 3 partitions "
        f"({result['produce_seconds']} s to produce), then consumed from the start by a fresh group, "
        "each consumer in its own process.", "",
        "| consumer | events/s | ratio to raw | peak RSS (MB) | seconds |", "| --- | ---: | ---: | ---: | ---: |",
        f"| (a) raw kafka-python, no processing | {raw['events_per_s']:,} | 1 | {raw['peak_rss_mb']} | {raw['seconds']} |",
    ]  # fmt: skip
    for mode, label in (("sqlite", "(b) pipeline → SQLite (WAL)"), ("postgresql", "(b) pipeline → PostgreSQL")):
        r = result[mode]
        lines.append(f"| {label} | {r['events_per_s']:,} | {r['ratio_to_raw']} | {r['peak_rss_mb']} | {r['seconds']} |")
    for mode in ("sqlite", "postgresql"):
        if result[mode].get("profile"):
            lines += ["", f"Where the time goes ({mode}, cProfile, top functions by own time):", "", "```",
                      result[mode]["profile"].strip()[:4000], "```"]  # fmt: skip
    return lines


def write_report(results: dict[str, Any], path: Path) -> None:
    """Write the whole report."""
    out = ["# Benchmarks", "", "Written by `make bench` (`python -m bench`); raw numbers in `bench/results.json`.",
           "Targets are reported here, not asserted in tests.", "", "## Machine", ""]  # fmt: skip
    out += [f"- {k}: {v}" for k, v in results["machine"].items()]
    for name, res in results.items():
        if name == "machine":
            continue
        out += ["", f"## {name.replace('_bench', '')}", "", f"Targets: {TARGETS.get(name, '—')}", ""]
        if not res.get("ok"):
            out += [f"**Failed:** `{res.get('error')}`", "", "```", res.get("trace", ""), "```"]
            continue
        out.append(f"(suite took {res['seconds']} s)")
        out.append("")
        if name == "ingest_bench":
            out += _ingest(res["result"])
            continue
        rows: list[tuple[str, str]] = []
        _flatten("", res["result"], rows)
        out += ["| metric | value |", "| --- | ---: |", *[f"| {k} | {v} |" for k, v in rows]]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
