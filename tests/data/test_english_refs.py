"""Every rule's clause reference has its English beside it (``ref_en``), held to the English
translation by the same guard as the Chinese quotes; the engine and the pages show it."""

from __future__ import annotations

from pathlib import Path

import calc
from calc import article
from calc.rules import walk
from generator.data.bundle import bundle
from generator.data.load import load_all
from generator.data.parameters import quotes
from generator.site.views import clause_ref

from .edited import problems_after

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "policy_data" / "qz-2025-18"
(POLICY,) = load_all(ROOT / "policy_data")
CATALOG = calc.Catalog(bundle([POLICY]))
FILE = "3.1.yaml"


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_every_rule_reference_has_its_english_quote_in_the_translation():
    count = 0
    for measure in POLICY.measures:
        english = _squeezed(measure.text.en)
        for part in measure.parts:
            for _, node in walk(part.rule):
                label = article(node.ref)
                assert node.ref_en and label, (measure.id, node.ref)
                assert node.ref_en.startswith(label[0]), (measure.id, node.ref_en)
                for quote in quotes(node.ref_en):
                    assert _squeezed(quote) in english, (measure.id, quote)
                assert bool(quotes(node.ref_en)) == bool(quotes(node.ref)), node.ref
                count += 1
    assert count >= len(POLICY.measures)


def test_the_engine_gives_each_step_its_english_reference():
    measure = POLICY.measure("3.1")
    example = measure.examples[0]
    result = calc.engine.estimate(CATALOG.get("3.1"), dict(example.inputs), example.on)
    by_zh = {node.ref: node.ref_en for part in measure.parts for _, node in walk(part.rule)}
    for step in result.steps:
        assert step["ref_en"] == by_zh.get(step["ref"], " ".join(
            t for t in article(step["ref"]) or (step["ref"],) if t))
    funding = next(s for s in result.steps if s["ref"] == measure.funding_ref)
    assert funding["ref_en"] == article(measure.funding_ref)[0]  # type: ignore[index]


def test_english_pages_show_the_english_words_and_the_chinese_ones():
    node = POLICY.measure("3.1").parts[0].rule
    own = POLICY.measure("3.1").clause.zh
    shown = str(clause_ref(node.ref, "en", own, node.ref_en))
    label = article(node.ref)[0]  # type: ignore[index]
    words = (node.ref_en or "").removeprefix(label).strip()
    assert words
    assert shown.startswith(f'<a href="#official-text">{label}</a> ')
    assert words.replace('"', "&#34;") in shown and '<span lang="zh">' in shown
    assert str(clause_ref(node.ref, "zh", own, node.ref_en)) == node.ref


def broken(tmp_path: Path, old: str, new: str) -> tuple[list[str], int]:
    return problems_after(tmp_path, f"measures/{FILE}", old, new)


def _ref_en_line(index: int) -> str:
    lines = (REAL / "measures" / FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    return [line for line in lines if "ref_en:" in line][index]


def test_a_missing_english_reference_fails_at_its_rule(tmp_path):
    (found,), line = broken(tmp_path, _ref_en_line(0), "")
    assert f"{FILE}:{line - 1}:" in found and "missing ref_en" in found and "缺少 ref_en" in found


def test_an_english_quote_not_in_the_translation_fails_at_its_line(tmp_path):
    written = _ref_en_line(1)
    (found,), line = broken(tmp_path, written, written.replace("“", "“not ", 1))
    assert f"{FILE}:{line}:" in found and "is not in the English clause text" in found


def test_an_english_reference_to_another_clause_fails(tmp_path):
    written = _ref_en_line(2)
    (found,), line = broken(tmp_path, written, written.replace("Art. 3(1)", "Art. 3(2)"))
    assert f"{FILE}:{line}:" in found and "must start with Art. 3(1)" in found
