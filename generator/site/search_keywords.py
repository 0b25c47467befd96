"""Words an owner searches with, put where they weigh in the ranking without being shown.

Aliases are for the index, not the reader: a glossary entry's aliases and a measure's own
(``aliases:`` in its YAML, and those of the glossary terms it lists, unless a term is
``general``: how awards work, shared by many measures) go into a ``keywords`` field of the built
search index. Material's search worker indexes every field of its ``fields`` setting (the
plugin adds this one; ``mkdocs.yml`` may set its boost) and shows only a result's title and text.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from generator.data.model import Measure, Policy, Term

FIELD = "keywords"
FIELD_BOOST = 1000  # as much as a title (Material's default title boost)
MEASURE_BOOST = 2  # a measure page's sections (search.boost) above pages that mention its words
# A run of Chinese characters stands apart from Latin letters and digits, as Material's index
# has it (U+200B around each run), so "IC设计" is found by "IC" and by "设计".
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def term_words(term: Term) -> list[str]:
    return [term.term.zh, term.term.en, *term.aliases]


def measure_words(policy: Policy, measure: Measure) -> list[str]:
    """The measure's own aliases, then those of the glossary terms that say what it funds."""
    terms = {t.id: t for t in policy.glossary.terms}
    found = list(measure.aliases)
    for term_id in measure.glossary:
        if not terms[term_id].general:
            found += term_words(terms[term_id])
    return found


def tokens(words: Iterable[str]) -> str:
    """The field's text: each word once, Chinese runs set apart, escaped as the index's other
    text is (an editor's "<" never stands in the index as markup)."""
    unique = dict.fromkeys(html.escape(re.sub(r"\s+", " ", w).strip()) for w in words)
    return " ".join(_HAN_RUN.sub(lambda m: f"\u200b{m.group(0)}\u200b", w) for w in unique if w)


def by_location(documents: Iterable[tuple[str, Policy]],
                languages: list[str]) -> dict[str, str]:
    """Index location → keywords: each measure page (its first section) and each glossary
    entry of each document (at its place in the site), in every language (one index serves
    both: an English word finds the Chinese page too, and the page's own language is listed
    first)."""
    found: dict[str, str] = {}
    for place, policy in documents:
        # The same words in every language: worked out once per document.
        words = {f"measures/{m.id}/": tokens(measure_words(policy, m)) for m in policy.measures}
        words |= {f"glossary/#{t.id}": tokens(t.aliases) for t in policy.glossary.terms}
        for lang in languages:
            found |= {f"{lang}{place}{where}": text for where, text in words.items()}
    return found


def _docs_with_keywords(docs: list[dict[str, Any]],
                        keywords: dict[str, str]) -> Iterator[dict[str, Any]]:
    for doc in docs:
        words = keywords.get(doc["location"])
        yield {**doc, FIELD: words} if words else doc


def add(path: Path, keywords: dict[str, str]) -> int:
    """Set the keywords of the built index's documents (again on a rebuild: idempotent);
    returns how many documents carry them."""
    if not path.is_file():
        return 0
    index = json.loads(path.read_text(encoding="utf-8"))
    docs = list(_docs_with_keywords(index["docs"], keywords))
    if docs != index["docs"]:
        index["docs"] = docs
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")
    return sum(1 for d in docs if FIELD in d)
