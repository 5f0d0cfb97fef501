"""Topic names and the codec between events and Kafka messages."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from ioc import events as ev

FAMILIES = ("feedback", "dossier", "infra")
_encoder = msgspec.json.Encoder()


@dataclass(frozen=True)
class Topics:
    """The topics of one deployment, all under one prefix."""

    prefix: str = "ioc"

    def of(self, family: str) -> str:
        """The topic of a stream family."""
        return f"{self.prefix}.{family}"

    @property
    def streams(self) -> list[str]:
        """The three event topics the consumer reads."""
        return [self.of(f) for f in FAMILIES]

    @property
    def dead_letter(self) -> str:
        """Where messages that fail validation go, with the reason in a header."""
        return f"{self.prefix}.deadletter"

    @property
    def alerts(self) -> str:
        """Where alert changes (raised, acknowledged, cleared, linked) are published."""
        return f"{self.prefix}.alerts"

    def family_of(self, topic: str) -> str | None:
        """The family whose topic this is, if any."""
        for family in FAMILIES:
            if topic == self.of(family):
                return family
        return None


def encode(event: ev.Event) -> tuple[bytes, bytes]:
    """(key, value) of an event: keyed by its case, dossier or site so one partition keeps its order."""
    return event.entity_id.encode(), _encoder.encode(event)
