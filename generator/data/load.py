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

from . import bundle, crosscheck, figures, parameters, relations
from .model import Document, Glossary, Measure, Policy, ProfileSpec
from .relations import Loaded
from .yaml_source import Path_, Problem, SourceDoc, load

M = TypeVar("M", bound=BaseModel)
MODEL_CHECKS = {"funding_nobody", "replacement_named", "change_kind"}


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
    if detail in MODEL_CHECKS:  # a model's own check across its fields (generator.data.model)
        return _text(f"data.{detail}")
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


def validate(doc: SourceDoc, model: type[M], context: dict[str, Any] | None = None) -> M | None:
    """Validate one parsed file; problems go to ``doc.problems``. ``context``: what a validator
    needs beyond the file (a measure's parameter values, for its rule trees)."""
    if doc.problems:
        return None
    try:
        return model.model_validate(doc.data if doc.data is not None else {}, context=context)
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


def _read(folder: Path, root: Path) -> tuple[Loaded, list[Problem]]:
    """Parse every file of one document folder (``glossary.yaml`` and ``profile.yaml`` may be
    left out); the measure files' name problems come back beside it."""
    optional = [(load(folder / name, root) if (folder / name).is_file() else None)
                for name in ("glossary.yaml", "profile.yaml")]
    paths, problems = (_measure_files(folder / "measures", root)
                       if (folder / "measures").is_dir() else ([], []))
    return Loaded(folder, load(folder / "document.yaml", root), optional[0], optional[1],
                  [load(path, root) for path in paths]), problems


def _mini_bundle(loaded: list[Loaded]) -> list[dict[str, Any]]:
    """The figures of every document as written, in the bundle's form (what can be read of
    them): calc merges the amendments into timelines (``calc.timelines``) for the prose."""
    found = []
    for item in loaded:
        data = item.document_doc.data if isinstance(item.document_doc.data, dict) else {}
        raw = parameters.collect(item.measure_docs)
        found.append({"document": {"id": str(data.get("id")), "amends": _raw_amends(data)},
                      "measures": [{"id": measure, "parameters": parameters.bundle_parameters(p)}
                                   for measure, p in raw.items()]})
    return found


def _raw_amends(data: dict[str, Any]) -> dict[str, Any] | None:
    amends = data.get("amends")
    if not isinstance(amends, dict) or not isinstance(amends.get("changes"), list):
        return None
    changes = []
    for change in amends["changes"]:
        if not isinstance(change, dict) or not isinstance(change.get("from"), dt.date):
            continue
        value = parameters.bundle_value(change.get("value"))
        if value is not None and isinstance(change.get("parameter"), str):
            changes.append({"measure": str(change.get("measure")), "from": str(change["from"]),
                            "parameter": change["parameter"], "value": value,
                            "ref": str(change.get("ref"))})
    return {"document": str(amends.get("document")), "changes": changes}


def _prepare(loaded: list[Loaded]) -> None:
    """Name the parameters each rule uses (``{"param": name}``) and render every file's prose
    references from the timelines calc merges, before validation."""
    lines = calc.timelines(_mini_bundle(loaded))
    for item in loaded:
        own = item.document_doc.data if isinstance(item.document_doc.data, dict) else {}
        doc_id = str(own.get("id"))
        raw = parameters.collect(item.measure_docs)
        mine = {m: p for (d, m), p in lines.items() if d == doc_id}
        rates = {(m, n) for m, params in raw.items() for n, entry in params.items()
                 if str(entry.get("value")).strip().endswith("%")}
        window = _window(own)
        unread = _unread(item.measure_docs)
        for doc in item.measure_docs:
            named = raw.get(_id(doc) or "", {})
            doc.problems += parameters.literals(doc)
            doc.problems += parameters.name_figures(doc, named)
            doc.problems += parameters.alternative_figures(doc, named)
            resolve = parameters.resolver(mine, rates, _id(doc), _window(doc.data) or window)
            parameters.render(doc, _quiet_about(unread, resolve), example=resolve)
        for other in (item.document_doc, item.glossary_doc, item.profile_doc):
            if other is not None:
                resolve = parameters.resolver(mine, rates, None, window)
                parameters.render(other, _quiet_about(unread, resolve))


def _unread(docs: list[SourceDoc]) -> set[str]:
    """The ids (file names) of the measures whose files could not be parsed at all."""
    return {doc.file.rsplit("/", 1)[-1].removesuffix(".yaml") for doc in docs
            if doc.data is None and doc.problems}


def _quiet_about(unread: set[str], resolve: parameters.Resolver) -> parameters.Resolver:
    """``resolve``, answering a reference into an unread measure with itself (no follow-on
    problem; the build fails on the unread file anyway)."""
    def quiet(key: str, lang: str, style: str | None) -> str | None:
        found = resolve(key, lang, style)
        if found is None and key.rpartition(".")[0] in unread:
            return "{" + key + "}"
        return found

    return quiet if unread else resolve


def _validate_folder(item: Loaded) -> Glossary | None:
    """Validate one folder's files into ``item``; returns its glossary (None if unusable)."""
    item.document = validate(item.document_doc, Document)
    glossary = (validate(item.glossary_doc, Glossary) if item.glossary_doc is not None
                else Glossary(terms=[]))
    if item.profile_doc is not None:
        item.profile = validate(item.profile_doc, ProfileSpec)
    for doc in item.measure_docs:
        measure = validate(doc, Measure, {"values": _own_values(doc)})
        if measure is not None:
            item.measures.append((doc, measure))
    return glossary


def _own_values(doc: SourceDoc) -> dict[str, calc.Value]:
    """A measure's parameters with the values it states itself: what its rule trees are built
    with (calc's binder); the merged timeline is the catalog's."""
    raw = parameters.collect([doc]).get(_id(doc) or "", {})
    return calc.original(calc.read_parameters(parameters.bundle_parameters(raw)))


def _check_folder(item: Loaded, glossary: Glossary) -> list[Problem]:
    """The checks within one document: cross-references, the law behind each figure, the
    alternative readings' patches."""
    assert item.document is not None
    crossed = crosscheck.check(item.document, glossary, item.measures)
    for doc, measure in item.measures:
        crossed += parameters.guard(doc, measure)
        crossed += _alternatives(doc, measure)
    return crossed


def load_all(root: Path) -> list[Policy]:
    """Every document under ``root``; raises :class:`DataError` with all problems found. A
    document is published or refused, never dropped: stray files and folders, and every
    relation between documents, are checked too (``generator.data.relations``)."""
    problems = relations.stray_files(root, root.parent)
    folders = sorted(p for p in root.iterdir() if (p / "document.yaml").is_file())
    if not folders:
        problems.append(Problem(str(root), 1, 1, "(folder)", *_text("data.no_document")))
    loaded: list[Loaded] = []
    for folder in folders:
        item, found = _read(folder, root.parent)
        loaded.append(item)
        problems += found
        for doc in _sources(item):  # on the text as written, before references are rendered
            doc.problems += figures.problems(doc)
    _prepare(loaded)
    glossaries = [_validate_folder(item) for item in loaded]
    problems += [p for item in loaded for s in _sources(item) for p in s.problems]
    expected = sum(len(item.measure_docs) for item in loaded)
    for item, glossary in zip(loaded, glossaries, strict=True):
        if item.document is not None and glossary is not None:
            problems += _check_folder(item, glossary)
    problems += relations.check(loaded)
    measures = [pair for item in loaded for pair in item.measures]
    root_item = next((i for i in loaded if i.document and i.document.default), None)
    if root_item is not None and root_item.profile is not None and root_item.profile_doc \
            and not problems and len(measures) == expected:
        problems += crosscheck.check_profile(root_item.profile_doc, root_item.profile, measures)
    policies = _policies(loaded, glossaries, {p.file for p in problems}, bool(problems))
    if problems:
        raise DataError(_causes_first(problems), policies)
    return policies


def _sources(item: Loaded) -> list[SourceDoc]:
    return [item.document_doc, *(d for d in (item.glossary_doc, item.profile_doc) if d),
            *item.measure_docs]


def _policies(loaded: list[Loaded], glossaries: list[Glossary | None], faulty: set[str],
              partial: bool) -> list[Policy]:
    """Each usable document with its faultless measures (all of them when nothing is wrong);
    with problems, without the profile: what the worked examples can still be checked with."""
    found = []
    for item, glossary in zip(loaded, glossaries, strict=True):
        if item.document is None or glossary is None:
            continue
        sound = [m for d, m in item.measures if d.file not in faulty]
        found.append(Policy(document=item.document, glossary=glossary, measures=sound,
                            profile=None if partial else item.profile))
    return found


def _alternatives(doc: SourceDoc, measure: Measure) -> list[Problem]:
    """``calc``'s check of each alternative reading's rule patch, at its own line; a reading
    with several alternative figures labels each."""
    placed = bundle.alternatives(measure)
    data = bundle.measure_data(measure)
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


def _causes_first(problems: list[Problem]) -> list[Problem]:
    """Each problem once, those of whole files (a file YAML cannot read: ``(syntax)``,
    ``(character)``, ``(file)``…) before the rest, which may follow from them."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: not p.field.startswith("("))
