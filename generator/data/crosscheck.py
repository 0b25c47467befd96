"""Checks that need more than one field: references to inputs, choices, departments, terms."""

from __future__ import annotations

from collections.abc import Iterator

from calc import rules
from calc.rules import InputInfo

from .link_keys import RESERVED, clashes
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

    def say(self, path: Path_, code: str, **values: object) -> None:
        self.problems.append(self.doc.said(path, code, **values))


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
            c.say(("inputs", i, "name"), "data.duplicate_input", name=repr(item.name))
        seen.add(item.name)
        if (item.type in CHOICE) != bool(item.choices):
            c.say(("inputs", i, "choices"), "data.choices")
    for e, example in enumerate(measure.examples):
        for name in example.inputs:
            if name not in seen:
                c.say(("examples", e, "inputs", name), "data.example_input", name=repr(name))


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
            c.say(("id",), "data.id_file", id=measure.id, stem=stem)
        if measure.id in ids:
            c.say(("id",), "data.duplicate_id", id=measure.id)
        ids.add(measure.id)
        if measure.chapter not in chapters:
            c.say(("chapter",), "data.unknown_chapter", chapter=repr(measure.chapter))
        for i, dept in enumerate(measure.departments):
            if dept not in document.departments:
                c.say(("departments", i), "data.unknown_department", name=repr(dept))
        for i, term in enumerate(measure.glossary):
            if term not in terms:
                c.say(("glossary", i), "data.unknown_term", name=repr(term))
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


def _check_link_keys(profile: ProfileSpec, fields: dict[str, Input], c: _Checker) -> None:
    """Each field and each answer of a field has a short name in share links of its own."""
    where = {name: ("sections", s, "fields", i) for s, section in enumerate(profile.sections)
             for i, name in enumerate(section.fields)}
    for name, key, other in clashes([n for n in where if n in fields], RESERVED):
        c.say(where[name], "data.link_key", name=repr(name), key=key, other=repr(other))
    for name in where:
        item = fields.get(name)
        choices = [ch.value for ch in item.choices] if item is not None else []
        for value, key, other in clashes(choices):
            c.say(where[name], "data.link_value", name=repr(name), value=repr(value), key=key,
                  other=repr(other))


def check_profile(doc: SourceDoc, profile: ProfileSpec,
                  measures: list[tuple[SourceDoc, Measure]]) -> list[Problem]:
    """Sections name defined fields once each; every input's link lands in a section."""
    c = _Checker(doc)
    fields = profile_fields(profile, [m for _, m in measures])
    placed: dict[str, str] = {}
    for s, section in enumerate(profile.sections):
        if section.gate and (section.gate not in fields or fields[section.gate].type != "bool"):
            c.say(("sections", s, "gate"), "data.gate", name=repr(section.gate))
        for i, name in enumerate(section.fields):
            if name not in fields:
                c.say(("sections", s, "fields", i), "data.undefined_field", name=repr(name))
            elif name in placed:
                c.say(("sections", s, "fields", i), "data.field_placed", name=repr(name),
                      section=placed[name])
            placed.setdefault(name, section.id)
    _check_link_keys(profile, fields, c)
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
                m.say(where, "data.field_unplaced", name=repr(link.field))
            elif link.contains is not None:
                known = {ch.value for ch in target.choices} if target else set()
                if item.type != "bool" or link.contains not in known:
                    m.say(where, "data.contains", value=repr(link.contains))
            elif target is not None and target.type != item.type:
                m.say(where, "data.field_types", name=repr(link.field))
        problems += m.problems
    return problems
