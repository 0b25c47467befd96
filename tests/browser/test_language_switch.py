"""Switching language keeps what was entered: the selector carries the calculator's #calc= and
the self-check's #sc= state to the other language's page, which shows the same result."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from generator.serve.static_server import Server

from .calcpage import Calc, example_on, policy
from .test_selfcheck import SelfCheck

pytestmark = pytest.mark.browser

SWITCH = {"zh": "en", "en": "zh"}


def switch_language(page: Page, to: str) -> None:
    """Open the header's language menu and pick ``to``, as a person does."""
    page.locator(".md-select > button").hover()
    page.locator(f'a.md-select__link[hreflang="{to}"]').click()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_calculator_keeps_its_inputs_in_the_other_language(page: Page, server: Server,
                                                                lang: str) -> None:
    measure = next(m for m in policy().measures if m.id == "5.1")
    example = measure.examples[0]
    calculator = Calc.open(page, server.url, measure, lang)
    calculator.enter(dict(example.inputs), example_on(example))
    page.wait_for_function(f"() => location.hash.includes('on={example_on(example)}')")
    state = page.url.split("#", 1)[1]
    figures = calculator.figures()
    assert figures["award"] is not None
    switch_language(page, SWITCH[lang])
    other = "" if SWITCH[lang] == "zh" else "/en"
    page.wait_for_url(f"**{other}/measures/{measure.id}/#calc=*")
    assert page.url.split("#", 1)[1] == state
    again = Calc(page, page.locator(f'[data-qz-calc][data-measure="{measure.id}"]'), measure,
                 SWITCH[lang])
    again.wait_ready()
    again.wait_idle()
    assert again.figures() == figures


def test_the_self_check_keeps_its_answers_in_english(page: Page, server: Server) -> None:
    check = SelfCheck(page, server.url, "zh")
    check.enter({"enterprise_types": ["software"], "has_software_matters": "yes",
                 "cs_grade": "CS3"}, "2026-06-01")
    page.wait_for_function("() => location.hash.includes('on=2026-06-01')")
    state = page.url.split("#", 1)[1]
    switch_language(page, "en")
    page.wait_for_url("**/en/self-check/#sc=2*")
    assert page.url.split("#", 1)[1] == state
    expect(page.locator('[data-qz-selfcheck] form [name="cs_grade"][value="CS3"]')).to_be_checked()


def test_without_a_state_the_switch_adds_no_fragment(page: Page, server: Server) -> None:
    page.goto(server.url + "/how-to-apply/#steps")
    switch_language(page, "en")
    page.wait_for_url("**/en/how-to-apply/")
    assert "#" not in page.url
