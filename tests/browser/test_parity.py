"""Every named example of every measure, typed into the browser calculator, shows what the
tests' own CPython computes with ``calc``: the same award, shares, steps and warnings, in both
languages. The browser runs the wheel the site ships, in Pyodide."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

import calc
from generator.model import Measure
from generator.static_server import Server

from .calcpage import LANGS, Calc, cpython, example_on, policy

pytestmark = pytest.mark.browser

CASES = [pytest.param(m, lang, id=f"{m.id}-{lang}") for m in policy().measures for lang in LANGS]


def _plain(text: str) -> str:
    return " ".join(text.split())


def _lines(items: tuple[dict[str, str], ...], lang: str) -> list[str]:
    return [_plain(f"{item[lang]} {item['ref']}") for item in items]


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
        name = example.name.en
        if isinstance(expected, calc.CalcError):
            assert shown["errors"] == {expected.field: getattr(expected, lang)}, name
            assert shown["figures"] == {"award": None, "city": None, "county": None}, name
            continue
        assert shown == {
            "figures": {"award": str(expected.award), "city": str(expected.city),
                        "county": str(expected.county)},
            "steps": _lines(expected.steps, lang),
            "warnings": _lines(expected.warnings, lang),
            "reasons": _lines(expected.reasons, lang),
            "upTo": expected.upper_bound,
            "errors": {},
        }, name
