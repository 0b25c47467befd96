"""The journey on a phone (390×844) and a desktop (1440×900), in both languages: the calculator
is near the top of every measure page, the home page offers the self-check on its first screen,
and no page scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from generator.serve.static_server import Server

from .calcpage import LANGS, measure_url, policy
from .conftest import SILENT_CALCULATOR, Guard, guarded_context

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
SCREENS = {"phone": PHONE, "desktop": DESKTOP}
MOST_SCREENS_TO_FIRST_FIELD = 1.5

FIRST_FIELD_TOP = """() => {
  const el = document.querySelector('.qz-calc__form input, .qz-calc__form select');
  return el.getBoundingClientRect().top + window.scrollY;
}"""


@pytest.fixture(scope="module", params=list(SCREENS))
def screen(request: pytest.FixtureRequest, browser: Browser,
           ) -> Iterator[tuple[Page, Guard, dict[str, int]]]:
    """One page per screen size; its off-site requests and console errors fail the test. The
    tests using it check layout, not answers: no calculator starts Python."""
    size = SCREENS[request.param]
    context, guard = guarded_context(browser, init_script=SILENT_CALCULATOR)
    page = guard.open_page(context)
    page.set_viewport_size(size)
    yield page, guard, size
    context.close()


@contextmanager
def page_at(browser: Browser, size: str, locale: str = "zh-CN") -> Iterator[Page]:
    """A fresh page of its own context (cookies included) at one of SCREENS, its browser
    speaking ``locale``; off-site requests and console errors fail the test."""
    context, guard = guarded_context(browser, locale=locale)
    try:
        page = guard.open_page(context)
        page.set_viewport_size(SCREENS[size])
        yield page
    finally:
        context.close()
    guard.check()


@pytest.fixture(params=list(SCREENS))
def sized(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A fresh page at each screen size (one test each)."""
    with page_at(browser, request.param) as page:
        yield page


def _all_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site).parent) + "/" for p in site.rglob("index.html")
                  if "assets" not in p.relative_to(site).parts)


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_calculator_field_is_near_the_top_of_every_measure_page(
        screen: tuple[Page, Guard, dict[str, int]], server: Server, lang: str) -> None:
    page, guard, size = screen
    far = {}
    for measure in policy().measures:
        page.goto(measure_url(server.url + "/", measure, lang), wait_until="domcontentloaded")
        screens = page.evaluate(FIRST_FIELD_TOP) / size["height"]
        if screens > MOST_SCREENS_TO_FIRST_FIELD:
            far[measure.id] = round(screens, 1)
    assert not far, f"first calculator field too far down (screen-heights): {far}"
    guard.check()


def test_no_page_scrolls_sideways(screen: tuple[Page, Guard, dict[str, int]], server: Server,
                                  built_site: Path) -> None:
    page, guard, size = screen
    pages = _all_pages(built_site)
    assert any(p.startswith("en/") for p in pages) and "measures/3.1/" in pages
    wide = {}
    for path in pages:
        page.goto(server.url + "/" + ("" if path == "./" else path), wait_until="load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > size["width"]:
            wide[path] = width
    assert not wide, f"pages wider than the {size['width']} px screen: {wide}"
    guard.check()


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_offers_the_self_check_on_its_first_screen(
        screen: tuple[Page, Guard, dict[str, int]], server: Server, lang: str) -> None:
    page, guard, size = screen
    page.goto(server.url + ("/" if lang == "zh" else f"/{lang}/"))
    link = page.locator(".md-content a[href$='self-check/']").first
    box = link.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= size["height"], box
    link.click()
    page.wait_for_url("**/self-check/")
    guard.check()


@pytest.mark.parametrize("lang", LANGS)
def test_the_all_measures_table_fits_the_screen(
        screen: tuple[Page, Guard, dict[str, int]], server: Server, lang: str) -> None:
    page, guard, size = screen
    page.goto(server.url + ("/" if lang == "zh" else f"/{lang}/"))
    table = page.locator(".qz-measures table")
    width = table.evaluate("t => t.scrollWidth")
    holder = table.evaluate("t => t.parentElement.clientWidth")
    assert width <= holder <= size["width"], (width, holder)
    # every measure is still listed, each with its deadline
    rows = page.locator(".qz-measures tr[data-measure]")
    assert rows.count() == len(policy().measures)
    assert all(rows.nth(i).locator(".qz-deadline").inner_text().strip()
               for i in range(rows.count()))
    guard.check()
