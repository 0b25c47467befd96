"""Load ``policy_data/``: parse, validate against the model, cross-check, and report every problem.

Nothing downstream sees data that failed here, and an editor sees all mistakes at once as
``file:line:column: field: message``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

import calc
from calc import check_alternatives

from . import bundle, crosscheck, figures, parameters
from .model import Document, Glossary, Measure, Policy, ProfileSpec
from .yaml_source import Path_, Problem, SourceDoc, load

M = TypeVar("M", bound=BaseModel)


class DataError(Exception):
    """The policy data has problems; ``problems`` lists them all. ``partial`` holds each document
    whose ``document.yaml`` and glossary are sound, with only its faultless measures, so the
    worked examples can still be checked and reported together with the problems."""

    def __init__(self, problems: list[Problem], partial: list[Policy] | None = None) -> None:
        self.problems = problems
        self.partial = partial or []
        super().__init__("\n".join(str(p) for p in problems))

    def report(self) -> str:
        head = calc.both("data.report", count=len(self.problems)) + ":"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def _messages(error: dict[str, Any]) -> tuple[str, str]:
    """Bilingual wording for pydantic's error types (editors read Chinese first)."""
    kind, got = error["type"], error.get("input")
    detail = str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "missing":
        return _text("rules.missing_field")
    if kind == "extra_forbidden":
        return _text("rules.unknown_field")
    if detail.startswith("float_money:"):
        return _text("rules.float_money", value=detail.split(":", 1)[1])
    if detail.startswith("not_amount:"):
        return _text("data.not_amount", value=repr(got))
    if detail.startswith("not_rate:"):
        return _text("data.not_rate", value=repr(got))
    if detail == "empty_text":
        return _text("data.empty_text")
    if kind.startswith("date"):
        return _text("data.bad_date", value=repr(got))
    if kind == "string_pattern_mismatch":
        return _text("data.pattern", value=repr(got))
    return _text("data.invalid", value=repr(got), detail=error["msg"])


def _text(code: str, **values: object) -> tuple[str, str]:
    texts = calc.bilingual(code, **values)
    return texts["zh"], texts["en"]


def _data_path(loc: tuple[Any, ...]) -> Path_:
    """Pydantic's location as a YAML path (rule trees, whose kinds are tags, are calc's)."""
    return tuple(part for part in loc if isinstance(part, (str, int)))


def validate(doc: SourceDoc, model: type[M]) -> M | None:
    """Validate one parsed file; problems go to ``doc.problems``."""
    if doc.problems:
        return None
    try:
        return model.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as error:
        for item in error.errors():
            path = _data_path(item["loc"])
            if item["type"] == "rule_invalid":  # calc's own check of a rule tree, with paths
                for problem in item["ctx"]["problems"]:
                    doc.problems.append(doc.problem(path + problem.path, problem.zh, problem.en,
                                                    problem.key))
                continue
            zh, en = _messages(dict(item))
            at_key = item["type"] == "extra_forbidden"
            doc.problems.append(doc.problem(path, zh, en, at_key))
        return None


_MEASURE_FILE = re.compile(r"[0-9]+\.[0-9]+")


def _measure_files(folder: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """Measure files in id order (3.2 before 3.10); a file not named like an id is a problem."""
    named: list[Path] = []
    problems: list[Problem] = []
    for path in folder.glob("*.yaml"):
        if _MEASURE_FILE.fullmatch(path.stem):
            named.append(path)
            continue
        problems.append(Problem(str(path.relative_to(root)), 1, 1, "(file)",
                                *_text("data.measure_file", name=repr(path.name))))
    named.sort(key=lambda p: tuple(int(x) for x in p.stem.split(".")))
    return named, problems


def _prepare(measure_docs: list[SourceDoc], others: list[SourceDoc | None],
             window: tuple[dt.date, dt.date] | None,
             unread: set[str]) -> dict[str, list[tuple[Path_, str]]]:
    """Bind named parameters into the rules and render every file's prose references
    (``generator.data.parameters``), before validation; returns where each rule took a parameter.
    A reference to a measure whose file could not be read (``unread``) is not reported: it
    follows from that file's own error, which is."""
    day = dt.date.today()
    raw = parameters.collect(measure_docs)
    bindings: dict[str, list[tuple[Path_, str]]] = {}
    for doc in measure_docs:
        own = raw.get(_id(doc) or "", {})
        doc.problems += parameters.literals(doc)
        doc.problems += parameters.alternative_figures(doc, own)
        found = parameters.bind(doc, own, day)
        resolve = parameters.resolver(raw, _id(doc), day, _window(doc.data) or window)
        parameters.render(doc, _quiet_about(unread, resolve), example=resolve)
        if found and _id(doc):
            bindings[str(_id(doc))] = found
    for other in others:
        if other is not None:
            resolve = parameters.resolver(raw, None, day, window)
            parameters.render(other, _quiet_about(unread, resolve))
    return bindings


def _unread(docs: list[SourceDoc], paths: list[Path]) -> set[str]:
    """The ids (file names) of the measures whose files could not be parsed at all."""
    return {path.stem for doc, path in zip(docs, paths, strict=True) if doc.data is None
            and doc.problems}


def _quiet_about(unread: set[str], resolve: parameters.Resolver) -> parameters.Resolver:
    """``resolve``, answering a reference into an unread measure with itself (no follow-on
    problem; the build fails on the unread file anyway)."""
    def quiet(key: str, lang: str, style: str | None) -> str | None:
        found = resolve(key, lang, style)
        if found is None and key.rpartition(".")[0] in unread:
            return "{" + key + "}"
        return found

    return quiet if unread else resolve


def load_policy(folder: Path, root: Path) -> tuple[Policy | None, list[Problem], Policy | None]:
    """Load one document folder: ``document.yaml``, ``glossary.yaml``, ``measures/*.yaml``.

    Every file is parsed first, so that named parameters can be bound into the rules and
    rendered into the prose of any file before validation. Returns the policy (None if anything
    is wrong), every problem, and the partial policy of the faultless measures (None if the
    document or glossary itself is unusable). Each stage runs on whatever passed the stage
    before, so one bad file does not hide the others' cross-reference mistakes."""
    document_doc = load(folder / "document.yaml", root)
    glossary_doc = load(folder / "glossary.yaml", root)
    profile_doc = (load(folder / "profile.yaml", root)
                   if (folder / "profile.yaml").is_file() else None)
    paths, problems = _measure_files(folder / "measures", root)
    measure_docs = [load(path, root) for path in paths]
    sources = [document_doc, glossary_doc, *([profile_doc] if profile_doc else []), *measure_docs]
    for doc in sources:  # on the text as written, before references are rendered
        doc.problems += figures.problems(doc)
    bindings = _prepare(measure_docs, [document_doc, glossary_doc, profile_doc],
                        _window(document_doc.data), _unread(measure_docs, paths))
    document = validate(document_doc, Document)
    glossary = validate(glossary_doc, Glossary)
    profile = validate(profile_doc, ProfileSpec) if profile_doc is not None else None
    measures = [(doc, m) for doc in measure_docs if (m := validate(doc, Measure)) is not None]
    problems += [p for s in sources for p in s.problems]
    if document is None or glossary is None:
        return None, problems, None
    crossed = crosscheck.check(document, glossary, measures)
    for doc, measure in measures:
        crossed += parameters.guard(doc, measure)
        crossed += _alternatives(doc, measure, bindings.get(measure.id, []))
    every_measure = len(measures) == len(paths) and not problems and not crossed
    if profile_doc is not None and profile is not None and every_measure:
        crossed += crosscheck.check_profile(profile_doc, profile, measures)
    problems += crossed
    faulty = {p.file for p in problems}
    sound = [m for d, m in measures if d.file not in faulty]
    if problems:
        partial = Policy(document=document, glossary=glossary, measures=sound, profile=None,
                         bindings=bindings)
        return None, problems, partial
    policy = Policy(document=document, glossary=glossary, measures=sound, profile=profile,
                    bindings=bindings)
    return policy, [], policy


def _alternatives(doc: SourceDoc, measure: Measure,
                  bound: list[tuple[Path_, str]]) -> list[Problem]:
    """``calc``'s check of each alternative reading's rule patch, at its own line; a reading
    with several alternative figures labels each."""
    placed = bundle.alternatives(measure)
    data = bundle.measure_data(measure, bound)
    found = [doc.problem(placed[int(p.path[1])][0] + p.path[2:], p.zh, p.en, p.key)
             for p in check_alternatives(data)]
    for r, reading in enumerate(measure.readings):
        several = reading.alternative is not None and len(reading.alternative.rules) > 1
        found += [doc.said(("readings", r, "alternative", "rules", j), "data.reading_labels")
                  for j, rule in enumerate(reading.alternative.rules if several and
                                           reading.alternative else []) if rule.label is None]
    return found


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
    partial: list[Policy] = []
    problems: list[Problem] = []
    folders = sorted(p for p in root.iterdir() if (p / "document.yaml").is_file())
    if not folders:
        problems.append(Problem(str(root), 1, 1, "(folder)", *_text("data.no_document")))
    for folder in folders:
        policy, found, usable = load_policy(folder, root.parent)
        problems += found
        if policy is not None:
            policies.append(policy)
        if usable is not None:
            partial.append(usable)
    if problems:
        raise DataError(_causes_first(problems), partial)
    return policies


def _causes_first(problems: list[Problem]) -> list[Problem]:
    """Each problem once, those of whole files (a file YAML cannot read: ``(syntax)``,
    ``(character)``, ``(file)``…) before the rest, which may follow from them."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: not p.field.startswith("("))
