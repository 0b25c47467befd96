"""Labels as a reader meets them: clause numbers in English on English pages, "why nothing is
paid" only above an award of nothing, no "(s)" plurals and no engine jargon."""

from __future__ import annotations

import re

import pytest

import calc
from calc.messages import bilingual
from generator.data.bundle import bundle
from generator.data.examples import work
from generator.data.load import load_all
from generator.site.lang_marks import MARK
from generator.site.render import load_ui

from .conftest import DATA, DOCUMENT, Build

CHINESE_CLAUSE = re.compile(r"[一二三四五六七八九十]+（[一二三四五六七八九十]+）")
# What an English page may keep in Chinese: the original text and quoted Chinese words.
CHINESE_PARTS = re.compile(r'<(span|blockquote|details)[^>]*lang="zh".*?</\1>|'
                           r'<details class="qz-original".*?</details>', re.S)
TAGS = re.compile(r"<[^>]+>")
MARKED = re.compile(re.escape(MARK) + r"(.*?)</span>", re.S)
CODE = re.compile(r"<(pre|code)[^>]*>.*?</\1>", re.S)  # tool output quoted verbatim


def _ui(lang: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in load_ui().items()}


def _english_pages(site: Build) -> list[str]:
    return sorted(p for p in site.pages() if p.startswith("en/"))


def _article(site: Build, path: str) -> str:
    """The page's article as the templates wrote it: without the marks the build puts on every
    run of Chinese (generator/site/lang_marks.py), which would hide a clause left in Chinese."""
    html = MARKED.sub(r"\1", site.page(path))
    start = html.index('<article')
    return html[start:html.index("</article>", start)]


def test_english_pages_name_clauses_in_english(site: Build) -> None:
    pages = _english_pages(site)
    assert "en/measures/8.1/" in pages
    left = {}
    for path in pages:
        text = CODE.sub("", CHINESE_PARTS.sub("", _article(site, path)))  # YAML quoted as is
        found = CHINESE_CLAUSE.findall(TAGS.sub(" ", text))
        if found:
            left[path] = sorted(set(found))
    assert not left, left
    assert "Art. 9(2)" in _article(site, "en/measures/8.1/")


@pytest.mark.parametrize(("lang", "prefix"), [("zh", ""), ("en", "en/")])
def test_why_nothing_is_paid_stands_only_above_nothing_paid(site: Build, lang: str,
                                                            prefix: str) -> None:
    ui = _ui(lang)
    policies = load_all(DATA)
    policy = next(p for p in policies if p.document.id == DOCUMENT)
    catalog = calc.Catalog(bundle(policies))
    partly = 0
    for measure in policy.measures:
        worked = [w.result for w in work(policy, measure, catalog) if w.result and w.result.reasons]
        html = _article(site, f"{prefix}measures/{measure.id}/")
        nothing = sum(not r.eligible for r in worked)
        partly += sum(r.eligible for r in worked)
        assert html.count(f"<strong>{ui['example.why']}</strong>") == nothing, measure.id
        assert html.count(f"<strong>{ui['calc.reasons_partial']}</strong>") == len(worked) - nothing
    assert partly  # some example pays and still gives reasons: the test can tell the two apart


def test_english_labels_read_as_english(site: Build) -> None:
    for path in _english_pages(site):
        text = TAGS.sub(" ", CODE.sub("", _article(site, path)))
        for phrase in ("(s)", "Most it can pay", "Award, rounded half-up"):
            assert phrase not in text, (path, phrase)
    one = [p for p in _english_pages(site) if p.startswith("en/chapters/")
           and "This chapter has 1 measure." in site.page(p)]
    many = [p for p in _english_pages(site) if p.startswith("en/chapters/")
            and re.search(r"This chapter has \d+ measures\.", site.page(p))]
    assert one or many
    assert not any("has 1 measures" in site.page(p) for p in _english_pages(site))


def test_the_engine_asks_in_a_sentence() -> None:
    asked = bilingual("error.missing", label="x")["en"]
    assert asked[0].isupper(), asked


def test_english_steps_link_their_clause_to_its_english_text(site: Build) -> None:
    policy = next(p for p in load_all(DATA) if p.document.id == DOCUMENT)
    measure = next(m for m in policy.measures if m.id == "8.1")
    html = _article(site, "en/measures/8.1/")
    steps = html[html.index('class="qz-steps"'):]
    # the clause's English words beside the Chinese ones (issue 15 §6)
    assert re.search(r'<a href="#official-text">Art\. 8\(1\)</a> “[^”<]+” <span lang="zh">“',
                     steps)
    official = html[html.index('id="official-text"'):html.index('id="eligibility"')]
    assert measure.text.en.split("\n")[0].strip()[:40] in official
