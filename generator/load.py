"""Load ``policy_data/``: parse, validate against the model, cross-check, and report every problem.

Nothing downstream sees data that failed here, and an editor sees all mistakes at once as
``file:line:column: field: message``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import crosscheck, parameters
from .model import Document, Glossary, Measure, Policy, ProfileSpec
from .yaml_source import Path_, Problem, SourceDoc, load

M = TypeVar("M", bound=BaseModel)


class DataError(Exception):
    """The policy data has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def report(self) -> str:
        head = (f"政策数据有 {len(self.problems)} 处错误 / "
                f"the policy data has {len(self.problems)} error(s):")
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def _messages(error: dict[str, Any]) -> tuple[str, str]:
    """Bilingual wording for pydantic's error types (editors read Chinese first)."""
    kind, got = error["type"], error.get("input")
    detail = str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "missing":
        return "缺少必填字段", "required field is missing"
    if kind == "extra_forbidden":
        return "未知字段（拼写错误？）", "unknown field (a typo?)"
    if detail.startswith("float_money:"):
        value = detail.split(":", 1)[1]
        return (f"金额不能写成小数形式 {value}，请写整数元（如 1000000）或加引号（如 '1234.56'）",
                f"float money {value}: write whole yuan (1000000) or a quoted string ('1234.56')")
    if detail.startswith("not_amount:"):
        return (f"应为以元为单位的金额，实际为 {got!r}",
                f"expected an amount in yuan, got {got!r}")
    if detail.startswith("not_rate:"):
        return (f"应为比例（如 10% 或 0.10），实际为 {got!r}",
                f"expected a rate such as 10% or 0.10, got {got!r}")
    if detail == "empty_text":
        return "文字不能为空", "text must not be empty"
    if kind.startswith("date"):
        return f"日期无效：{got!r}，应为 YYYY-MM-DD", f"invalid date {got!r}, expected YYYY-MM-DD"
    if kind == "union_tag_invalid":
        return f"未知的规则类型 {got!r}", f"unknown rule kind: {error['msg']}"
    if kind == "union_tag_not_found":
        return "规则缺少 kind 字段", "rule has no 'kind'"
    if kind == "string_pattern_mismatch":
        return f"格式不符：{got!r}", f"{got!r} does not match the required pattern"
    if kind == "literal_error":
        return f"取值无效：{got!r}", f"invalid value {got!r}: {error['msg']}"
    return f"取值无效：{got!r}（{error['msg']}）", f"invalid value {got!r}: {error['msg']}"


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Map pydantic's location (which includes union tags) back onto the YAML path."""
    path: list[str | int] = []
    tagged = False  # a rule node's tag comes right after entering it, once
    for part in loc:
        if isinstance(data, dict) and not tagged and data.get("kind") == part:
            tagged = True
            continue
        path.append(part)
        tagged = False
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            data = None
    return tuple(path)


def validate(doc: SourceDoc, model: type[M]) -> M | None:
    """Validate one parsed file; problems go to ``doc.problems``."""
    if doc.problems:
        return None
    try:
        return model.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as error:
        for item in error.errors():
            zh, en = _messages(dict(item))
            at_key = item["type"] == "extra_forbidden"
            doc.problems.append(doc.problem(_data_path(doc.data, item["loc"]), zh, en, at_key))
        return None


def _measure_files(folder: Path) -> Iterator[Path]:
    return iter(sorted(folder.glob("*.yaml"), key=lambda p: [int(x) if x.isdigit() else x
                                                               for x in p.stem.split(".")]))


def load_policy(folder: Path, root: Path) -> tuple[Policy | None, list[Problem]]:
    """Load one document folder: ``document.yaml``, ``glossary.yaml``, ``measures/*.yaml``.

    Every file is parsed first, so that named parameters can be bound into the rules and
    rendered into the prose of any file (``generator.parameters``) before validation."""
    day = dt.date.today()
    document_doc, glossary_doc = load(folder / "document.yaml", root), load(
        folder / "glossary.yaml", root)
    profile_doc = (load(folder / "profile.yaml", root)
                   if (folder / "profile.yaml").is_file() else None)
    measure_docs = [load(path, root) for path in _measure_files(folder / "measures")]
    raw = parameters.collect(measure_docs)
    window = _window(document_doc.data)
    bindings: dict[str, list[tuple[tuple[str | int, ...], str]]] = {}
    for doc in measure_docs:
        own = raw.get(_id(doc) or "", {})
        doc.problems += parameters.literals(doc)
        found = parameters.bind(doc, own, day)
        own_window = _window(doc.data) or window
        parameters.render(doc, parameters.resolver(raw, _id(doc), day, own_window),
                          example=parameters.resolver(raw, _id(doc), day, own_window))
        if found and _id(doc):
            bindings[str(_id(doc))] = found
    for other in (document_doc, glossary_doc, profile_doc):
        if other is not None:
            parameters.render(other, parameters.resolver(raw, None, day, window))
    sources = [document_doc, glossary_doc, *([profile_doc] if profile_doc else []), *measure_docs]
    document = validate(document_doc, Document)
    glossary = validate(glossary_doc, Glossary)
    profile = validate(profile_doc, ProfileSpec) if profile_doc is not None else None
    measures = [(doc, m) for doc in measure_docs
                if (m := validate(doc, Measure)) is not None]
    problems = [p for s in sources for p in s.problems]
    if document is None or glossary is None or problems:
        return None, problems
    problems = crosscheck.check(document, glossary, measures)
    if profile_doc is not None and profile is not None:
        problems += crosscheck.check_profile(profile_doc, profile, measures)
    for doc, measure in measures:
        problems += parameters.guard(doc, measure)
    if problems:
        return None, problems
    return Policy(document=document, glossary=glossary, measures=[m for _, m in measures],
                  profile=profile, bindings=bindings), []


def _id(doc: SourceDoc) -> str | None:
    data = doc.data
    return data["id"] if isinstance(data, dict) and isinstance(data.get("id"), str) else None


def _window(data: Any) -> tuple[dt.date, dt.date] | None:
    """A file's validity (a measure's) or window (the document's), if written as dates."""
    if not isinstance(data, dict):
        return None
    window: Any = data.get("validity") or data.get("window")
    try:
        return (dt.date.fromisoformat(str(window["start"])),
                dt.date.fromisoformat(str(window["end"])))
    except (TypeError, KeyError, ValueError):
        return None


def load_all(root: Path) -> list[Policy]:
    """Every document under ``root``; raises :class:`DataError` with all problems found."""
    policies: list[Policy] = []
    problems: list[Problem] = []
    folders = sorted(p for p in root.iterdir() if (p / "document.yaml").is_file())
    if not folders:
        problems.append(Problem(str(root), 1, 1, "(folder)", "未找到任何 document.yaml",
                                "no document.yaml found"))
    for folder in folders:
        policy, found = load_policy(folder, root.parent)
        problems += found
        if policy is not None:
            policies.append(policy)
    if problems:
        raise DataError(problems)
    return policies
