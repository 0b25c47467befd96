"""The site under nginx's Content-Security-Policy in Debian's Chromium: pages, the search and a
calculator work and no violation is reported; the hostile-input table through the 3.1 form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import calc
from generator.serve.preview import Nginx
from tests.browser.calcpage import LANGS, Calc, cpython, policy, search
from tests.hostile import AMOUNTS, DATES

from .conftest import violations

pytestmark = pytest.mark.browser

ON = dt.date(2026, 6, 1)
FEE = "60000"


def measure() -> Any:
    return policy().measure("3.1")


def visit(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    assert violations(page) == []


@pytest.mark.parametrize("path", ["", "en/", "glossary/", "en/glossary/", "measures/1.1/",
                                  "self-check/", "en/self-check/"])
def test_pages_load_without_a_violation(page: Page, nginx: Nginx, path: str) -> None:
    visit(page, nginx.url + path)
    # Material's bundle ran (it needs the moved head script): the drawer toggle is wired up.
    assert page.evaluate("() => typeof window.__md_get === 'function' && !!window.document$")


@pytest.mark.parametrize("lang", LANGS)
def test_a_calculator_computes_under_the_csp(page: Page, nginx: Nginx, lang: str) -> None:
    m = measure()
    calculator = Calc.open(page, nginx.url, m, lang)  # ready: Pyodide started under the CSP
    calculator.enter({"fee": "1,000,000", "received": "28万"}, ON)
    expected = cpython(m, {"fee": "1000000", "received": "280000"}, ON)
    assert isinstance(expected, calc.Estimate)
    assert calculator.figures()["award"] == str(expected.award) == "20000.00"
    assert violations(page) == []


@pytest.mark.parametrize(("start", "query", "target"), [("", "算力", "measures/3.1/"),
                                                        ("en/", "computing power",
                                                         "en/measures/3.1/")])
def test_search_shows_results_under_the_csp(page: Page, nginx: Nginx, start: str, query: str,
                                            target: str) -> None:
    visit(page, nginx.url + start)
    hrefs = search(page, query)
    assert any(h.rstrip("/").endswith(target.rstrip("/")) for h in hrefs), hrefs
    assert violations(page) == []


def expect_refused(calculator: Calc, field: str, raw: str, code: str, on: dt.date) -> None:
    """Calc's message next to ``field`` and no figure. The form sends a value trimmed and leaves
    a blank field out (web/calculator.js), so a blank amount is calc's "missing" error there
    where the CLI and the API, given the blank text itself, say "empty"."""
    sent = raw.strip() if field == "fee" else FEE
    expected = cpython(calculator.measure, {"fee": sent} if sent else {}, on)
    assert isinstance(expected, calc.CalcError)
    assert (expected.code, expected.field) == (code if sent else "error.missing", field)
    box = calculator.error_for(field)
    expect(box).to_have_text(getattr(expected, calculator.lang))
    expect(box).to_be_visible()
    assert calculator.figures() == {"award": None, "city": None, "county": None}
    assert "Traceback" not in calculator.root.inner_text()


def form(page: Page, nginx: Nginx, lang: str) -> Calc:
    calculator = Calc.open(page, nginx.url, measure(), lang)
    calculator.enter({"fee": FEE}, ON)
    assert calculator.figures()["award"] == "18000.00"
    return calculator


def test_every_hostile_amount_is_refused_in_the_browser(page: Page, nginx: Nginx) -> None:
    calculator = form(page, nginx, "zh")
    for raw, code in AMOUNTS:
        calculator.control("fee").fill(raw, force=True)
        calculator.wait_idle()
        expect_refused(calculator, "fee", raw, code, ON)
    assert violations(page) == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_sample_of_hostile_amounts_in_each_language(page: Page, nginx: Nginx,
                                                      lang: str) -> None:
    calculator = form(page, nginx, lang)
    for raw, code in AMOUNTS[::7]:
        calculator.control("fee").fill(raw, force=True)
        calculator.wait_idle()
        expect_refused(calculator, "fee", raw, code, ON)


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_dates_are_refused_or_cannot_be_typed(page: Page, nginx: Nginx,
                                                      lang: str) -> None:
    """A well-formed date outside the window gets calc's message next to the date field. The
    browser's date control refuses a malformed one outright (its value stays empty), so it can
    never reach calc from the form: that is asserted too."""
    calculator = form(page, nginx, lang)
    for raw, code in DATES:
        try:
            on = dt.date.fromisoformat(raw)
        except ValueError:
            on = None
        control = calculator.control("on")
        if on is None:
            kept = control.evaluate("(el, v) => { el.value = v; return el.value; }", raw)
            assert kept == "", (raw, kept)
            continue
        control.fill(raw, force=True)
        calculator.wait_idle()
        expect_refused(calculator, "on", raw, code, on)


def test_the_policy_is_enforced_and_a_violation_would_be_seen(page: Page, nginx: Nginx,
                                                               guard: Any) -> None:
    """The watch is live: an injected inline script is blocked and reported, so an empty list
    in the tests above means no violation happened."""
    guard.allow(r"Content Security Policy")  # Chromium's "Refused to execute inline script"
    visit(page, nginx.url)
    ran = page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__qzInline = true";
        document.body.append(s);
        return window.__qzInline === true;
    }""")
    assert ran is False
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert violations(page)[0].startswith("script-src-elem ")
    page.evaluate("() => { window.__cspViolations.length = 0; }")  # seen on purpose
