"""Aliases are for the index, not the reader: the built search index carries each measure's and
each glossary entry's aliases in a field of their own (weighed as a title, never shown), no page
prints them, and English pages mark every run of Chinese text lang="zh"."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from generator.data.load import load_all
from generator.site import search_keywords
from generator.site.lang_marks import MARK, mark_chinese

from .conftest import DATA, Build, text_of

pytestmark = pytest.mark.slow

HAN = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")


def index(site: Build) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site.site / "search" / "search_index.json").read_text(
        encoding="utf-8"))
    return data


def docs_by_location(site: Build) -> dict[str, dict[str, Any]]:
    return {doc["location"]: doc for doc in index(site)["docs"]}


def words(doc: dict[str, Any]) -> str:
    """A document's keywords as written (the build sets Chinese runs apart with U+200B and
    escapes them as HTML, like the rest of the index)."""
    return html.unescape(str(doc.get(search_keywords.FIELD, ""))).replace("\u200b", "")


def test_aliases_weigh_as_a_title_in_a_field_of_their_own(site: Build) -> None:
    data = index(site)
    fields = data["config"]["fields"]
    assert fields[search_keywords.FIELD]["boost"] == fields["title"]["boost"]
    docs = docs_by_location(site)
    policy = load_all(DATA)[0]
    for prefix in ("", "en/"):
        for measure in policy.measures:
            doc = docs[f"{prefix}measures/{measure.id}/"]
            assert measure.aliases and all(a in words(doc) for a in measure.aliases)
            assert doc["boost"] == search_keywords.MEASURE_BOOST
        for term in policy.glossary.terms:
            entry = docs[f"{prefix}glossary/#{term.id}"]
            assert all(a in words(entry) for a in term.aliases), term.id


def test_a_general_terms_words_point_at_its_entry_not_at_each_measure(site: Build) -> None:
    docs = docs_by_location(site)
    policy = load_all(DATA)[0]
    general = {t.id for t in policy.glossary.terms if t.general}
    assert "upper_bound" in general and "computing_power" not in general
    assert "封顶" in words(docs["glossary/#upper_bound"])
    capped = [m for m in policy.measures if "upper_bound" in m.glossary]
    assert capped
    for measure in capped:
        assert "封顶" not in words(docs[f"measures/{measure.id}/"])
    assert "云计算" in words(docs["measures/3.1/"])  # computing_power's alias


@pytest.mark.parametrize("path", ["glossary/", "en/glossary/", "measures/3.1/",
                                  "en/measures/5.1/"])
def test_no_page_prints_aliases(site: Build, path: str) -> None:
    text = text_of(site.page(path))
    assert "又称" not in text and "Also:" not in text
    # words that are only aliases (no definition, title or text uses them)
    for alias in ("云算力", "GPU rental", "mask work", "shuttle run", "芯片设计企业"):
        assert alias not in text, (path, alias)


class ChineseOutsideZh(HTMLParser):
    """Runs of Chinese in a page's body text outside any lang="zh" element."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                      "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, in Chinese, raw text)
        self.in_body = False
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_body = self.in_body or tag == "body"
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        inherited = bool(self.stack) and self.stack[-1][1]
        zh = inherited if lang is None else lang.startswith("zh")
        self.stack.append((tag, zh, tag in ("script", "style")))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self.in_body or (self.stack and (self.stack[-1][1] or self.stack[-1][2])):
            return
        self.found += HAN.findall(data)


def chinese_outside_zh(html: str) -> list[str]:
    parser = ChineseOutsideZh()
    parser.feed(html)
    return parser.found


def test_english_pages_mark_every_run_of_chinese(site: Build) -> None:
    pages = sorted(p for p in site.pages() if p.startswith("en/"))
    assert "en/glossary/" in pages and "en/measures/3.2/" in pages
    left = {p: found for p in pages if (found := chinese_outside_zh(site.page(p)))}
    assert not left, left
    # what the marks cover: the document's number, a quoted term, the language switch
    home = site.page("en/")
    assert f"{MARK}泉政办规〔2025〕18号</span>" in home
    assert 'hreflang="zh" class="md-select__link" lang="zh"' in home


def test_marking_keeps_markup_scripts_and_zh_elements_as_they_are() -> None:
    html = ('<html lang="en"><head><title>揭榜挂帅</title></head><body>'
            '<p title="中文">Document 泉政办规〔2025〕18号 (揭榜挂帅) <br>as is</p>'
            '<blockquote lang="zh"><p>原文<em>不动</em></p></blockquote>'
            '<script type="application/json">{"a": "中文 < 1"}</script>'
            '<pre><code>错误: x</code></pre></body></html>')
    marked = mark_chinese(html)
    assert marked.count(MARK) == 3
    assert '<title>揭榜挂帅</title>' in marked and 'title="中文"' in marked
    assert f"{MARK}泉政办规〔2025〕18号</span> ({MARK}揭榜挂帅</span>)" in marked
    assert '<p>原文<em>不动</em></p>' in marked and '{"a": "中文 < 1"}' in marked
    assert f"<code>{MARK}错误</span>: x</code>" in marked
    assert chinese_outside_zh(marked) == [] and chinese_outside_zh(html)
