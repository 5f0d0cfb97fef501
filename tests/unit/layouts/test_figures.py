"""Figure builders are pure: data in, figures (or patches) out, nothing from outside the origin."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from ioc.i18n import Messages
from layouts import figures
from layouts.figures import BASE, CONTEXT, VALUES, MapView, Marker

CODES = ("11953", "11977", "12010")
NAMES = {"11953": "Phố Hiến", "11977": "Tân Hưng", "12010": "Hồng Châu"}


def view(polygons: bool = True) -> MapView:
    points = {c: (20.6 + i / 10, 106.0 + i / 10) for i, c in enumerate(CODES)}
    return MapView(
        "commune",
        "communes" if polygons else "commune-points",
        "/api/v1/geojson/communes?level=coarse&province=33&v=1" if polygons else None,
        CODES,
        NAMES,
        (20.7, 106.1),
        9.0,
        "map:33:0",
        {} if polygons else points,
        None if polygons else "/api/v1/geojson/provinces?level=coarse&province=33&v=1",
        () if polygons else ("33",),
    )


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def build(polygons: bool = True, **kw: object) -> dict:
    values = {"11953": 97.5, "11977": None, "12010": 88.0}
    markers = [
        Marker("outage", 20.65, 106.05, "bts-1", "11953"),
        Marker("alert", 20.7, 106.1, "Hơn 10 hồ sơ", "12010"),
    ]
    args = {"title": "Đúng hạn", "fmt": fmt, "higher_is_better": True, "rate": True} | kw
    return figures.map_figure(view(polygons), values, markers, Messages("vi"), **args).to_plotly_json()  # type: ignore[arg-type]


@pytest.mark.parametrize("polygons", [True, False])
def test_map_draws_every_unit_and_colours_those_with_data(polygons: bool) -> None:
    fig = build(polygons)
    base, coloured = fig["data"][BASE], fig["data"][VALUES]
    drawn = base["locations"] if polygons else base["lat"]
    assert len(drawn) == len(CODES)
    assert (list(coloured["locations"]) if polygons else len(coloured["lat"])) == (
        ["11953", "12010"] if polygons else 2
    )
    assert [t["name"] for t in fig["data"][VALUES + 1 :]] == ["alert", "outage", "selected"]


def test_map_keeps_the_users_zoom_across_updates_and_fetches_nothing_from_outside() -> None:
    fig = build()
    layout = fig["layout"]
    assert layout["uirevision"] == "map:33:0"
    style = layout["map"]["style"]
    assert style["sources"] == {} and [layer["type"] for layer in style["layers"]] == ["background"]
    text = json.dumps(fig)
    assert "http://" not in text and "https://" not in text and "mapbox" not in text.lower()


def test_a_configured_tile_server_is_the_only_source() -> None:
    style = build(tiles="https://tiles.ioc.example.gov.vn/{z}/{x}/{y}.png")["layout"]["map"]["style"]
    assert list(style["sources"]) == ["site-tiles"]
    assert style["sources"]["site-tiles"]["tiles"] == ["https://tiles.ioc.example.gov.vn/{z}/{x}/{y}.png"]


def test_points_mode_draws_the_province_outline_under_the_communes() -> None:
    fig = build(polygons=False)
    assert fig["data"][CONTEXT]["type"] == "choroplethmap" and fig["data"][CONTEXT]["locations"] == ["33"]
    assert build()["data"][CONTEXT]["type"] == "scattermap"  # an empty placeholder keeps the indices


@pytest.mark.parametrize("polygons", [True, False])
def test_the_selected_unit_is_outlined_above_everything(polygons: bool) -> None:
    top = build(polygons, selected="12010")["data"][-1]
    assert top["name"] == "selected"
    assert (list(top["locations"]) if polygons else len(top["lat"])) == (["12010"] if polygons else 1)
    assert build(polygons)["data"][-1]["name"] == "selected"  # there, empty, when nothing is selected


def test_map_patch_sends_values_and_markers_not_boundaries() -> None:
    patch = figures.map_patch(
        view(), {"11953": 99.0, "11977": 91.0, "12010": None}, [], title="Đúng hạn", fmt=fmt, rate=True
    ).to_plotly_json()
    text = json.dumps(patch)
    assert "geojson" not in text and "99.0" in text
    assert len(text) < 2000


def test_map_hover_text_is_formatted_by_the_caller() -> None:
    hover = build()["data"][VALUES]["customdata"]
    assert hover[0] == ["Phố Hiến", "Đúng hạn: 97.5%", "11953"]


@pytest.mark.parametrize(("lang", "separators", "hour"), [("vi", ",.", "%H:%M"), ("en", ".,", "%-I %p")])
def test_charts_write_numbers_and_times_for_the_language(lang: str, separators: str, hour: str) -> None:
    start = datetime(2026, 11, 20, 1, tzinfo=UTC)
    data = {"dos.received": [(start + timedelta(hours=h), float(h)) for h in range(3)]}
    series = [figures.Series("dos.received", "Tiếp nhận", "bar", "#38bdf8")]
    fig = figures.trend_figure(data, series, "hour", Messages(lang)).to_plotly_json()
    assert fig["layout"]["separators"] == separators
    assert fig["layout"]["xaxis"]["tickformat"] == hour
    assert list(fig["data"][0]["x"])[0] == "2026-11-20T08:00:00"  # shown in Vietnam's time


def test_trend_patch_replaces_only_x_and_y() -> None:
    start = datetime(2026, 11, 20, 1, tzinfo=UTC)
    series = [figures.Series("fb.received", "Tiếp nhận", "bar", "#a78bfa")]
    patch = figures.trend_patch({"fb.received": [(start, 4.0)]}, series).to_plotly_json()
    assert {op["location"][-1] for op in patch["operations"]} == {"x", "y"}


@pytest.mark.parametrize(
    ("bounds", "low", "high"),
    [
        ((102.1, 8.4, 109.6, 23.4), 4.0, 6.0),  # the country
        ((105.9, 20.2, 106.7, 20.8), 8.5, 10.5),
    ],  # one province
)
def test_fit_zoom_frames_the_area(bounds: tuple[float, float, float, float], low: float, high: float) -> None:
    assert low <= figures.fit_zoom(bounds) <= high
