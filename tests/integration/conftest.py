"""Integration tests must run: here a skip is a failure (the infrastructure is part of what is tested)."""

from __future__ import annotations

from collections.abc import Generator

import pytest
from _pytest.reports import CollectReport, TestReport


def _as_failure(report: TestReport | CollectReport) -> None:
    reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"integration tests may not be skipped: {reason}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, TestReport, TestReport]:
    """Turn a skipped integration test (not an expected failure) into a failed one."""
    report: TestReport = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        _as_failure(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, CollectReport, CollectReport]:
    """Turn a module skipped at import (``importorskip``, module-level ``skip``) into an error."""
    report: CollectReport = yield
    if report.skipped:
        _as_failure(report)
    return report
