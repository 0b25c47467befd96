"""Read editors' YAML into plain Python values while remembering where each value came from.

PyYAML's own loaders silently keep the last of duplicate keys and forget line numbers, so we
compose the node graph ourselves: every value gets a (line, column) keyed by its path, duplicate
keys are collected as problems, and floats keep their original text so nothing is rounded.
Anchors and aliases are refused (editors never need them, and they allow billion-laughs
expansion and self-referencing data), as are integers too long to be real figures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import calc

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

    def said(self, path: Path_, code: str, at_key: bool = False, /,
             **values: object) -> Problem:
        """A problem worded by the string table (calc/strings.py)."""
        texts = calc.bilingual(code, **values)
        return self.problem(path, texts["zh"], texts["en"], at_key=at_key)


def dotted(path: Path_) -> str:
    """``('parts', 0, 'rule', 'cap')`` → ``parts[0].rule.cap``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


_TAG = "tag:yaml.org,2002:"
# No figure in the policy runs to this many characters; int() refuses beyond 4,300 digits anyway.
MAX_INT_CHARS = 40
# A schema key (always lower-case ASCII) followed by a full-width colon: the likeliest Chinese-IME
# typo, which YAML reads as plain text and reports (if at all) a line later.
_FULLWIDTH_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?[a-z_][a-z0-9_]*[ \t]*：", re.MULTILINE)


def _scalar(node: yaml.ScalarNode, doc: SourceDoc, path: Path_) -> Any:
    tag = node.tag.removeprefix(_TAG)
    value = node.value
    if tag == "str":
        if node.style is None and _FULLWIDTH_KEY.match(value):
            doc.problems.append(doc.said(path, "data.fullwidth_colon"))
        return value
    if tag == "int":
        if len(value) > MAX_INT_CHARS:
            doc.problems.append(doc.said(path, "data.number_too_long", length=len(value)))
            return None
        try:
            return yaml.SafeLoader.construct_yaml_int(_CONSTRUCTOR, node)
        except ValueError:
            doc.problems.append(doc.said(path, "data.bad_integer", value=repr(value)))
            return None
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
            doc.problems.append(doc.said(path, "data.bad_date", value=repr(value)))
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
                doc.problems.append(doc.said(path + (key,), "data.duplicate_key", True,
                                             key=repr(key)))
                continue
            doc.key_marks[path + (key,)] = key_mark
            result[key] = _convert(value_node, doc, path + (key,))
        return result
    raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover - composer guarantees


# PyYAML's commonest complaints, worded in Chinese too: its English reason → the table's key.
_SYNTAX = {calc.STRINGS[key]["en"]: key for key in calc.STRINGS if key.startswith("yaml.")}


def _syntax_problem(shown: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    # A full-width colon makes the error show up on a later line: point at the colon instead.
    for found in _FULLWIDTH_KEY.finditer(text, 0, _line_end(text, line)):
        at = text.count("\n", 0, found.start()) + 1
        if line - 2 <= at <= line:
            column = len(found.group(0))  # the match starts its line and ends at the colon
            return Problem(shown, at, column, "(syntax)", *_text("data.fullwidth_colon"))
    reason = f"{error.problem or error}"
    local = calc.Label(*_text(_SYNTAX[reason])) if reason in _SYNTAX else reason
    return Problem(shown, line, column, "(syntax)", *_text("data.yaml_syntax", reason=local))


def _text(code: str, **values: object) -> tuple[str, str]:
    texts = calc.bilingual(code, **values)
    return texts["zh"], texts["en"]


def _line_end(text: str, line: int) -> int:
    """The offset just past ``line`` (1-based)."""
    end = -1
    for _ in range(line):
        end = text.find("\n", end + 1)
        if end < 0:
            return len(text)
    return end


def _anchors(shown: str, text: str) -> list[Problem]:
    """Every anchor (``&name``) and alias (``*name``), one problem per line, found in the event
    stream before anything is composed, so nothing is expanded."""
    found: dict[int, Problem] = {}
    for event in yaml.parse(text, Loader=_LOADER):
        anchor = getattr(event, "anchor", None)  # set on aliases and on anchored nodes
        if anchor is None or event.start_mark is None:
            continue
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        sign = f"*{anchor}" if isinstance(event, yaml.AliasEvent) else f"&{anchor}"
        found.setdefault(line, Problem(shown, line, column, "(anchor)",
                                       *_text("data.anchor", sign=sign)))
    return list(found.values())


# What YAML refuses to read (its printable set, less what the reader folds): C0 controls but
# tab, line feed and carriage return; DEL; C1 controls but NEL; surrogates; U+FFFE and U+FFFF.
_UNREADABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                         "\U00010000-\U0010ffff]")


def _control_characters(shown: str, text: str) -> list[Problem]:
    """Each character YAML cannot read (a BEL or NUL pasted from another program), at its line
    and column, named by its code point: invisible in an editor, so the message must say it."""
    found: dict[int, Problem] = {}
    for match in _UNREADABLE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        code = f"U+{ord(match.group()):04X}"
        found.setdefault(line, Problem(shown, line, column, "(character)",
                                       *_text("data.control_character", char=code)))
    return list(found.values())


def _reader_problem(shown: str, error: yaml.YAMLError) -> Problem:
    """Any other complaint of PyYAML's, as a problem at its mark (never a traceback)."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(shown, line, column, "(syntax)", *_text("data.yaml_syntax", reason=error))


def load(path: Path, root: Path | None = None) -> SourceDoc:
    """Parse one YAML file; unreadable characters, syntax errors, anchors, aliases and duplicate
    keys become problems, not exceptions."""
    shown = str(path.relative_to(root)) if root else str(path)
    doc = SourceDoc(shown, None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        doc.problems.append(Problem(shown, 1, 1, "(file)", *_text("data.unreadable", error=error)))
        return doc
    doc.problems += _control_characters(shown, text)
    if doc.problems:
        return doc
    try:
        doc.problems += _anchors(shown, text)
        if doc.problems:
            return doc
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        doc.problems.append(_syntax_problem(shown, text, error))
        return doc
    except yaml.YAMLError as error:
        doc.problems.append(_reader_problem(shown, error))
        return doc
    doc.data = _convert(node, doc, ()) if node is not None else None
    return doc
