"""Shared fixtures: a real Kafka broker and a real PostgreSQL, started once per session when a test asks.

Session fixtures are lazy by pytest's own rule: a run of unit tests that use neither
never starts a JVM or a database.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.broker import LocalKafka
from tests.support.kafka import ExternalKafka
from tests.support.postgres import LocalPostgres

INTEGRATION_DIR = Path(__file__).parent / "integration"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/integration with ``integration``."""
    for item in items:
        if INTEGRATION_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def kafka() -> Iterator[LocalKafka | ExternalKafka]:
    """The session's broker: the one at ``IOC_KAFKA_BOOTSTRAP`` if set, else a LocalKafka from the jars."""
    external = os.environ.get("IOC_KAFKA_BOOTSTRAP", "").strip()
    if external:
        yield ExternalKafka(external)
        return
    with LocalKafka() as broker:
        yield broker


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka: LocalKafka | ExternalKafka) -> str:
    """``host:port`` of the session's broker."""
    return kafka.bootstrap


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """A throwaway PostgreSQL server, removed at the end of the session."""
    with LocalPostgres() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_url(postgres: LocalPostgres) -> str:
    """SQLAlchemy URL (``postgresql+psycopg://``) of the throwaway database."""
    return postgres.url


@pytest.fixture
def topic(kafka_bootstrap: str) -> Iterator[str]:
    """A new topic ``test-<uuid>`` with 3 partitions, ready (leaders elected) when the test starts."""
    from kafka import KafkaAdminClient

    name = f"test-{uuid.uuid4().hex}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="ioc-test-admin")
    try:
        admin.create_topics({name: {"num_partitions": 3, "replication_factor": 1}},
                            timeout_ms=30_000, wait_for_metadata=True)
    finally:
        admin.close()
    yield name
    # Best effort: a throwaway broker does not care, a shared one (IOC_KAFKA_BOOTSTRAP) should not fill up.
    with contextlib.suppress(Exception):
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="ioc-test-admin")
        try:
            admin.delete_topics([name], timeout_ms=10_000)
        finally:
            admin.close()


@pytest.fixture
def group_id() -> str:
    """A consumer group name no other test uses."""
    return f"test-group-{uuid.uuid4().hex}"
