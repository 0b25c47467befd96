"""A copy of policy_data with an XSS payload appended to every text field: every {zh, en} text
(titles, summaries, labels, help, choice labels, example names, glossary terms and definitions,
profile labels…). Shared by the hostile-data test; run alone it writes the copy:

    python -m tests.deploy.hostile_data TARGET
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "policy_data"
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
PAYLOAD = "".join(PAYLOADS)
LANGS = frozenset({"zh", "en"})


def _texts(node: yaml.Node, found: list[yaml.ScalarNode]) -> None:
    """Collect the scalar values of every {zh, en} mapping under ``node``."""
    if isinstance(node, yaml.MappingNode):
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
        values = [v for _, v in node.value]
        if keys and set(keys) <= LANGS and all(isinstance(v, yaml.ScalarNode) for v in values):
            found.extend(v for v in values if isinstance(v, yaml.ScalarNode))
            return
        for _, value in node.value:
            _texts(value, found)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _texts(item, found)


def poison(source: str) -> tuple[str, int]:
    """``source`` with PAYLOAD appended to each text. The file is edited in place (a parse and
    dump would change `on:` keys, dates and comments): each text becomes a double-quoted
    scalar, which JSON's escaping writes validly."""
    root = yaml.compose(source, Loader=yaml.SafeLoader)
    found: list[yaml.ScalarNode] = []
    if root is not None:
        _texts(root, found)
    for node in sorted(found, key=lambda n: n.start_mark.index, reverse=True):
        quoted = json.dumps(node.value + PAYLOAD, ensure_ascii=False)
        if node.style in {"|", ">"}:
            quoted += "\n"  # a block scalar's span runs to the next line
        source = source[:node.start_mark.index] + quoted + source[node.end_mark.index:]
    return source, len(found)


def hostile_copy(target: Path) -> int:
    """Write the poisoned copy of policy_data to ``target``; returns how many texts changed."""
    shutil.copytree(DATA, target)
    count = 0
    for path in sorted(target.rglob("*.yaml")):
        text, changed = poison(path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        count += changed
    return count


if __name__ == "__main__":
    print(hostile_copy(Path(sys.argv[1])))
