"""Firefox ESR and WebKitGTK (Safari's engine) give what CPython's ``calc`` gives: the named
examples of a few measures typed into their calculators, and enterprise profiles typed into the
self-check. Figures come from the data; the reference is computed here, never written down."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from calc.selfcheck import assess_with
from generator.data.model import Measure
from generator.serve.static_server import Server
from tests.browser.calcpage import catalog, cpython, example_on, expected_result, policy

from .drivers import Engine
from .pages import calculator, selfcheck

pytestmark = pytest.mark.engines

PROFILES = Path(__file__).resolve().parents[1] / "profiles"
# 3.1 and 5.2 (the measures checked by hand in every engine when the issue was filed) and 1.4,
# whose check boxes and examples dated across two years the other two lack.
MEASURES = {"3.1": "zh", "5.2": "en", "1.4": "zh"}
# Each profile with the day it is assessed on (the SME pilot's just before 4.1's deadline).
SELF_CHECKS = {"ic_design_house": "2026-06-01", "sme_pilot": "2027-03-15"}
SELF_CHECK_LANG = "zh"  # the calculators above cover English


def _measure(measure_id: str) -> Measure:
    return next(m for m in policy().measures if m.id == measure_id)


@pytest.mark.parametrize(("measure_id", "lang"), MEASURES.items(),
                         ids=[f"{m}-{lang}" for m, lang in MEASURES.items()])
def test_examples_match_cpython(engine: Engine, engine_server: Server, measure_id: str,
                                lang: str) -> None:
    measure = _measure(measure_id)
    assert measure.examples, f"measure {measure.id} has no named example to replay"
    form = calculator(engine, engine_server.url, measure, lang)
    for example in measure.examples:
        on = example_on(example)
        expected = cpython(measure, example.inputs, on)
        form.reset()
        for name, value in example.inputs.items():
            form.enter(name, value)
        form.ask(on)
        shown = form.read_calc()
        where = f"{engine.name} {engine.version}, {measure.id} «{example.name.en}»"
        want = expected_result(expected, lang)
        assert {key: shown[key] for key in want} == want, where


def _profile(name: str) -> dict[str, Any]:
    return dict(json.loads((PROFILES / f"{name}.json").read_text("utf-8")))


def _gates() -> set[str]:
    spec = policy().profile
    assert spec is not None
    return {s.gate for s in spec.sections if s.gate}


def test_selfcheck_matches_cpython(engine: Engine, engine_server: Server) -> None:
    """Both profiles on one page, one after the other, as a person compares two enterprises
    (one Python start: in WebKitGTK each costs seconds)."""
    form = selfcheck(engine, engine_server.url, SELF_CHECK_LANG)
    for name, on in SELF_CHECKS.items():
        data = _profile(name)
        form.reset()  # nothing kept from the profile before
        # The gates first, as a person answers them: the sections they open become clickable.
        for field in sorted(data, key=lambda field: field not in _gates()):
            form.enter(field, data[field])
        form.ask(on)
        shown = form.read_selfcheck()
        report = assess_with(catalog(), data, on)
        where = f"{engine.name} {engine.version}, profile {name}"
        assert shown["totals"] == report["totals"], where
        assert shown["rows"] == {
            row["measure"]: {"status": row["status"],
                             "award": row["award"] if row["status"] == "may_qualify" else None}
            for row in report["rows"]}, where
        assert any(row["status"] == "may_qualify" for row in report["rows"]), f"{name}: no test"
