"""Read editors' YAML into plain Python values while remembering where each value came from.

PyYAML's own loaders silently keep the last of duplicate keys and forget line numbers, so we
compose the node graph ourselves: every value gets a (line, column) keyed by its path, duplicate
keys are collected as problems, and floats keep their original text so nothing is rounded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class YamlFloat(str):
    """A scalar YAML resolved as a float, kept as its source text (money must not be a float)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, in the words an editor needs."""

    file: str
    line: int
    column: int
    field: str
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message_en} / {self.message_zh}"


@dataclass
class SourceDoc:
    """A parsed YAML file: its data and the position of every value in it."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def position(self, path: Path_, at_key: bool = False) -> tuple[int, int]:
        """The position of the deepest known ancestor of ``path`` (1-based line and column);
        with ``at_key``, of the key itself (an unknown key is best shown where it is written)."""
        if at_key and path in self.key_marks:
            return self.key_marks[path]
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.marks:
                return self.marks[path[:cut]]
        return (1, 1)

    def problem(self, path: Path_, message_zh: str, message_en: str,
                at_key: bool = False) -> Problem:
        line, column = self.position(path, at_key)
        return Problem(self.file, line, column, dotted(path), message_zh, message_en)


def dotted(path: Path_) -> str:
    """``('parts', 0, 'rule', 'cap')`` → ``parts[0].rule.cap``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


_TAG = "tag:yaml.org,2002:"


def _scalar(node: yaml.ScalarNode, doc: SourceDoc, path: Path_) -> Any:
    tag = node.tag.removeprefix(_TAG)
    value = node.value
    if tag == "str":
        return value
    if tag == "int":
        return yaml.SafeLoader.construct_yaml_int(_CONSTRUCTOR, node)
    if tag == "float":
        return YamlFloat(value)
    if tag == "bool":
        return yaml.SafeLoader.construct_yaml_bool(_CONSTRUCTOR, node)
    if tag == "null":
        return None
    if tag == "timestamp":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            doc.problems.append(
                doc.problem(path, f"日期无效：{value!r}，应为 YYYY-MM-DD",
                            f"invalid date {value!r}, expected YYYY-MM-DD")
            )
            return value
    return value


_CONSTRUCTOR = yaml.SafeLoader("")
# libyaml composes ~15× faster and reports the same marks; the pure-Python loader is the fallback.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _convert(node: yaml.Node, doc: SourceDoc, path: Path_) -> Any:
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, doc, path)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, doc, path + (i,)) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                doc.key_marks[path + (key,)] = key_mark
                doc.problems.append(doc.problem(path + (key,), f"重复的键 {key!r}",
                                                f"duplicate key {key!r}", at_key=True))
                continue
            doc.key_marks[path + (key,)] = key_mark
            result[key] = _convert(value_node, doc, path + (key,))
        return result
    raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover - composer guarantees


def load(path: Path, root: Path | None = None) -> SourceDoc:
    """Parse one YAML file; syntax errors and duplicate keys become problems, not exceptions."""
    shown = str(path.relative_to(root)) if root else str(path)
    doc = SourceDoc(shown, None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        doc.problems.append(Problem(shown, 1, 1, "(file)", f"无法读取文件：{error}",
                                    f"cannot read the file: {error}"))
        return doc
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = f"{error.problem or error}"
        doc.problems.append(Problem(shown, line, column, "(syntax)", f"YAML 语法错误：{reason}",
                                    f"YAML syntax error: {reason}"))
        return doc
    doc.data = _convert(node, doc, ()) if node is not None else None
    return doc
