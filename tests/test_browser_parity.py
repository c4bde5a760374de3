"""Peer parity in a real browser (Debian's Chromium through Playwright): embeds framed by
a page on another origin (and the other pages refused there), map zoom, the timeline's
play button, a phone's first tap zooming, and the state trend chart at 390 px."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from g287.app.importer import Importer
from g287.query import history as h
from tests.browser_support import PageErrors, app_for, launch, live_server, require_chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(shared_history: Importer) -> Iterator[str]:
    with app_for(shared_history) as app, live_server(app) as url:
        yield url


class HostSite:
    """Another web site (another port and host name: another origin) serving one page."""

    def __init__(self, html: str) -> None:
        body = html.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HostSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def test_embeds_render_inside_an_iframe_on_another_origin(browser: Any, site: str):
    html = (
        "<!doctype html><title>A newsroom</title><h1>Our story</h1>"
        f'<iframe id="county" src="{site}/embed/county/12057" width="600" height="420"></iframe>'
        f'<iframe id="map" src="{site}/embed/map" width="800" height="560"></iframe>'
        f'<iframe id="page" src="{site}/counties/12057" width="600" height="300"></iframe>'
    )
    with HostSite(html) as host:
        assert not host.url.startswith(site)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        errors = PageErrors(page)
        page.goto(host.url, wait_until="load")
        county = page.frame_locator("#county")
        assert "Hillsborough County" in county.locator("h1").inner_text(timeout=10_000)
        assert "agreements cover this place" in county.locator("main").inner_text()
        # links leave the host's frame for a new tab
        link = county.locator(".embed-list a").first
        assert link.get_attribute("target") == "_blank"
        framed_map = page.frame_locator("#map")
        framed_map.locator("#map .counties path").first.wait_for(state="attached")
        assert framed_map.locator("#map .counties path").count() > 3000
        assert framed_map.locator("#map-zoom").is_visible()
        framed_map.locator("[data-zoom-in]").click()
        assert float(framed_map.locator("#map").get_attribute("data-scale") or 0) == 2.0
        framed_map.locator("[data-zoom-reset]").click()
        # a county click inside the frame opens g287 in a new tab, not in the frame
        with context.expect_page() as opened:
            framed_map.locator("#c12057").dispatch_event("click")
        popup = opened.value
        popup.wait_for_load_state()
        assert re.search(r"/counties/12057$", popup.url)
        # every other page refuses to be framed (frame-ancestors 'none')
        frame = page.locator("#page").element_handle().content_frame()
        assert frame.url.startswith("chrome-error://"), frame.url  # Chromium refused it
        assert "Who enforces" not in frame.content()
        context.close()
    unexpected = [e for e in errors.errors if "frame-ancestors" not in e and "12057" not in e]
    assert unexpected == [], errors.errors


def test_map_zoom_buttons_and_wheel(browser: Any, site: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = PageErrors(page)
    page.goto(site + "/", wait_until="load")
    svg = page.locator("#map")
    assert svg.get_attribute("viewBox") == "0.0 0.0 975.0 610.0"
    assert page.locator("[data-zoom-reset]").is_disabled()
    page.locator("[data-zoom-in]").click()
    width = float((svg.get_attribute("viewBox") or "").split()[2])
    assert width == pytest.approx(487.5)
    page.locator("[data-zoom-in]").click()
    assert svg.get_attribute("data-scale") == "4.00"
    page.locator("[data-zoom-out]").click()
    assert svg.get_attribute("data-scale") == "2.00"
    page.locator("[data-zoom-reset]").click()
    assert svg.get_attribute("data-scale") == "1.00"
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.6)
    page.mouse.wheel(0, -200)
    page.wait_for_function("() => document.getElementById('map').dataset.scale !== '1.00'")
    x, y, w, _h = (float(v) for v in (svg.get_attribute("viewBox") or "").split())
    assert w < 975 and x > 0 and y > 0  # zoomed towards the pointer, not the centre
    # the territories are on the map, each linking to its page
    assert page.locator(".insets a[href='/states/PR']").count() == 1
    context.close()
    assert errors.errors == [], errors.errors


def test_play_steps_the_slider_through_the_lists(browser: Any, site: str, shared_history: Importer):
    with shared_history.db.connect() as conn:
        days = sorted({x["published_date"] for x in h.timeline_series(conn)["lists"]})
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = PageErrors(page)
    page.goto(site + f"/?date={days[0]}", wait_until="load")
    play = page.locator("#play-lists")
    assert play.is_visible() and play.inner_text() == "Play"
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    # at least two steps on (under load a step's map can land after the next one's, so
    # no single day is certain to be shown)
    page.wait_for_function(
        "(d) => (document.getElementById('map').dataset.day || '') >= d",
        arg=days[2],
        timeout=30_000,
    )
    play.click()  # pause
    assert play.get_attribute("aria-pressed") == "false" and play.inner_text() == "Play"
    stopped = page.locator("#map").get_attribute("data-day")
    page.wait_for_timeout(2500)
    assert page.locator("#map").get_attribute("data-day") == stopped
    assert stopped in days and stopped > days[0]
    context.close()
    assert errors.errors == [], errors.errors


def test_a_first_tap_on_a_phone_zooms_to_the_county(browser: Any, site: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    errors = PageErrors(page)
    page.goto(site + "/", wait_until="load")
    county = page.locator("#c12057")
    county.tap(force=True)
    page.wait_for_function("() => document.getElementById('map').classList.contains('zoomed')")
    assert page.url == site + "/"
    box = county.bounding_box()
    assert box["width"] > 20  # was ~3 px at the national scale
    county.tap(force=True)
    page.wait_for_url(re.compile(r"/counties/12057$"))
    context.close()
    assert errors.errors == [], errors.errors


@pytest.mark.parametrize("path", ["/states/FL", "/embed/county/12057", "/embed/map"])
def test_charts_and_embeds_fit_a_phone(browser: Any, site: str, path: str):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = PageErrors(page)
    page.goto(site + path, wait_until="load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    if path == "/states/FL":
        ticks = page.eval_on_selector_all(
            "#trend text.tick", "ts => ts.map(t => t.getBoundingClientRect().height)"
        )
        assert ticks and min(ticks) >= 10, ticks  # tick labels readable at 390 px
    context.close()
    assert errors.errors == [], errors.errors


def test_state_map_zooms_within_its_own_frame(browser: Any, site: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = PageErrors(page)
    page.goto(site + "/states/FL", wait_until="load")
    svg = page.locator(".state-map svg.map")
    x0, y0, w0, _h0 = (float(v) for v in (svg.get_attribute("viewBox") or "").split())
    page.locator("#state-map-zoom [data-zoom-in]").click()
    x, y, w, _h = (float(v) for v in (svg.get_attribute("viewBox") or "").split())
    assert w == pytest.approx(w0 / 2, abs=0.1) and x >= x0 and y >= y0
    page.locator("#state-map-zoom [data-zoom-reset]").click()
    assert svg.get_attribute("data-scale") == "1.00"
    context.close()
    assert errors.errors == [], errors.errors
