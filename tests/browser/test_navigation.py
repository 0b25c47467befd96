"""Getting around on a phone (390×844) and a desktop (1440×900), in both languages: from any
page, every chapter is one tap away (the phone's drawer opens on the whole site, not on the
current chapter's sub-list), and the home page's first screen leads to the measures as well as
to the self-check."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from generator.serve.static_server import Server

from .calcpage import LANGS, policy
from .test_phone_layout import sized  # noqa: F401  (fixture: each screen size)

pytestmark = pytest.mark.browser

DRAWER = "label.md-header__button[for='__drawer']"


def home(server: Server, lang: str) -> str:
    return server.url + ("" if lang == "zh" else f"{lang}/")


def chapter_link(chapter: str) -> str:
    """The chapter's entry in the site navigation (its links are relative, language-free)."""
    return f".md-nav--primary a.md-nav__link[href$='chapters/{chapter}/']"


# The chapters' links a finger can reach now: on the screen and not under anything (the
# drawer's sub-list layer covers the chapters below it).
TAPPABLE = """(chapters) => chapters.filter((chapter) => {
  const link = [...document.querySelectorAll(".md-nav--primary a.md-nav__link")]
    .find((a) => new URL(a.href).pathname.endsWith(`chapters/${chapter}/`));
  if (!link) return false;
  const box = link.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  if (box.width === 0 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
  const top = document.elementFromPoint(x, y);
  return top !== null && (top === link || link.contains(top));
})"""


@pytest.mark.parametrize("lang", LANGS)
def test_every_chapter_is_one_tap_from_a_measure_page(
        sized: Page, server: Server, lang: str) -> None:  # noqa: F811
    page = sized
    measures = policy().measures
    chapters = [c.id for c in policy().document.chapters]
    start, target = measures[len(measures) // 2], chapters[-1]
    assert start.chapter != target
    page.goto(f"{home(server, lang)}measures/{start.id}/")
    if page.locator(DRAWER).is_visible():  # a phone: the menu button, then one tap
        page.locator(DRAWER).click()
    with contextlib.suppress(PlaywrightTimeout):  # once the drawer has slid in
        page.wait_for_function(f"c => ({TAPPABLE})(c).length === c.length", arg=chapters,
                               timeout=5_000)
    reachable = page.evaluate(TAPPABLE, chapters)
    assert reachable == chapters, f"chapters not one tap away: {set(chapters) - set(reachable)}"
    page.locator(chapter_link(target)).first.click()
    page.wait_for_url(f"**/chapters/{target}/")
    expect(page.locator("article h1")).to_be_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_pages_first_screen_leads_to_the_measures(
        sized: Page, server: Server, lang: str) -> None:  # noqa: F811
    page = sized
    page.goto(home(server, lang))
    size = page.viewport_size
    assert size is not None
    link = page.locator(".md-content a[href$='#measures']").first  # Material makes it absolute
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= size["height"], box
    link.click()
    heading = page.locator("#measures")
    expect(heading).to_be_in_viewport()
    expect(page.locator(".qz-measures tr[data-measure]").first).to_be_in_viewport()
