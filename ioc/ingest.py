"""From raw message bytes to placed events or dead letters: the pure half of ingest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import msgspec

from ioc import events as ev
from ioc.state import Placed

_decoder = msgspec.json.Decoder(ev.AnyEvent)
DeadKind = str  # "size", "json", "schema", "unit", "place"


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as it came off the wire, with its position for the dead-letter store."""

    topic: str
    partition: int
    offset: int
    value: bytes | None
    key: bytes | None = None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message that could not be stored as an event, and why."""

    message: RawMessage
    kind: DeadKind
    reason: str


@dataclass(frozen=True, slots=True)
class Accepted:
    """A valid event, placed on its current unit, with the message it came in."""

    event: ev.Event
    place: Placed
    message: RawMessage

    @property
    def raw(self) -> bytes:
        """The original bytes."""
        return self.message.value or b""


class Locator(Protocol):
    """Places events on current units: by code (legacy codes mapped) or by coordinates."""

    def locate(
        self, units: Sequence[str | None], lons: Sequence[float | None], lats: Sequence[float | None]
    ) -> list[Placed | str]:
        """A Placed for each event, or a string saying why it cannot be placed."""
        ...


def decode(message: RawMessage, max_bytes: int) -> ev.Event | DeadLetter:
    """Decode and validate one message; never raises on bad input."""
    value = message.value
    if value is None or not value:
        return DeadLetter(message, "json", "empty message")
    if len(value) > max_bytes:
        return DeadLetter(message, "size", f"payload of {len(value)} bytes exceeds the limit of {max_bytes}")
    try:
        return _decoder.decode(value)
    except msgspec.ValidationError as exc:
        return DeadLetter(message, "schema", f"schema violation: {exc}")
    except msgspec.DecodeError as exc:
        return DeadLetter(message, "json", f"not valid JSON: {exc}")


def decode_batch(
    messages: Sequence[RawMessage], locator: Locator, max_bytes: int
) -> tuple[list[Accepted], list[DeadLetter]]:
    """Decode, validate and place a batch; bad messages become dead letters with their reason."""
    dead: list[DeadLetter] = []
    decoded: list[tuple[ev.Event, RawMessage]] = []
    for message in messages:
        result = decode(message, max_bytes)
        if isinstance(result, DeadLetter):
            dead.append(result)
        else:
            decoded.append((result, message))
    places = locator.locate(
        [e.unit for e, _ in decoded], [e.lon for e, _ in decoded], [e.lat for e, _ in decoded]
    )
    accepted: list[Accepted] = []
    for (event, message), place in zip(decoded, places, strict=True):
        if isinstance(place, str):
            kind = "unit" if event.unit is not None else "place"
            dead.append(DeadLetter(message, kind, place))
        else:
            accepted.append(Accepted(event, place, message))
    return accepted, dead
