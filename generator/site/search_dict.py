"""The jieba user dictionary for the search index: glossary terms, their aliases and measures'
aliases.

Material segments Chinese text with jieba at build time; without these words jieba may split a
term such as 流片 or 就高不重复 so that a search for it finds nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from generator.data.model import Policy

_HAN_ONLY = re.compile(r"^[\u3400-\u9fff]+$")


def words(policies: list[Policy]) -> list[str]:
    """Every all-Chinese term and alias, of the glossary and of the measures (jieba only
    segments runs of Han characters)."""
    found: list[str] = []
    for policy in policies:
        named = [(t.term.zh, *t.aliases) for t in policy.glossary.terms]
        named += [tuple(m.aliases) for m in policy.measures]
        for word in (re.sub(r"\s+", "", w) for group in named for w in group):
            if _HAN_ONLY.match(word) and word not in found:
                found.append(word)
    return found


def write(policies: list[Policy], folder: Path) -> Path:
    """One word per line (jieba picks a frequency that lets each word stand on its own), in a
    file named by its content, so rebuilds under ``mkdocs serve`` reuse it."""
    text = "".join(f"{w}\n" for w in words(policies))
    path = folder / f"jieba-{hashlib.sha256(text.encode()).hexdigest()[:16]}.txt"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


# Sections of a measure page that repeat what the page already says in words (worked examples,
# the calculator form). Material's parser ends a data-search-exclude element at the first nested
# element of the same tag, so their text leaks into the index; they are dropped here instead.
_NOT_SEARCHED = re.compile(r"#(examples|example-\d+|online-calculator)$")


def prune_index(path: Path) -> int:
    """Drop the repeated sections from the built search index; returns how many were dropped."""
    if not path.is_file():
        return 0
    index = json.loads(path.read_text(encoding="utf-8"))
    kept = [doc for doc in index["docs"] if not _NOT_SEARCHED.search(doc["location"])]
    dropped = len(index["docs"]) - len(kept)
    if dropped:
        index["docs"] = kept
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")
    return dropped
