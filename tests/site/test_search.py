"""Search works in both languages: the built index holds the query's words as tokens on the right
measure page (Chinese segmented by jieba with the glossary as its user dictionary)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from generator.data.load import load_all
from generator.site.search_dict import words

from .conftest import DATA, Build

pytestmark = pytest.mark.slow


def index(site: Build) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site.site / "search" / "search_index.json").read_text(
        encoding="utf-8"))
    return data


def tokens(text: str, separator: str) -> set[str]:
    """What lunr indexes with the site's separator and an empty pipeline: lowercase tokens."""
    return {t.lower() for t in re.split(separator, re.sub(r"<[^>]+>", " ", text)) if t}


def pages_matching(site: Build, query: str) -> dict[str, int]:
    """Page → number of sections holding every word of the query (as Material's search ANDs
    the words of a multi-word query by default in the best-ranked results)."""
    data = index(site)
    separator = data["config"]["separator"]
    wanted = tokens(query, separator)
    found: dict[str, int] = {}
    for doc in data["docs"]:
        if wanted <= tokens(doc["title"] + " " + doc["text"], separator):
            page = doc["location"].split("#")[0]
            found[page] = found.get(page, 0) + 1
    return found


@pytest.mark.parametrize(("query", "page"), [
    ("流片", "measures/5.1/"),
    ("算力", "measures/3.1/"),
    ("DCMM", "measures/1.3/"),
    ("DCMM", "en/measures/1.3/"),
    ("tape-out", "en/measures/5.1/"),
    ("computing power", "en/measures/3.1/"),
])
def test_a_search_finds_the_right_measure(site: Build, query: str, page: str) -> None:
    found = pages_matching(site, query)
    assert page in found, (query, sorted(found))
    measures = {p: n for p, n in found.items() if "measures/" in p}
    same_language = {p: n for p, n in measures.items() if p.startswith("en/") == page.startswith(
        "en/")}
    assert max(same_language.values()) == same_language[page], (query, same_language)


def test_the_index_uses_one_configuration_for_both_languages(site: Build) -> None:
    config = index(site)["config"]
    assert config["pipeline"] == []
    assert "\\u200b" in config["separator"]
    locations = {d["location"].split("#")[0] for d in index(site)["docs"]}
    assert "measures/3.1/" in locations and "en/measures/3.1/" in locations


def test_glossary_terms_and_aliases_feed_the_jieba_dictionary() -> None:
    found = words(load_all(DATA))
    assert "流片" in found and "算力" in found and "就高不重复" in found
    assert all(re.fullmatch(r"[\u3400-\u9fff]+", w) for w in found)
