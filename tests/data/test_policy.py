"""The real policy data: complete, verbatim, and every named example computes as written."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calc
from calc.rules import walk
from calc.rules.ceiling import Ceiling
from generator.data import examples
from generator.data.bundle import bundle
from generator.data.load import load_all
from generator.data.model import Measure, Policy
from generator.site.facts import base_inputs, measure_most

ROOT = Path(__file__).resolve().parents[2]
(POLICY,) = load_all(ROOT / "policy_data")
CATALOG = calc.Catalog(bundle([POLICY]))
EXPECTED_IDS = ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1",
                "4.2", "4.3", "5.1", "5.2", "6.1", "6.2", "7.1", "7.2", "7.3", "8.1", "8.2"]
CITY_ONLY = {"3.2", "3.3", "6.2", "7.2", "7.3"}


def computable(measure: Measure) -> bool:
    return not any(isinstance(n, Ceiling) for p in measure.parts for _, n in walk(p.rule))


def all_examples(policy: Policy) -> list[tuple[str, int]]:
    return [(m.id, i) for m in policy.measures for i in range(len(m.examples))]


def test_all_22_measures_in_document_order():
    assert [m.id for m in POLICY.measures] == EXPECTED_IDS


def test_funding_follows_the_text():
    assert {m.id for m in POLICY.measures if m.funding == "city_only"} == CITY_ONLY


def test_short_windows():
    windows = {m.id: (m.validity.start.isoformat(), m.validity.end.isoformat())
               for m in POLICY.measures if m.validity}
    assert windows == {"4.1": ("2026-02-01", "2027-03-31"), "8.2": ("2026-02-01", "2026-12-31")}


@pytest.mark.parametrize("measure", POLICY.measures, ids=lambda m: m.id)
def test_official_text_is_verbatim(measure):
    """The zh text, ignoring whitespace (page breaks joined), is a run of the official source."""
    source = re.sub(r"\s+", "", (ROOT / "policy_data/qz-2025-18/source.zh.txt").read_text("utf-8"))
    text = re.sub(r"\s+", "", measure.text.zh)
    assert len(text) > 40 and text in source


def test_the_source_typo_is_kept_and_explained():
    (m62,) = [m for m in POLICY.measures if m.id == "6.2"]
    assert "技木" in m62.text.zh
    assert any("技木" in n.zh and "技术" in n.zh for n in m62.notes)


@pytest.mark.parametrize("measure", POLICY.measures, ids=lambda m: m.id)
def test_each_computable_measure_has_at_least_three_examples_including_a_zero(measure):
    if not computable(measure):
        assert measure.examples, "a ceiling-only measure still shows an example"
        return
    assert len(measure.examples) >= 3
    assert any(e.expect.award == 0 for e in measure.examples)
    assert any(e.expect.award > 0 for e in measure.examples)


@pytest.mark.parametrize(("measure_id", "index"), all_examples(POLICY))
def test_named_example(measure_id, index):
    measure = POLICY.measure(measure_id)
    (worked,) = [examples.work(POLICY, measure, CATALOG)[index]]
    expect = worked.example.expect
    assert worked.error is None, worked.error
    assert worked.result is not None
    assert (worked.result.award, worked.result.city, worked.result.county) == (
        expect.award, expect.city, expect.county), worked.example.name.en
    assert worked.result.city + worked.result.county == worked.result.award
    assert all(step["zh"] and step["en"] and step["ref"] for step in worked.result.steps)


# ------------------------------------------------------------------ properties


def _cases() -> list[tuple[str, str, dict[str, object], str]]:
    cases = []
    for m in POLICY.measures:
        for name in sorted(base_inputs(m)):
            for e in m.examples:
                if name in e.inputs:
                    on = (e.on or POLICY.document.window.start).isoformat()
                    cases.append((m.id, name, dict(e.inputs), on))
                    break
    return cases


CASES = _cases()
AMOUNTS = st.decimals(min_value=0, max_value=Decimal("2000000000"), places=2,
                      allow_nan=False, allow_infinity=False)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(case=st.sampled_from(CASES), a=AMOUNTS, b=AMOUNTS)
def test_award_is_bounded_monotone_and_split_exactly(case, a, b):
    measure_id, name, inputs, on = case
    low, high = sorted((a, b))
    measure = CATALOG.get(measure_id)
    if measure.inputs[name].type == "number":  # quantities (minutes) have a lower limit
        low, high = low / 2000, high / 2000
    results = [calc.engine.estimate(measure, {**inputs, name: str(v)}, on) for v in (low, high)]
    most = measure_most(POLICY.measure(measure_id))
    for r in results:
        assert r.award >= 0
        assert r.city + r.county == r.award
        assert r.county == (0 if measure_id in CITY_ONLY else r.award - r.city)
        if most is not None:
            assert r.award <= most
    assert results[0].award <= results[1].award
