"""Every named example of every measure, and each reproducer of issue 20, typed into the browser
calculator, shows what the tests' own CPython computes with ``calc``: the same award (as its
parts' bounds state it), shares, steps, warnings, reasons, alternative figures and hints, in
both languages. The browser runs the wheel the site ships, in Pyodide."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page

from generator.data.model import Measure
from generator.serve.static_server import Server
from tests.reproducers import ESTIMATES

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


REPRODUCED = sorted({r.measure for r in ESTIMATES})


@pytest.mark.parametrize(("measure_id", "lang"), [
    pytest.param(m, lang, id=f"{m}-{lang}") for m in REPRODUCED for lang in LANGS])
def test_the_issue_20_reproducers_match_cpython(page: Page, server: Server, measure_id: str,
                                                 lang: str) -> None:
    """The figures and words tests/data/test_reproducers.py checks, as the browser shows them."""
    measure = policy().measure(measure_id)
    calculator = Calc.open(page, server.url, measure, lang)
    for reproducer in (r for r in ESTIMATES if r.measure == measure_id):
        on = dt.date.fromisoformat(reproducer.on)
        calculator.reset()
        calculator.enter(reproducer.inputs, on)
        shown = calculator.read()
        want = expected_result(cpython(measure, reproducer.inputs, on), lang)
        assert {key: shown[key] for key in want} == want, reproducer
