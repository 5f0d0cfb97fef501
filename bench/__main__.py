"""``make bench``: run every benchmark in one go and write BENCHMARKS.md with the machine's details.

Targets are reported, never asserted: absolute times drift with the machine, so the ingest
numbers are also given as ratios to raw kafka-python consumption in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUITES = ("ingest_bench", "geodata_bench", "indicators_bench", "dashboard_bench")


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = int(open("/proc/meminfo", encoding="utf-8").readline().split()[1])
    sqlite = __import__("sqlite3").sqlite_version
    pg = subprocess.run(
        "ls /usr/lib/postgresql 2>/dev/null", shell=True, capture_output=True, text=True
    ).stdout
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "cpu": cpu, "cores": str(os.cpu_count()),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB", "python": platform.python_version(),
        "kernel": platform.release(), "sqlite": sqlite, "postgresql": pg.strip() or "?", "kafka": "4.1.1",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }  # fmt: skip


def run_suite(name: str, quick: bool) -> dict[str, Any]:
    """Run one suite's ``run()``; a failure is recorded, not fatal for the others."""
    module = importlib.import_module(f"bench.{name}")
    started = time.perf_counter()
    try:
        kwargs: dict[str, Any] = {}
        if name == "ingest_bench":
            kwargs = {"n": 50_000 if quick else 200_000, "profile": True}
        result = module.run(**kwargs)
        when = datetime.now(UTC).strftime("run %Y-%m-%d %H:%M UTC")
        return {
            "ok": True,
            "seconds": round(time.perf_counter() - started, 1),
            "when": when,
            "result": result,
        }
    except Exception as exc:  # noqa: BLE001 - the report says what failed and why
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}


def main() -> None:
    """Run the suites and write BENCHMARKS.md (and the raw JSON next to it)."""
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--quick", action="store_true", help="smaller ingest run (50,000 events)")
    p.add_argument("--only", nargs="*", default=list(SUITES), help="suites to run")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    previous = ROOT / "bench" / "results.json"
    results: dict[str, Any] = (
        json.loads(previous.read_text()) if args.only != list(SUITES) and previous.exists() else {}
    )
    results["machine"] = machine()
    for name in args.only:
        if not (ROOT / "bench" / f"{name}.py").exists():
            continue
        print(f"== {name}", flush=True)
        results[name] = run_suite(name, args.quick)
        print(
            json.dumps({k: v for k, v in results[name].items() if k != "trace"}, default=str)[:2000],
            flush=True,
        )
    (ROOT / "bench" / "results.json").write_text(
        json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8"
    )
    from bench.report import write_report

    write_report(results, ROOT / "BENCHMARKS.md")
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
