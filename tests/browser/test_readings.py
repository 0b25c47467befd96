"""The engine's extras in the calculator: the award under an alternative reading beside the
primary one, each step's clause in English on the English site, and what would qualify."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import calc
from calc import FEN
from generator.serve.static_server import Server

from .calcpage import LANGS, Calc, cpython, policy

pytestmark = pytest.mark.browser

ON = dt.date(2026, 6, 1)


def fee_example() -> dict[str, Any]:
    """3.1's first worked example with only a fee above the threshold (figures from the data)."""
    m = policy().measure("3.1")
    threshold = m.parameters["fee_threshold"].number
    return next(dict(e.inputs) for e in m.examples if set(e.inputs) == {"fee"}
                and Decimal(str(e.inputs["fee"])) > threshold)


@pytest.mark.parametrize("lang", LANGS)
def test_the_alternative_reading_figure_shows_and_equals_cpython(page: Page, server: Server,
                                                                 lang: str) -> None:
    m = policy().measure("3.1")
    inputs = fee_example()
    calculator = Calc.open(page, server.url, m, lang)
    calculator.enter(inputs, ON)
    expected = cpython(m, inputs, ON)
    assert isinstance(expected, calc.Estimate)
    shown = [a for a in expected.alternatives if a["differs"]]
    assert shown and shown[0]["award"] != str(expected.award)
    assert calculator.texts("alternatives") == [f"{a[lang]} {a['ref']}" for a in shown]
    # and the printout carries it
    page.evaluate("window.print = () => {}")
    calculator.root.locator('[data-action="print"]').click()
    page.emulate_media(media="print")
    expect(calculator.root.locator('[data-slot="alternatives-box"]')).to_be_visible()
    expect(calculator.root.locator('[data-slot="alternatives"]')).to_contain_text(shown[0][lang])
    page.emulate_media(media="screen")


def test_english_steps_quote_the_english_clause_beside_the_chinese(page: Page,
                                                                   server: Server) -> None:
    m = policy().measure("3.1")
    inputs = fee_example()
    calculator = Calc.open(page, server.url, m, "en")
    calculator.enter(inputs, ON)
    expected = cpython(m, inputs, ON)
    assert isinstance(expected, calc.Estimate)
    shown = calculator.texts("steps")
    assert shown == [f"{s['en']} {s['ref_en']} ({s['ref']})" if s["ref_en"] != s["ref"]
                     else f"{s['en']} {s['ref']}" for s in expected.steps]
    assert any("“" in s["ref_en"] and s["ref_en"] in line
               for s, line in zip(expected.steps, shown, strict=True))


@pytest.mark.parametrize("lang", LANGS)
def test_what_would_qualify_is_shown_as_the_engine_computes_it(page: Page, server: Server,
                                                               lang: str) -> None:
    m = policy().measure("3.1")
    threshold = m.parameters["fee_threshold"].number
    inputs = {"fee": str(threshold)}  # exactly the threshold: "超过" is not met
    calculator = Calc.open(page, server.url, m, lang)
    calculator.enter(inputs, ON)
    expected = cpython(m, inputs, ON)
    assert isinstance(expected, calc.Estimate) and expected.award == 0
    assert [h["value"] for h in expected.hints] == [str(threshold + FEN)]
    assert calculator.texts("hints") == [h[lang] for h in expected.hints]
    calculator.enter(fee_example(), ON)  # qualifies, below the cap: nothing more to say
    assert calculator.texts("hints") == []
    expect(calculator.root.locator('[data-slot="hints-box"]')).to_be_hidden()
