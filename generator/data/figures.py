"""Figures typed by hand into the editors' prose: amounts, rates and thresholds written outside
the verbatim clause text, the parameters, the rules and the examples' own inputs and oracles.

Every such figure goes stale when its parameter changes, so there must be none: prose writes
``{name}`` and the build renders the figure. Checked on the file as written (before its
references are rendered), so ``make check`` refuses one at its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .parameters import PLACEHOLDER, VERBATIM
from .yaml_source import Path_, Problem, SourceDoc

FIGURE = re.compile(
    r"\d[\d,，]*(?:\.\d+)?\s*(?:万元|亿元|元|万|亿|[%％])"  # 30 万元, 2500 元, 30%
    r"|CNY\s*\d|\d+(?:\.\d+)?\s*million"  # CNY 300,000; 1.5 million
    r"|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 300,000


def prose(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every zh/en text outside the verbatim and figure-holding parts of a file."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from prose(item, path + (i,))
    elif isinstance(node, dict):
        for key, item in node.items():
            if key in VERBATIM:
                continue
            if key in ("zh", "en") and isinstance(item, str):
                yield path + (key,), item
            else:
                yield from prose(item, path + (key,))


def typed(doc: SourceDoc) -> Iterator[tuple[Path_, str]]:
    """(where, figure) for each figure typed into the prose of a parsed, unrendered file."""
    for where, text in prose(doc.data):
        for match in FIGURE.finditer(PLACEHOLDER.sub("", text)):
            yield where, match.group(0)


def problems(doc: SourceDoc) -> list[Problem]:
    """One problem per typed figure, at the line of its text."""
    return [doc.said(where, "data.typed_figure", figure=f"“{figure}”")
            for where, figure in typed(doc)]
