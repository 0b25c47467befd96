"""The measures of every document in a rules bundle, found by id."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from .alternatives import check_alternatives
from .documents import Document, successors, window_changes
from .engine import MeasureRules
from .errors import CalcError
from .fmt import Label
from .messages import text
from .parameters import timelines
from .rules import Problem, check_measure, dotted

BUNDLE_FILE = "rules.json"
# The newest bundle format this engine reads (2: named, dated parameters; 3: documents with a
# level, region and relations — replaces, amends, supplements).
FORMAT = 3


def published(data: Any) -> bytes:
    """The bytes the site publishes for this JSON (``data/<document>/rules.json``): compact,
    sorted keys, with "<", ">" and "&" as escapes so editors' text never reads as HTML. One
    writer, so the hash the engine reports is the hash of the file anyone can download."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text.encode("utf-8")


def document_bundle(bundle: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """One document's rules as a bundle of its own (what ``data/<document>/rules.json`` holds)."""
    return {"format": bundle["format"], "documents": [entry]}


class Catalog:
    """Measures by id; ``1.1`` means the default document's, ``doc-id/1.1`` any document's.

    Documents relate by id: an amending document's dated values are merged into the parameters
    of the measures it amends (``calc.parameters.timelines``), a successor's start is the day
    the document it replaces stops, and a supplement names the measure it adds to."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        found = bundle.get("format", 1)
        if not isinstance(found, int) or not 1 <= found <= FORMAT:
            raise CalcError("error.bundle_format", None, found=found, supported=FORMAT)
        problems = validate(bundle)
        if problems:
            first = problems[0]
            where = dotted(first.path)
            raise CalcError("error.bundle_invalid", None, count=len(problems),
                            first=Label(*text("rules.at", where=where,
                                              problem=Label(first.zh, first.en))))
        self.bundle = bundle
        self.documents = {d["document"]["id"]: d for d in bundle["documents"]}
        ids = [d["document"]["id"] for d in bundle["documents"]]
        self.default = next((d["document"]["id"] for d in bundle["documents"]
                             if d["document"].get("default")), ids[0])
        data = [d["document"] for d in bundle["documents"]]
        successor = successors(data)
        self.docs = {d["id"]: Document.from_bundle(d, successor.get(d["id"], (None, None))[1])
                     for d in data}
        self.replaced_by = {old: new for old, (new, _) in successor.items()}
        merged = timelines(bundle["documents"])
        ends = window_changes(data)
        self.measures: dict[str, MeasureRules] = {}
        for entry in bundle["documents"]:
            doc = self.docs[entry["document"]["id"]]
            for item in entry["measures"]:
                measure = MeasureRules.from_bundle(
                    entry["document"], item, merged.get((doc.id, item["id"])),
                    doc.window.replaced_on, tuple(sorted(ends.get((doc.id, item["id"]), []))))
                self.measures[f"{measure.document}/{measure.id}"] = measure

    @cached_property
    def rules_sha256(self) -> dict[str, str]:
        """Each document's SHA-256 of the rules computed with, as ``data/index.json`` lists it:
        a printed estimate names the data it came from."""
        return {d["document"]["id"]: hashlib.sha256(
            published(document_bundle(self.bundle, d))).hexdigest()
            for d in self.bundle["documents"]}

    def rules_of(self, document: str | None = None) -> dict[str, str]:
        doc = document or self.default
        return {"document": doc, "sha256": self.rules_sha256[doc]}

    def rules_for(self, measure: MeasureRules, day: dt.date) -> list[dict[str, str]]:
        """The documents an estimate of ``measure`` on ``day`` computed with: its own and each
        document amending it that is in force on that day, with their SHA-256."""
        used = [measure.document, *(d.id for d in self.docs.values()
                                    if d.amends == measure.document and d.in_force(day))]
        return [{"document": d, "number": self.docs[d].number, "sha256": self.rules_sha256[d]}
                for d in used]

    def in_force(self, day: dt.date) -> list[str]:
        """The documents in force on ``day``, in bundle order."""
        return [d.id for d in self.docs.values() if d.in_force(day)]

    def key(self, measure: MeasureRules) -> str:
        """How a measure is named: its id in the default document, ``doc/id`` elsewhere."""
        return measure.id if measure.document == self.default else \
            f"{measure.document}/{measure.id}"

    def ids(self, document: str | None = None) -> list[str]:
        doc = document or self.default
        return [m.id for m in self.measures.values() if m.document == doc]

    def get(self, measure_id: str) -> MeasureRules:
        key = measure_id if "/" in measure_id else f"{self.default}/{measure_id}"
        if key not in self.measures:
            raise CalcError("error.unknown_measure", None, measure=measure_id,
                            known=", ".join(self.ids()))
        return self.measures[key]


def validate(bundle: dict[str, Any]) -> list[Problem]:
    """The format version and the structural problems of every rule tree in a bundle, with
    paths into the bundle (the build maps the paths of its own trees back to file:line)."""
    found: list[Problem] = []
    version = bundle.get("format", 1)
    if not isinstance(version, int) or not 1 <= version <= FORMAT:
        found.append(Problem.of(("format",), "rules.format", version=repr(version),
                                supported=FORMAT))
    documents = bundle.get("documents")
    if not isinstance(documents, list):
        return [Problem.of(("documents",), "rules.no_documents")]
    for d, entry in enumerate(documents):
        measures = entry.get("measures") if isinstance(entry, dict) else None
        if not isinstance(measures, list):
            found.append(Problem.of(("documents", d, "measures"), "rules.no_measures"))
            continue
        for m, data in enumerate(measures):
            at = ("documents", d, "measures", m)
            found += (check_measure(data, at) + check_alternatives(data, at)
                      if isinstance(data, dict) else
                      [Problem.of(at, "rules.measure_not_mapping")])
    return found


def read_bundles(paths: list[str]) -> dict[str, Any]:
    """One bundle of the documents of several bundle files (each published document's
    ``rules.json``, or a whole bundle): amendments and supplements need their documents
    together. A document in two files counts once."""
    documents: dict[str, Any] = {}
    found = FORMAT
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise CalcError("error.read_rules", None, path=path,
                            reason=type(error).__name__) from None
        if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
            raise CalcError("error.read_rules", None, path=path, reason="documents")
        found = data.get("format", found)
        for entry in data["documents"]:
            documents.setdefault(entry["document"]["id"], entry)
    return {"format": found, "documents": list(documents.values())}


def load_default() -> Catalog:
    """The bundle that ships inside the package (written by ``make bundle`` / the site build)."""
    source = resources.files(__package__).joinpath(BUNDLE_FILE)
    try:
        return Catalog(json.loads(source.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise CalcError("error.no_rules", None, path=str(source)) from None
