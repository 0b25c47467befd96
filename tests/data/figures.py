"""Hand-written figures in the editors' prose (generator/data/figures.py, which ``make check``
runs): ``python -m tests.data.figures [FILE …]`` lists them, file by file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from generator.data.figures import typed
from generator.data.yaml_source import load

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "policy_data"


def figures(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, field, figure) for each hand-written figure in one YAML file."""
    doc = load(path, ROOT)
    for where, figure in typed(doc):
        yield doc.position(where)[0], ".".join(map(str, where)), figure


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
