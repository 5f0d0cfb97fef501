"""Callbacks' work, called directly: what each page shows, and that live updates send only what moved."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from dash import Patch, no_update

from ioc.i18n import Messages
from layouts import data, display, maps, ops, unit, views
from layouts.context import Dashboard
from layouts.filters import filters
from tests.unit.layouts.conftest import NOW
from tests.unit.layouts.store import COMMUNE, Writer, feedback


def text_of(component: object) -> str:
    """All the text of a component tree."""
    return json.dumps(
        component,
        default=lambda c: c.to_plotly_json() if hasattr(c, "to_plotly_json") else str(c),
        ensure_ascii=False,
    )


def test_overview_renders_everything_then_sends_nothing_when_nothing_moved(ctx: Dashboard) -> None:
    f = filters("7d", NOW)
    *first, digests = views.overview_figures(ctx, f, Messages("vi"), None)
    assert all(part is not no_update for part in first)
    assert "Tiếp nhận" in text_of(first[0])
    *again, same = views.overview_figures(ctx, f, Messages("vi"), digests)
    assert again == [no_update] * len(again) and same == digests


def test_overview_patches_only_what_an_event_changed(ctx: Dashboard, seeded: tuple[str, object]) -> None:
    f = filters("today", NOW)
    *_, digests = views.overview_figures(ctx, f, Messages("vi"), None)
    Writer(ctx.engine, ctx.settings, ctx.registry).write(
        [feedback("Ngập nước đường Nguyễn Văn Linh", at=NOW - timedelta(minutes=1))]
    )
    cards, trend_dos, trend_fb, category, sector, agency, options, _ = views.overview_figures(
        ctx, f, Messages("vi"), digests
    )
    assert isinstance(trend_fb, Patch) and category is not no_update  # feedback moved
    assert trend_dos is no_update and sector is no_update and agency is no_update  # dossiers did not
    assert cards is not no_update and options is no_update


def test_live_lists_show_the_newest_events_with_personal_data_masked(ctx: Dashboard) -> None:
    Writer(ctx.engine, ctx.settings, ctx.registry).write(
        [feedback("Mất điện, gọi 0987654321 hoặc a.b@mail.vn", at=NOW - timedelta(seconds=5))]
    )
    ticker, _alerts = views.live_lists(ctx, Messages("vi"))
    shown = text_of(ticker)
    assert "Mất điện" in shown and "0987654321" not in shown and "a.b@mail.vn" not in shown


@pytest.mark.parametrize("metric", views.MAP_METRICS)
def test_every_map_indicator_draws_every_commune(ctx: Dashboard, metric: str) -> None:
    state = maps.initial(ctx)
    figure, digests = views.map_figure(ctx, state, metric, filters("7d", NOW), Messages("vi"))
    communes = len(ctx.registry.communes("33"))
    assert len(figure.data[1].lat) == communes and "map" in digests
    again, _ = views.map_figure(ctx, state, metric, filters("7d", NOW), Messages("vi"), digests)
    assert again is no_update


def test_clicking_a_commune_selects_it_and_closing_clears_it(ctx: Dashboard) -> None:
    click = {"points": [{"customdata": ["Phố Hiến", "…", COMMUNE]}]}
    assert ops.selection(ctx, ops.MAP, click, None) == (COMMUNE, no_update)
    assert ops.selection(ctx, ops.DRILL_CLOSE, click, None) == (None, None)
    assert (
        ops.selection(ctx, ops.MAP, {"points": [{"customdata": ["x", "y", "99999"]}]}, None)[0] is no_update
    )


def test_selecting_a_unit_flies_the_map_to_it(ctx: Dashboard) -> None:
    state = maps.initial(ctx)
    moved = ops.map_state(ctx, ops.SELECTED, None, COMMUNE, state)
    assert moved["focus"] == COMMUNE and moved["revision"] == state.revision + 1


def test_zooming_changes_the_level_of_detail_only_when_it_crosses_a_step(ctx: Dashboard) -> None:
    state = maps.initial(ctx)
    assert ops.map_state(ctx, ops.MAP, {"map.zoom": 8.0}, None, state) is no_update
    assert ops.map_state(ctx, ops.MAP, {"map.zoom": 11.0}, None, state)["lod"] == "fine"


@pytest.mark.parametrize("typed", ["pho hien", "PHỐ HIẾN", "Pho Hien"])
def test_unit_search_ignores_diacritics_and_case(ctx: Dashboard, typed: str) -> None:
    options = ops.search_options(ctx, typed)
    assert options[0]["value"] == COMMUNE and "Phố Hiến" in options[0]["label"]
    assert "pho hien" in options[0]["search"]


def test_unit_search_stays_inside_the_scope(ctx: Dashboard) -> None:
    assert all(ctx.scope.contains(o["value"]) for o in ops.search_options(ctx, "ba dinh") or [])


def test_drill_down_shows_the_units_indicators_and_queues(ctx: Dashboard) -> None:
    from layouts.drill import drill_panel

    panel = drill_panel(ctx.unit(COMMUNE), Messages("en"), ctx=ctx, f=filters("7d", NOW))
    shown = text_of(panel)
    assert "Phố Hiến" in shown and "Open feedback" in shown and f"/unit/{COMMUNE}" in shown


def test_unit_view_counts_and_queues_of_one_commune(ctx: Dashboard) -> None:
    tiles, overdue, due_soon, open_feedback, outages = unit.unit_view(ctx, COMMUNE, Messages("vi"))
    assert len(tiles) == 6
    assert text_of(open_feedback).count("qrow") >= 1
    assert "data-due" in text_of(open_feedback)  # the browser counts down from here


def test_unit_page_for_an_unknown_code_says_so(ctx: Dashboard) -> None:
    page = unit.layout(ctx, "99999", "vi")
    assert "99999" in text_of(page) and "unit-tiles" not in text_of(page)


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [
        (None, 1.0),
        ({"w": 1920, "h": 1080}, 1.0),
        ({"w": 3840, "h": 2160}, 2.0),
        ({"w": 1280, "h": 720}, 0.75),
    ],
)
def test_wall_charts_scale_their_type_with_the_screen(viewport: dict | None, scale: float) -> None:
    assert display.wall_scale(viewport) == scale


def test_wall_view_fills_every_slide(ctx: Dashboard) -> None:
    *parts, digests = display.wall_view(ctx, Messages("vi"), 1.0, None)
    assert len(parts) == 8 and all(p is not no_update for p in parts)
    *again, _ = display.wall_view(ctx, Messages("vi"), 1.0, digests)
    assert all(p is no_update for p in again)


def test_change_token_moves_when_an_event_is_stored(ctx: Dashboard) -> None:
    with ctx.engine.connect() as conn:
        before = data.change_token(conn)
    Writer(ctx.engine, ctx.settings, ctx.registry).write([feedback("Cây đổ", at=NOW - timedelta(seconds=2))])
    with ctx.engine.connect() as conn:
        assert data.change_token(conn) != before


def test_stream_health_turns_amber_then_red_as_a_stream_goes_quiet(ctx: Dashboard) -> None:
    with ctx.engine.connect() as conn:
        newest = max(h["newest_event_at"] for h in data.health(conn, NOW, ctx.amber(), ctx.red()))
        levels = [
            {
                h["family"]: h["level"]
                for h in data.health(
                    conn,
                    at,
                    {"feedback": 120, "dossier": 120, "infra": 120},
                    {"feedback": 600, "dossier": 600, "infra": 600},
                )
            }
            for at in (datetime.fromisoformat(newest) + timedelta(seconds=s) for s in (0, 300, 900))
        ]
    assert [lv["feedback"] for lv in levels][1:] == ["amber", "red"]


def test_breakdowns_are_html_bars_largest_first() -> None:
    from layouts.components import bar_list

    rows = bar_list(
        {"land": 40.0, "traffic": 25.0, "health": 3.0},
        {"land": "Đất đai"},
        Messages("vi"),
        color="#fff",
        top=2,
    )
    assert [r.children[0].children for r in rows] == ["Đất đai", "traffic"]
    assert rows[0].children[1].children.style["width"] == "100.0%"


@pytest.fixture
def country(ctx: Dashboard) -> Dashboard:
    """The same store seen from a country-wide operations center."""
    from ioc.settings import Settings

    settings = Settings(database_url=ctx.settings.database_url, province="", cache_dir=ctx.settings.cache_dir)
    return Dashboard(settings, ctx.engine, ctx.registry, clock=lambda: NOW)


def test_country_map_draws_the_provinces_then_the_communes_of_the_one_zoomed_into(country: Dashboard) -> None:
    state = maps.initial(country)
    figure, _ = views.map_figure(country, state, "fb.received", filters("7d", NOW), Messages("vi"))
    assert len(figure.data[1].locations) == 34
    assert figure.data[2].locations == ("33",)  # only Hưng Yên has data
    zoomed = maps.after_zoom(state, 8.0, (20.65, 106.05), country)  # over Phố Hiến
    assert (zoomed.level, zoomed.province) == ("commune", "33")
    assert maps.after_zoom(zoomed, 5.0, (16.0, 106.0), country).level == "province"


def test_country_map_clicking_a_province_drills_into_it(country: Dashboard) -> None:
    state = maps.initial(country)
    selected, _ = ops.selection(country, ops.MAP, {"points": [{"location": "33"}]}, None)
    moved = ops.map_state(country, ops.SELECTED, None, selected, state)
    assert (moved["level"], moved["province"]) == ("commune", "33")


def _by_id(tree: object) -> dict[str, dict[str, object]]:
    """The props of every component with an id in a layout, by id."""
    found: dict[str, dict[str, object]] = {}

    def walk(node: object) -> None:
        if isinstance(node, list | tuple):
            for n in node:
                walk(n)
        elif hasattr(node, "to_plotly_json"):
            props = node.to_plotly_json()["props"]
            if "id" in props:
                found[str(props["id"])] = props
            walk(props.get("children"))

    walk(tree)
    return found


def test_one_refresh_computes_only_the_parts_whose_inputs_moved(ctx: Dashboard) -> None:
    f = ("today", None, None, None, None)
    view = maps.initial(ctx).to_dict()
    live = ops.refresh_outputs(ctx, {ops.LIVE.live}, "vi", f, "dos.on_time_rate", view, None, None, None)
    overview, map_, drill, lists = live[:8], live[8:11], live[11:13], live[13:]
    assert "Tiếp nhận" in text_of(overview[0]) and map_[0].data and lists[0]  # cards, map, ticker
    assert drill == (no_update, no_update)  # nothing selected: the closed panel is left alone
    zoomed = ops.refresh_outputs(ctx, {ops.MAP_VIEW}, "vi", f, "dos.on_time_rate", view, None, None, None)
    assert zoomed[8].data and set(zoomed[:8] + zoomed[11:]) == {no_update}  # a zoom redraws the map alone
    picked = ops.refresh_outputs(ctx, {ops.SELECTED}, "vi", f, "dos.on_time_rate", view, COMMUNE, None, None)
    assert picked[12] == "panel drill open" and picked[0] is no_update and picked[13] is no_update


def test_operations_room_page_comes_filled_so_its_first_render_waits_for_no_callback(ctx: Dashboard) -> None:
    page = _by_id(ops.layout(ctx, lang="vi", range="7d"))
    assert "Tiếp nhận" in text_of(page[ops.data_of(ops.CARDS)]["data"])
    assert "tick" in text_of(page[ops.data_of(ops.TICKER)]["data"])  # the newest events, not an empty list
    assert page[ops.MAP]["figure"].data  # the map's traces, not the "loading" placeholder
    assert page[ops.RENDERED]["data"]["digests"]  # the first live update patches what moved only
    shell = _by_id(ops.layout(ctx, lang="vi", content=False))  # what Dash validates callback ids against
    assert shell[ops.data_of(ops.TICKER)]["data"] == [] and not shell[ops.MAP]["figure"].data
