"""Decoding and validating events: good ones pass, bad ones become dead letters with a clear reason."""

from __future__ import annotations

import json

import jsonschema
import msgspec
import pytest

from ioc import events as ev
from ioc.event_examples import examples
from ioc.ingest import DeadLetter, RawMessage, decode, decode_batch

from .conftest import CodeLocator, messages


def fake(**overrides: object) -> dict[str, object]:
    """A valid feedback.received event as a dict, with overrides."""
    base: dict[str, object] = {
        "type": "feedback.received", "event_id": "e-1", "occurred_at": "2026-03-02T08:00:00+07:00",
        "source": "zalo", "unit": "12364", "case_id": "c-1", "channel": "zalo", "category": "land",
    }  # fmt: skip
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def raw(obj: object) -> RawMessage:
    return RawMessage("t", 0, 0, json.dumps(obj).encode())


@pytest.mark.parametrize("tag", sorted(ev.EVENT_TYPES))
def test_every_example_round_trips(tag: str) -> None:
    event = examples()[tag]
    decoded = decode(RawMessage("t", 0, 0, msgspec.json.encode(event)), 65536)
    assert decoded == event


@pytest.mark.parametrize(
    ("payload", "kind", "reason"),
    [
        (b"", "json", "empty message"),
        (b"{not json", "json", "not valid JSON"),
        (b"[1, 2]", "schema", "Expected `object`"),
        (
            json.dumps(fake(type="feedback.teleported")).encode(), "schema",
            "Invalid value 'feedback.teleported'",
        ),
        (json.dumps(fake(occurred_at="2026-03-02T08:00:00")).encode(), "schema", "timezone"),
        (json.dumps(fake(category="weather")).encode(), "schema", "$.category"),
        (json.dumps(fake(case_id=None)).encode(), "schema", "missing required field `case_id`"),
        (json.dumps(fake(unit=None)).encode(), "schema", "needs a unit code or both lat and lon"),
        (json.dumps(fake(unit="1")).encode(), "schema", "$.unit"),
        (json.dumps(fake(lat=21.0)).encode(), "schema", "lat and lon go together"),
        (json.dumps(fake(version=2)).encode(), "schema", "$.version"),
        (json.dumps(fake(lat=91, lon=105)).encode(), "schema", "$.lat"),
    ],
)
def test_bad_messages_become_dead_letters_with_reason(payload: bytes, kind: str, reason: str) -> None:
    result = decode(RawMessage("t", 0, 7, payload), 65536)
    assert isinstance(result, DeadLetter)
    assert result.kind == kind
    assert reason in result.reason
    assert result.message.value == payload  # the original bytes are kept


def test_oversized_payload_is_rejected_before_parsing() -> None:
    payload = json.dumps(fake(text="x" * 5000)).encode()
    result = decode(RawMessage("t", 0, 0, payload), max_bytes=1000)
    assert isinstance(result, DeadLetter) and result.kind == "size"
    assert f"{len(payload)} bytes exceeds the limit of 1000" in result.reason


def test_batch_keeps_good_events_and_dead_letters_unknown_units_and_foreign_coordinates() -> None:
    good = json.dumps(fake()).encode()
    unknown = json.dumps(fake(event_id="e-2", unit="99999")).encode()
    abroad = json.dumps(fake(event_id="e-3", unit=None, lat=35.6, lon=139.7)).encode()
    accepted, dead = decode_batch(messages([good, unknown, abroad, b"junk"]), CodeLocator(), 65536)
    assert [a.event.event_id for a in accepted] == ["e-1"]
    assert sorted((d.kind, d.message.offset) for d in dead) == [("json", 3), ("place", 2), ("unit", 1)]
    assert "outside Vietnam" in next(d.reason for d in dead if d.kind == "place")


SCHEMA = json.loads(open("schemas/v1/events.schema.json", encoding="utf-8").read())


@pytest.mark.parametrize("tag", sorted(ev.EVENT_TYPES))
def test_published_schema_accepts_every_example(tag: str) -> None:
    jsonschema.validate(json.loads(msgspec.json.encode(examples()[tag])), SCHEMA)


@pytest.mark.parametrize("bad", [fake(category="weather"), fake(case_id=None), fake(type="nope")])
def test_published_schema_rejects_bad_events(bad: dict[str, object]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_committed_schemas_and_event_docs_are_up_to_date() -> None:
    from scripts.export_schemas import render

    stale = [
        str(p) for p, content in render().items()
        if not p.exists() or p.read_text(encoding="utf-8") != content
    ]  # fmt: skip
    assert not stale, f"run python scripts/export_schemas.py: {stale}"
