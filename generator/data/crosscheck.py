"""Checks that need more than one field: references to inputs, choices, departments, terms."""

from __future__ import annotations

from collections.abc import Iterator

from calc import rules
from calc.rules import InputInfo

from .model import Document, Glossary, Input, Measure, ProfileSpec
from .yaml_source import Path_, Problem, SourceDoc

CHOICE = {"choice", "choices"}


def walk(node: rules.Node, path: Path_) -> Iterator[tuple[Path_, rules.Node]]:
    """Every node of a rule tree with its path (calc's walk, for the page tests)."""
    return rules.walk(node, path)


class _Checker:
    def __init__(self, doc: SourceDoc) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def fail(self, path: Path_, zh: str, en: str) -> None:
        self.problems.append(self.doc.problem(path, zh, en))


def _check_rules(measure: Measure, c: _Checker) -> None:
    """The inputs each rule reads exist and have the types its kind allows (calc's registry says
    which), table rows name choices, reading switches offer modes."""
    inputs = {i.name: InputInfo(i.type, tuple(ch.value for ch in i.choices), i.default)
              for i in measure.inputs}
    for p, part in enumerate(measure.parts):
        for problem in rules.references(part.rule, inputs, ("parts", p, "rule")):
            c.fail(problem.path, problem.zh, problem.en)


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
