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
        "each consumer in its own process.",
        "",
        "| consumer | events/s | ratio to raw | peak RSS (MB) | seconds |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| (a) raw kafka-python, no processing | {raw['events_per_s']:,} | 1 | {raw['peak_rss_mb']} "
        f"| {raw['seconds']} |",
    ]
    for mode, label in (
        ("sqlite", "(b) pipeline → SQLite (WAL)"),
        ("postgresql", "(b) pipeline → PostgreSQL"),
    ):
        r = result[mode]
        lines.append(
            f"| {label} | {r['events_per_s']:,} | {r['ratio_to_raw']} | {r['peak_rss_mb']} | {r['seconds']} |"
        )
    for mode in ("sqlite", "postgresql"):
        if result[mode].get("profile"):
            lines += ["", f"Where the time goes ({mode}, cProfile, top functions by own time):", "", "```",
                      result[mode]["profile"].strip()[:4000], "```"]  # fmt: skip
    return lines


def _p(value: dict[str, float]) -> str:
    return f"{value['p50']:,.0f} / {value['p95']:,.0f}"


def _indicators(result: dict[str, Any]) -> list[str]:
    sizes = [k for k in result if k.endswith("M") and isinstance(result[k], dict)]
    lines = [
        f"Backend {result['backend']}. {result['generated']} Ingest of the real events: "
        f"{result['ingest']['events']:,} at {result['ingest']['events_per_s']:,} events/s.",
        "",
        "Milliseconds, p50 / p95 of 20 calls after a warm-up: the full indicator set of the province for "
        "each range, the map's per-unit values for 7 days, the open-item counts, one alert evaluation.",
        "",
        "| store | rollup rows | today | 24 h | 7 d | 30 d | map 7 d | open counts | alert evaluate |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        r = result[size]
        cells = [_p(r[f"indicators_{k}_ms"]) for k in ("today", "24h", "7d", "30d")]
        cells += [_p(r["map_7d_ms"]), _p(r["open_counts_ms"]), _p(r["evaluate_alerts_ms"])]
        lines.append(f"| {size} events | {r['rollup_rows']:,} | " + " | ".join(cells) + " |")
    return lines


def _verdict(value: float, target: float) -> str:
    return "met" if value <= target else "**missed**"


def _kb(n: float) -> str:
    return f"{n / 1e3:,.1f}"


def _watch_rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(measure, target, value with verdict) of one watched range."""
    ref, size, fresh = r["refresh_ms"], r["live_update_bytes"], r["freshness_s"]
    return [
        ("refresh server time p50 / p95 (ms)", "p95 ≤ 150",
         f"{ref['p50']:,} / {ref['p95']:,} ({_verdict(ref['p95'], 150)}; {ref['updates']} updates)"),
        ("of which CPU p50 / p95 (ms)", "", f"{ref['cpu_p50']:,} / {ref['cpu_p95']:,}"),
        ("bytes per live update p50 / p95 / max (KB)", "≤ 200 KB",
         f"{_kb(size['p50'])} / {_kb(size['p95'])} / {_kb(size['max'])} ({_verdict(size['max'], 200e3)})"),
        ("first load", "≤ 3 MB",
         f"{r['first_load_bytes'] / 1e6:.2f} MB ({_verdict(r['first_load_bytes'], 3e6)})"),
        ("first complete render", "≤ 3 s", f"{r['first_render_s']} s ({_verdict(r['first_render_s'], 3)})"),
        ("freshness, produce → shown p50 / p95 / max (s)", "p95 ≤ 2 s",
         f"{fresh['p50']} / {fresh['p95']} / {fresh['max']} ({_verdict(fresh['p95'], 2)}; "
         f"{fresh['samples']} samples, {fresh['missed']} missed)"),
    ]  # fmt: skip


def _dashboard(result: dict[str, Any]) -> list[str]:
    store = result["store"]
    ranges = [k for k in result if k.startswith("range_")]
    lines = [
        f"Store: {store['events']:,} events in SQLite ({store['file_gb']} GB, "
        f"oldest {store['oldest_event']}): "
        f"{store['simulated_and_ingested']:,} simulated up to now and ingested "
        f"({store['ingest_events_per_s']:,} events/s, {store['ingest_seconds']} s), the rest shifted copies "
        f"({store['history_seconds']} s). The app (`app.create_app`) consumed a real Kafka broker fed "
        f"{result['live_feed_events_per_s']:g} simulated events/s while Chromium kept the operations room "
        "open on each range.",
        "",
        "| measure | target | " + " | ".join(f"range {k.removeprefix('range_')}" for k in ranges) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in ranges) + " |",
    ]
    columns = [_watch_rows(result[k]) for k in ranges]
    for i, (label, target, _) in enumerate(columns[0] if columns else []):
        lines.append(f"| {label} | {target} | " + " | ".join(c[i][2] for c in columns) + " |")
    lines += ["", "Server time per callback, p95 in ms, and the first render's milestones:", ""]
    for k in ranges:
        parts = ", ".join(f"`{name}` {ms}" for name, ms in result[k]["callback_ms_p95"].items())
        marks = ", ".join(f"{n} {v} ms" for n, v in result[k]["first_render_milestones_ms"].items())
        lines += [f"- {k.removeprefix('range_')}: {parts}; milestones: {marks}"]
    push = result.get("transport_push_vs_poll", {})
    if push:
        lines += ["", "Push against poll, transport only: a counter shown by two minimal Dash apps, "
                  "ms from change to shown:", "",
                  "| design | shown / changes | p50 | p95 | max |",
                  "| --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
        for name, r in push.items():
            if isinstance(r, dict):
                lines.append(f"| {name} | {r['shown']} / {r['samples']} | {r['p50_ms']} | {r['p95_ms']} "
                             f"| {r['max_ms']} |")  # fmt: skip
            else:
                lines.append(f"| {name} | {r} | | | |")
    return lines


RENDER = {"ingest_bench": _ingest, "indicators_bench": _indicators, "dashboard_bench": _dashboard}


def write_report(results: dict[str, Any], path: Path) -> None:
    """Write the whole report."""
    out = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); raw numbers in `bench/results.json`.",
        "Targets are reported here, not asserted in tests.",
        "",
        "## Machine",
        "",
    ]
    out += [f"- {k}: {v}" for k, v in results["machine"].items()]
    for name, res in results.items():
        if name == "machine":
            continue
        out += ["", f"## {name.replace('_bench', '')}", "", f"Targets: {TARGETS.get(name, '—')}", ""]
        if not res.get("ok"):
            out += [f"**Failed:** `{res.get('error')}`", "", "```", res.get("trace", ""), "```"]
            continue
        out.append(f"(suite took {res['seconds']} s{', ' + res['when'] if res.get('when') else ''})")
        out.append("")
        if name in RENDER:
            out += RENDER[name](res["result"])
            continue
        rows: list[tuple[str, str]] = []
        _flatten("", res["result"], rows)
        out += ["| metric | value |", "| --- | ---: |", *[f"| {k} | {v} |" for k, v in rows]]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
