"""Checks that need more than one field: references to inputs, choices, departments, terms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

from pydantic import BaseModel

from .model import (
    Cap,
    Differential,
    Document,
    Glossary,
    Input,
    Lookup,
    Measure,
    MilestoneMode,
    Milestones,
    PerUnit,
    ProfileSpec,
    RateOf,
    Require,
    Table,
    Threshold,
)
from .yaml_source import Path_, Problem, SourceDoc

NUMERIC = {"money", "number"}
CHOICE = {"choice", "choices"}


def walk(node: Any, path: Path_) -> Iterator[tuple[Path_, BaseModel]]:
    """Every model object below ``node`` (rule nodes and tables), with its YAML path."""
    if isinstance(node, BaseModel):
        yield path, node
        for name in type(node).model_fields:
            yield from walk(getattr(node, name), path + (name,))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from walk(item, path + (i,))


def _references(node: BaseModel) -> Iterator[tuple[str, str, set[str]]]:
    """(field, input name, allowed input types) for each input a rule node reads."""
    if isinstance(node, RateOf):
        yield "base", node.base, NUMERIC
    elif isinstance(node, PerUnit):
        yield "quantity", node.quantity, NUMERIC
        if node.limit:
            yield "limit", node.limit, NUMERIC
    elif isinstance(node, Table):
        yield "input", node.input, {"choices"} if node.highest else {"choice"}
    elif isinstance(node, Lookup) and node.previous:
        yield "previous", node.previous, {"choice"}
    elif isinstance(node, Milestones):
        yield "value", node.value, {"money"}
        yield "previous", node.previous, {"money"}
        if node.mode_input:
            yield "mode_input", node.mode_input, {"choice"}
        if node.received:
            yield "received", node.received, {"money"}
    elif isinstance(node, Cap):
        for i, name in enumerate(node.less):
            yield f"less.{i}", name, {"money"}
    elif isinstance(node, Threshold):
        yield "input", node.input, NUMERIC
    elif isinstance(node, Require):
        yield "input", node.input, {"bool"}
    elif isinstance(node, Differential):
        yield "less", node.less, {"money"}


class _Checker:
    def __init__(self, doc: SourceDoc) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def fail(self, path: Path_, zh: str, en: str) -> None:
        self.problems.append(self.doc.problem(path, zh, en))


def _check_rules(measure: Measure, c: _Checker) -> None:
    inputs = {i.name: i for i in measure.inputs}
    for p, part in enumerate(measure.parts):
        for path, node in walk(part.rule, ("parts", p, "rule")):
            for field, name, allowed in _references(node):
                where = path + tuple(int(x) if x.isdigit() else x for x in field.split("."))
                if name not in inputs:
                    c.fail(where, f"引用了未定义的输入 {name!r}",
                           f"refers to undefined input {name!r}")
                elif inputs[name].type not in allowed:
                    c.fail(where, f"输入 {name!r} 的类型应为 {'/'.join(sorted(allowed))}",
                           f"input {name!r} must be of type {'/'.join(sorted(allowed))}")
            if isinstance(node, Table) and node.input in inputs:
                known = {ch.value for ch in inputs[node.input].choices}
                for r, row in enumerate(node.rows):
                    if row.value not in known:
                        c.fail(path + ("rows", r, "value"), f"{row.value!r} 不是输入的选项",
                               f"{row.value!r} is not a choice of input {node.input!r}")
            if (isinstance(node, Milestones) and node.mode_input
                    and node.mode_input in inputs):
                _check_mode_input(inputs[node.mode_input], path, c)
            if isinstance(node, Cap) and (node.max is None) == (node.max_by is None):
                c.fail(path, "上限须且只须给出 max 或 max_by 之一",
                       "a cap needs exactly one of max or max_by")
            if isinstance(node, Cap) and bool(node.less) != (node.less_from is not None):
                c.fail(path + ("less_from",),
                       "扣除已获金额（less）时须写明 less_from："
                       "entitlement（按整个范围的应得金额扣除）或 cap（从上限中扣除），"
                       "且仅在有 less 时填写",
                       "less (amounts already received) needs less_from: entitlement (taken off "
                       "the whole scope's entitlement) or cap (taken off the cap), and only then")
            if (isinstance(node, Milestones) and node.received is None
                    and (node.mode == "differential" or node.mode_input)):
                c.fail(path + ("received",),
                       "按差额计算的档位奖励须以 received 指明“已获本条奖励”输入",
                       "milestones that may be paid as a difference need received: the input of "
                       "what this measure already paid")


def _check_mode_input(item: Input, path: Path_, c: _Checker) -> None:
    """A reading switch offers known modes and defaults to one (the primary reading)."""
    modes = set(get_args(MilestoneMode))
    known = "/".join(sorted(modes))
    for choice in item.choices:
        if choice.value not in modes:
            c.fail(path + ("mode_input",),
                   f"输入 {item.name!r} 的选项 {choice.value!r} 不是计算方式（{known}）",
                   f"choice {choice.value!r} of input {item.name!r} is not a mode ({known})")
    if item.default not in {ch.value for ch in item.choices}:
        c.fail(path + ("mode_input",), f"输入 {item.name!r} 须以主要理解为默认选项",
               f"input {item.name!r} needs one of its choices as default (the primary reading)")


def _check_inputs(measure: Measure, c: _Checker) -> None:
    seen: set[str] = set()
    for i, item in enumerate(measure.inputs):
        if item.name in seen:
            c.fail(("inputs", i, "name"), f"输入名称重复 {item.name!r}",
                   f"duplicate input name {item.name!r}")
        seen.add(item.name)
        if (item.type in CHOICE) != bool(item.choices):
            c.fail(("inputs", i, "choices"), "仅选择类输入需要且必须有 choices",
                   "choices are required for choice inputs and only for them")
    for e, example in enumerate(measure.examples):
        for name in example.inputs:
            if name not in seen:
                c.fail(("examples", e, "inputs", name), f"示例使用了未定义的输入 {name!r}",
                       f"example uses undefined input {name!r}")


def check(document: Document, glossary: Glossary,
          measures: list[tuple[SourceDoc, Measure]]) -> list[Problem]:
    """Cross-check the measures of one document; returns every problem found."""
    problems: list[Problem] = []
    chapters = {ch.id for ch in document.chapters}
    terms = {t.id for t in glossary.terms}
    ids: set[str] = set()
    for doc, measure in measures:
        c = _Checker(doc)
        stem = doc.file.rsplit("/", 1)[-1].removesuffix(".yaml")
        if measure.id != stem:
            c.fail(("id",), f"编号 {measure.id} 与文件名 {stem} 不一致",
                   f"id {measure.id} does not match the file name {stem}")
        if measure.id in ids:
            c.fail(("id",), f"编号重复 {measure.id}", f"duplicate measure id {measure.id}")
        ids.add(measure.id)
        if measure.chapter not in chapters:
            c.fail(("chapter",), f"未知章节 {measure.chapter!r}",
                   f"unknown chapter {measure.chapter!r}")
        for i, dept in enumerate(measure.departments):
            if dept not in document.departments:
                c.fail(("departments", i), f"未知责任单位 {dept!r}", f"unknown department {dept!r}")
        for i, term in enumerate(measure.glossary):
            if term not in terms:
                c.fail(("glossary", i), f"名词表中没有 {term!r}", f"no glossary term {term!r}")
        _check_inputs(measure, c)
        _check_rules(measure, c)
        problems += c.problems
    return problems


def profile_fields(profile: ProfileSpec, measures: list[Measure]) -> dict[str, Input]:
    """Every profile field's definition: declared in profile.yaml, else the first linking input."""
    fields = {f.name: f for f in profile.fields}
    for measure in measures:
        for item in measure.inputs:
            link = item.profile
            if link is not None and link.contains is None and link.field not in fields:
                fields[link.field] = item.model_copy(update={"name": link.field, "profile": None})
    return fields


def check_profile(doc: SourceDoc, profile: ProfileSpec,
                  measures: list[tuple[SourceDoc, Measure]]) -> list[Problem]:
    """Sections name defined fields once each; every input's link lands in a section."""
    c = _Checker(doc)
    fields = profile_fields(profile, [m for _, m in measures])
    placed: dict[str, str] = {}
    for s, section in enumerate(profile.sections):
        if section.gate and (section.gate not in fields or fields[section.gate].type != "bool"):
            c.fail(("sections", s, "gate"), f"门槛问题 {section.gate!r} 须为已定义的是/否字段",
                   f"gate {section.gate!r} must be a defined yes/no field")
        for i, name in enumerate(section.fields):
            if name not in fields:
                c.fail(("sections", s, "fields", i), f"未定义的画像字段 {name!r}",
                       f"undefined profile field {name!r}")
            elif name in placed:
                c.fail(("sections", s, "fields", i), f"字段 {name!r} 已在 {placed[name]} 中",
                       f"field {name!r} is already in section {placed[name]}")
            placed.setdefault(name, section.id)
    problems = c.problems
    for mdoc, measure in measures:
        m = _Checker(mdoc)
        for i, item in enumerate(measure.inputs):
            link = item.profile
            if link is None:
                continue
            where = ("inputs", i, "profile")
            target = fields.get(link.field)
            if link.field not in placed:
                m.fail(where, f"画像字段 {link.field!r} 不在 profile.yaml 的任何分组中",
                       f"profile field {link.field!r} is in no section of profile.yaml")
            elif link.contains is not None:
                known = {ch.value for ch in target.choices} if target else set()
                if item.type != "bool" or link.contains not in known:
                    m.fail(where, f"contains 须用于是/否输入，且 {link.contains!r} 须为字段选项",
                           f"contains needs a yes/no input and {link.contains!r} among the "
                           "field's choices")
            elif target is not None and target.type != item.type:
                m.fail(where, f"字段 {link.field!r} 在各措施中的类型不一致",
                       f"field {link.field!r} has different types in different measures")
        problems += m.problems
    return problems
