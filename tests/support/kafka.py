"""The broker the tests use when someone else runs it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExternalKafka:
    """A broker named by ``IOC_KAFKA_BOOTSTRAP``: it can be used, not restarted."""

    bootstrap: str
