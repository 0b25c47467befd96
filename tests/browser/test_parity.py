"""Every named example of every measure, typed into the browser calculator, shows what the
tests' own CPython computes with ``calc``: the same award, shares, steps and warnings, in both
languages. The browser runs the wheel the site ships, in Pyodide."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from generator.data.model import Measure
from generator.serve.static_server import Server

from .calcpage import LANGS, Calc, cpython, example_on, expected_result, policy

pytestmark = pytest.mark.browser

CASES = [pytest.param(m, lang, id=f"{m.id}-{lang}") for m in policy().measures for lang in LANGS]


@pytest.mark.parametrize(("measure", "lang"), CASES)
def test_every_example_matches_cpython(page: Page, server: Server, measure: Measure,
                                       lang: str) -> None:
    assert measure.examples, f"measure {measure.id} has no named example to replay"
    calculator = Calc.open(page, server.url, measure, lang)
    for example in measure.examples:
        on = example_on(example)
        expected = cpython(measure, example.inputs, on)
        calculator.reset()
        calculator.enter(example.inputs, on)
        shown = calculator.read()
        want = expected_result(expected, lang)
        assert {key: shown[key] for key in want} == want, example.name.en
