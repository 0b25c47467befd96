"""Hand-written figures in the editors' prose: amounts, rates and thresholds typed outside the
verbatim clause text, the parameters, the rules and the examples' own inputs and oracles.

Every such figure can go stale when a parameter changes, so there must be none: prose writes
``{name}`` and the build renders the figure. ``python -m tests.data.figures [FILE …]`` lists them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

from generator.data.parameters import PLACEHOLDER, VERBATIM
from generator.data.yaml_source import Path_, load

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "policy_data"
FIGURE = re.compile(
    r"\d[\d,，]*(?:\.\d+)?\s*(?:万元|亿元|元|万|亿|[%％])"  # 30 万元, 2500 元, 30%
    r"|CNY\s*\d|\d+(?:\.\d+)?\s*million"  # CNY 300,000; 1.5 million
    r"|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 300,000


def prose(node: object, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
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


def figures(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, field, figure) for each hand-written figure in one YAML file."""
    doc = load(path, ROOT)
    for where, text in prose(doc.data):
        for match in FIGURE.finditer(PLACEHOLDER.sub("", text)):
            yield doc.position(where)[0], ".".join(map(str, where)), match.group(0)


def all_files() -> list[Path]:
    return sorted(p for p in DATA.rglob("*.yaml"))


def main(argv: list[str]) -> int:
    files = [Path(a).resolve() for a in argv] or all_files()
    total = 0
    for path in files:
        found = list(figures(path))
        total += len(found)
        for line, field, figure in found:
            print(f"{path.relative_to(ROOT)}:{line}: {field}: {figure}")
    print(f"{total} hand-written figure(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
