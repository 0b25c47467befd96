"""The system's colour scheme is honoured (prefers-color-scheme), on a phone and a desktop, in
both languages: a dark system gets Material's dark scheme from the first paint (not only once
its bundle ran), a light one the light scheme, and the header's toggle lets the visitor choose,
remembered on the next page. (axe checks the contrast of both schemes: tests/quality.)"""

from __future__ import annotations

from typing import Literal

import pytest
from playwright.sync_api import Page, expect

from generator.serve.static_server import Server

from .calcpage import LANGS
from .test_phone_layout import sized  # noqa: F401  (fixture: each screen size)

pytestmark = pytest.mark.browser

# The scheme <body> has when the page's content is parsed: before Material's bundle (at the
# end of the body) could set it.
SCHEME_AT_CONTENT = """
new MutationObserver((records, observer) => {
  if (!document.querySelector(".md-content")) return;
  window.__qzSchemeAtContent = document.body.getAttribute("data-md-color-scheme");
  observer.disconnect();
}).observe(document, { childList: true, subtree: true });
"""
SCHEMES: dict[Literal["dark", "light"], str] = {"dark": "slate", "light": "default"}


def scheme(page: Page) -> str | None:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("system", list(SCHEMES))
def test_the_systems_scheme_is_shown_from_the_first_paint(
        sized: Page, server: Server, lang: str,  # noqa: F811
        system: Literal["dark", "light"]) -> None:
    page = sized
    page.emulate_media(color_scheme=system)
    page.add_init_script(SCHEME_AT_CONTENT)
    page.goto(server.url + ("" if lang == "zh" else f"{lang}/") + "measures/3.1/")
    page.wait_for_load_state("load")
    assert page.evaluate("window.__qzSchemeAtContent") == SCHEMES[system]
    assert scheme(page) == SCHEMES[system]
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    dark = [int(c) for c in background.strip("rgba()").split(",")[:3]]
    assert (sum(dark) < 3 * 128) == (system == "dark"), background


@pytest.mark.parametrize("lang", LANGS)
def test_the_toggle_chooses_a_scheme_and_it_is_remembered(sized: Page, server: Server,  # noqa: F811
                                                          lang: str) -> None:
    page = sized
    page.emulate_media(color_scheme="dark")
    page.goto(server.url + ("" if lang == "zh" else f"{lang}/"))
    assert scheme(page) == "slate"
    toggle = page.locator("form[data-md-component='palette'] label:not([hidden])")
    expect(toggle).to_have_count(1)
    toggle.click()  # following the system (dark) → light
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    page.goto(server.url + ("" if lang == "zh" else f"{lang}/") + "glossary/")
    assert scheme(page) == "default"
