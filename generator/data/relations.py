"""Checks across documents: every document under ``policy_data/`` is either published — its own
place, its relations to documents that exist — or refused here at file:line. Nothing is dropped.

What is refused: a folder that is not a document, a ``*.yml`` file, a folder not named after its
document's id, a duplicate id or number, two documents claiming the site's root (``default``),
a relation (``replaces``, ``amends``, ``supplements``) to a document or measure that does not
exist, an amendment of a parameter the measure does not have, a change dated outside the
amended document's window, and an amended value its own clause does not state.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import calc

from .model import Change, Document, Measure, Parameter, ProfileSpec
from .parameters import guard_change
from .yaml_source import Problem, SourceDoc

# The files a document folder may hold besides its YAML (the verbatim source text).
OTHER_FILES = {".txt", ".md"}


@dataclass
class Loaded:
    """One document folder as read: its files, and the models of those that validated."""

    folder: Path
    document_doc: SourceDoc
    glossary_doc: SourceDoc | None
    profile_doc: SourceDoc | None
    measure_docs: list[SourceDoc]
    document: Document | None = None
    profile: ProfileSpec | None = None
    measures: list[tuple[SourceDoc, Measure]] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return self.document.id if self.document else None

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for _, m in self.measures if m.id == measure_id), None)


def stray_files(root: Path, shown: Path) -> list[Problem]:
    """A ``*.yml`` file anywhere (the loader reads ``*.yaml`` only) and a folder under ``root``
    with no ``document.yaml``: each would otherwise be silently ignored."""
    found: list[Problem] = []
    for path in sorted(root.rglob("*.yml")):
        found.append(_file_problem(path, shown, "(file)", "data.yml_file", name=path.name))
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not (folder / "document.yaml").is_file():
            found.append(_file_problem(folder, shown, "(folder)", "data.not_a_document",
                                       name=folder.name + "/"))
    return found


def _file_problem(path: Path, shown: Path, field: str, code: str, **values: object) -> Problem:
    texts = calc.bilingual(code, **values)
    return Problem(str(path.relative_to(shown)), 1, 1, field, texts["zh"], texts["en"])


def check(loaded: list[Loaded]) -> list[Problem]:
    """Every cross-document problem of the documents that validated."""
    found: list[Problem] = []
    documents = [item for item in loaded if item.document is not None]
    by_id: dict[str, Loaded] = {}
    numbers: dict[str, str] = {}
    roots: list[Loaded] = []
    for item in documents:
        doc, document = item.document_doc, item.document
        assert document is not None
        if item.folder.name != document.id:
            found.append(doc.said(("id",), "data.folder_id", folder=item.folder.name,
                                  id=document.id))
        if document.id in by_id:
            found.append(doc.said(("id",), "data.duplicate_document", id=document.id,
                                  other=by_id[document.id].document_doc.file))
        else:
            by_id[document.id] = item
        if document.number in numbers:
            found.append(doc.said(("number",), "data.duplicate_number", number=document.number,
                                  other=numbers[document.number]))
        numbers.setdefault(document.number, doc.file)
        if document.default:
            roots.append(item)
        found += _complete(item)
    found += _roots(roots, documents)
    for item in documents:
        found += list(_relations(item, by_id))
    return found


def _complete(item: Loaded) -> list[Problem]:
    """A document with measures has what its pages need; one without amends another; only the
    document at the site's root has a self-check profile."""
    doc, document = item.document_doc, item.document
    assert document is not None
    found: list[Problem] = []
    if item.measure_docs:
        for name in ("funding", "preamble", "limits", "chapters"):
            if not getattr(document, name):
                found.append(doc.said((name,), "data.document_needs", name=name))
    elif document.amends is None:
        found.append(doc.said((), "data.document_empty"))
    if item.profile_doc is not None and not document.default:
        found.append(item.profile_doc.said((), "data.profile_not_root"))
    return found


def _roots(roots: list[Loaded], documents: list[Loaded]) -> list[Problem]:
    """Exactly one document, one with measures, is at the site's root (``default: true``): its
    pages stay where they are; every other document has its own place under documents/<id>/."""
    if not roots:
        return [documents[0].document_doc.said(("default",), "data.no_root")] if documents else []
    found = [item.document_doc.said(("default",), "data.two_roots",
                                    other=roots[0].document_doc.file) for item in roots[1:]]
    if not roots[0].measure_docs:
        found.append(roots[0].document_doc.said(("default",), "data.root_without_measures"))
    return found


def _relations(item: Loaded, by_id: dict[str, Loaded]) -> Iterator[Problem]:
    doc, document = item.document_doc, item.document
    assert document is not None
    for i, relation in enumerate(document.replaces):
        if relation.document is None:
            continue
        if relation.document not in by_id or relation.document == document.id:
            yield doc.said(("replaces", i, "document"), "data.missing_document",
                           id=relation.document)
    if document.amends is not None:
        yield from _amendment(item, by_id)
    for mdoc, measure in item.measures:
        if measure.supplements is not None:
            yield from _supplement(mdoc, measure, document.id, by_id)


def _amendment(item: Loaded, by_id: dict[str, Loaded]) -> Iterator[Problem]:
    doc, document = item.document_doc, item.document
    assert document is not None and document.amends is not None
    target = by_id.get(document.amends.document)
    if target is None or target is item:
        yield doc.said(("amends", "document"), "data.missing_document",
                       id=document.amends.document)
        return
    assert target.document is not None
    window = target.document.window
    for i, change in enumerate(document.amends.changes):
        at = ("amends", "changes", i)
        if not window.start <= change.start <= window.end:
            yield doc.said(at + ("from",), "data.change_outside", day=change.start,
                           start=window.start, end=window.end, id=target.document.id)
        measure = target.measure(change.measure)
        if measure is None:
            if not any(_stem(m) == change.measure for m in target.measure_docs):
                yield doc.said(at + ("measure",), "data.missing_measure",
                               measure=change.measure, id=target.document.id)
            continue  # a measure that did not validate is reported at its own file
        yield from _change(doc, at, change, measure)


def _change(doc: SourceDoc, at: tuple[str | int, ...], change: Change,
            measure: Measure) -> Iterator[Problem]:
    if change.end is not None:  # a new end of the measure's window, stated by its clause
        yield from _date_in_clause(doc, at, change)
        return
    if change.parameter is None or change.value is None:
        return
    original = measure.parameters.get(change.parameter)
    if original is None:
        yield doc.said(at + ("parameter",), "data.missing_parameter", name=change.parameter,
                       measure=measure.id, known=", ".join(measure.parameters) or "—")
        return
    amended = Parameter(value=change.value, ref=change.ref)
    if amended.is_rate != original.is_rate:
        yield doc.said(at + ("value",), "data.change_kind_differs", name=change.parameter,
                       value=original.value)
        return
    yield from guard_change(doc, at, change.parameter, amended, change.ref_en,
                            (change.text.zh, change.text.en))


def _date_in_clause(doc: SourceDoc, at: tuple[str | int, ...],
                    change: Change) -> Iterator[Problem]:
    """A new end must be the date the amending clause states, in Chinese and in English."""
    assert change.end is not None
    day = change.end
    for lang in ("zh", "en"):
        forms = {calc.Day(day).local(lang), day.isoformat()}
        text = getattr(change.text, lang)  # the Chinese text's spaces do not count
        squeezed = "".join(text.split()) if lang == "zh" else " ".join(text.split())
        if not any(form in squeezed for form in forms):
            line = doc.position(at + ("text", lang))[0]
            yield doc.said(at + ("end",), "data.end_not_in_clause", day=day, line=line)


def _supplement(doc: SourceDoc, measure: Measure, own: str,
                by_id: dict[str, Loaded]) -> Iterator[Problem]:
    relation = measure.supplements
    assert relation is not None
    at = ("supplements",)
    target = by_id.get(relation.document)
    if target is None or relation.document == own:
        yield doc.said(at + ("document",), "data.missing_document", id=relation.document)
        return
    if target.measure(relation.measure) is None and not any(
            _stem(m) == relation.measure for m in target.measure_docs):
        yield doc.said(at + ("measure",), "data.missing_measure", measure=relation.measure,
                       id=relation.document)
    combined = relation.stacking == "combined_cap"
    if combined and (relation.cap is None or relation.cap not in measure.parameters):
        yield doc.said(at + ("cap",), "data.stacking_cap", name=str(relation.cap))
    elif not combined and relation.cap is not None:
        yield doc.said(at + ("cap",), "data.stacking_no_cap", stacking=relation.stacking)


def _stem(doc: SourceDoc) -> str:
    return doc.file.rsplit("/", 1)[-1].removesuffix(".yaml")
