"""axe-core with the WCAG 2.1 A and AA rules finds nothing on the key pages in both languages
and both colour schemes (the system's prefers-color-scheme, light and dark): home, a measure
page, a calculator in use, the glossary, the self-check page and the self-check in use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import pytest
from playwright.sync_api import Page, expect

from generator.serve.static_server import Server
from tests.browser.calcpage import LANGS, Calc, policy
from tests.browser.test_selfcheck import SelfCheck
from tests.browser.test_selfcheck_journey import ON, OWNER

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ["", "measures/1.1/", "glossary/", "self-check/"]
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")


def axe(page: Page) -> list[dict[str, Any]]:
    """The violations axe finds in the page as it is now."""
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `npm ci` (make setup)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           TAGS)
    return [{"rule": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


def url(server: Server, lang: str, path: str) -> str:
    return server.url + ("" if lang == "zh" else f"{lang}/") + path


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_violation(page: Page, server: Server, built_site: Path, lang: str,
                                    path: str, scheme: Literal["light", "dark"]) -> None:
    assert (built_site / path / "index.html").is_file(), f"{path} was not built"
    page.emulate_media(color_scheme=scheme)
    page.goto(url(server, lang, path))
    assert axe(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", LANGS)
def test_calculator_in_use_has_no_wcag_violation(page: Page, server: Server, lang: str,
                                                 scheme: Literal["light", "dark"]) -> None:
    page.emulate_media(color_scheme=scheme)
    calculator = Calc.open(page, server.url, policy().measure("3.1"), lang)
    calculator.enter({"fee": "1,000,000", "received": "28万"}, dt.date(2026, 6, 1))
    assert calculator.figures()["award"] == "20000.00"
    assert axe(page) == []
    calculator.enter({"fee": "abc"}, dt.date(2026, 6, 1))  # an error message is shown too
    assert calculator.error_for("fee").is_visible()
    assert axe(page) == []


def test_search_dialog_is_named(page: Page, server: Server) -> None:
    page.goto(url(server, "en", ""))
    dialog = page.locator('[data-md-component="search"][role="dialog"]')
    assert dialog.get_attribute("aria-label") == "Search"


def test_calculator_works_from_the_keyboard_alone(page: Page, server: Server) -> None:
    """From the top of the page, Tab reaches the calculator's first field; typing there and in
    the next field shows the result without touching the mouse."""
    calculator = Calc.open(page, server.url, policy().measure("3.1"), "zh")
    page.locator("body").focus()
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "fee":
            break
    else:
        pytest.fail("Tab never reached the calculator's first field")
    page.keyboard.type("1,000,000")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "received"
    page.keyboard.type("280000")
    calculator.wait_idle()
    assert calculator.figures()["award"] == "20000.00"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", LANGS)
def test_self_check_in_use_has_no_wcag_violation(page: Page, server: Server, lang: str,
                                                 scheme: Literal["light", "dark"]) -> None:
    """Gates answered yes (their questions open right below them), results, the calendar
    button and the folded rest shown."""
    page.emulate_media(color_scheme=scheme)
    check = SelfCheck(page, server.url, lang)
    check.enter(OWNER, ON)
    expect(check.root.locator('[data-action="calendar"]')).to_be_visible()
    check.root.locator('[data-action="rest"]').click()
    # the button keeps the focus: its colours once the transition has ended
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
    assert axe(page) == []
