"""The JSON API under /api/v1, through Flask's test client."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from layouts import create_dash
from layouts.context import Dashboard
from tests.unit.layouts.conftest import NOW
from tests.unit.layouts.store import COMMUNE


@pytest.fixture
def client(ctx: Dashboard) -> FlaskClient:
    app = create_dash(ctx.settings, ctx.engine, ctx.registry, clock=lambda: NOW)
    return app.server.test_client()


def get(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype in ("application/json", "application/geo+json")
    return response.get_json(force=True)


def test_health_lists_each_stream_with_its_freshness_and_the_change_token(client: FlaskClient) -> None:
    body = get(client, "/api/v1/health")
    assert [s["family"] for s in body["streams"]] == ["feedback", "dossier", "infra"]
    assert {"age_s", "lag", "level", "newest_event_at", "events_total"} <= set(body["streams"][0])
    assert body["token"] and isinstance(body["stale"], bool)


@pytest.mark.parametrize(
    "query",
    [
        "",
        f"?unit={COMMUNE}",
        "?unit=33&range=7d",
        "?range=custom&since=2026-11-19",
        "?range=30d&sector=Hộ tịch&category=land&lang=en",
    ],
)
def test_indicators_per_unit_and_range(client: FlaskClient, query: str) -> None:
    body = get(client, "/api/v1/indicators" + query)
    keys = {i["key"] for i in body["indicators"]}
    assert {"dos.on_time_rate", "fb.received", "site.availability"} <= keys
    assert body["previous"]["until"] <= body["until"]


def test_indicator_names_follow_the_language(client: FlaskClient) -> None:
    en = get(client, "/api/v1/indicators?lang=en")["indicators"]
    assert next(i["name"] for i in en if i["key"] == "dos.on_time_rate") == "Dossiers resolved on time"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/indicators?range=1y", 400),
        ("/api/v1/indicators?range=custom", 400),
        ("/api/v1/indicators?unit=00004", 404),  # Hà Nội: outside the scope
        ("/api/v1/open-items?queue=everything", 400),
        ("/api/v1/map?indicator=nope", 400),
        ("/api/v1/units", 400),
        ("/api/v1/geojson/rivers", 404),
    ],
)
def test_bad_requests_are_refused_with_a_reason(client: FlaskClient, url: str, status: int) -> None:
    assert get(client, url, status)["error"]


@pytest.mark.parametrize("queue", ["dossiers_overdue", "dossiers_due_soon", "feedback_open", "sites_down"])
def test_open_items_of_a_unit(client: FlaskClient, queue: str) -> None:
    body = get(client, f"/api/v1/open-items?unit={COMMUNE}&queue={queue}&limit=5")
    assert body["queue"] == queue and len(body["items"]) <= 5
    assert all(item["unit"] == COMMUNE for item in body["items"])


def test_open_feedback_carries_masked_text_only(client: FlaskClient) -> None:
    items = get(client, "/api/v1/open-items?queue=feedback_open&limit=200")["items"]
    texts = " ".join(i["text"] for i in items)
    assert "0912345678" not in texts and "nguoidan@example.vn" not in texts


def test_map_values_per_commune(client: FlaskClient) -> None:
    body = get(client, "/api/v1/map?indicator=fb.received&range=7d")
    assert body["level"] == "commune" and body["values"]
    assert all(code.isdigit() and len(code) == 5 for code in body["values"])


def test_unit_search_ignores_diacritics(client: FlaskClient) -> None:
    assert get(client, "/api/v1/units?q=pho hien")["units"][0]["code"] == COMMUNE


def test_boundaries_are_served_compact_and_cacheable(client: FlaskClient) -> None:
    first = client.get("/api/v1/geojson/provinces?province=33")
    assert (
        first.status_code == 200 and first.get_json(force=True)["features"][0]["properties"]["code"] == "33"
    )
    again = client.get(
        "/api/v1/geojson/provinces?province=33", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
