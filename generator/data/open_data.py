"""The rules as open data: the bundle ``calc`` computes with, published at a stable URL of the
site with its JSON Schema and its hash, so other platforms can reuse the rules.

``data/index.json`` lists each document's ``data/<document>/rules.json`` with its SHA-256 and
size, the format version and the schema's URL. The schema is written from the declarations that
already exist — the pydantic models of the document-level fields and calc's own rule kinds — so
it is never typed a second time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from calc import FORMAT, document_bundle, published
from calc.schema import rules_schema

from .model import (
    Document,
    Example,
    Glossary,
    I18n,
    Input,
    Policy,
    ProfileSection,
    Supplement,
    Window,
)

FOLDER = "data"
SCHEMA = "rules.schema.json"
INDEX = "index.json"
DECIMAL = r"^\d+(\.\d+)?$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _measure() -> dict[str, Any]:
    text = {"type": "string", "minLength": 1}
    part = {"type": "object", "required": ["id", "title", "bound", "rule"],
            "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "title": _ref("I18n"),
                           "bound": {"enum": ["upper", "exact"]}, "rule": _ref("rule")}}
    value = {"type": "object", "required": ["from", "value"], "additionalProperties": False,
             "properties": {"from": _nullable({"type": "string", "format": "date"}),
                            "value": {"type": "string", "pattern": DECIMAL}}}
    parameter = {"type": "object", "required": ["ref", "rate", "values"],
                 "additionalProperties": False,
                 "description": "A named figure with the clause it quotes; `values` in force "
                                "from a date on (null: from the start), rates as fractions.",
                 "properties": {"ref": text, "rate": {"type": "boolean"},
                                "values": {"type": "array", "items": value, "minItems": 1}}}
    alternative = {"type": "object", "required": ["ref", "label", "part", "at", "node"],
                   "additionalProperties": False,
                   "description": "An alternative reading that changes the amount: the node at "
                                  "`at` (a dotted path below the part's rule) replaced by `node`; "
                                  "or, with `funding` (and no node), one that splits the award "
                                  "another way.",
                   "properties": {"ref": text, "label": _nullable(_ref("I18n")),
                                  "part": _nullable({"type": "string"}),
                                  "at": {"type": "string"}, "node": _nullable(_ref("rule")),
                                  "funding": _nullable({"enum": ["city_only"]})}}
    return {"type": "object", "additionalProperties": False,
            "required": ["id", "chapter", "clause", "title", "departments", "funding",
                         "funding_ref", "parameters", "parts", "inputs", "examples"],
            "properties": {
                "id": {"type": "string", "pattern": r"^\d+\.\d+$"}, "chapter": {"type": "string"},
                "clause": _ref("I18n"), "title": _ref("I18n"),
                "departments": {"type": "array", "items": {"type": "string"}},
                "selection": _nullable(_ref("I18n")), "validity": _nullable(_ref("Window")),
                "funding": {"enum": ["shared", "city_only", "county_only"]},
                "funding_ref": text, "supplements": _nullable(_ref("Supplement")),
                "glossary": {"type": "array", "items": {"type": "string"}},
                "parameters": {"type": "object", "additionalProperties": parameter},
                "parts": {"type": "array", "items": part, "minItems": 1},
                "inputs": {"type": "array", "items": _ref("Input")},
                "examples": {"type": "array", "items": _ref("Example")},
                "alternatives": {"type": "array", "items": alternative}}}


def schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a published rules bundle."""
    models: list[type[BaseModel]] = [Document, Glossary, Input, Example, ProfileSection, I18n,
                                     Window, Supplement]
    pairs: list[tuple[type[BaseModel], Literal["serialization"]]] = [
        (m, "serialization") for m in models]
    _, found = models_json_schema(pairs, ref_template="#/$defs/{model}")
    defs = {**found["$defs"], **rules_schema(), "Measure": _measure()}
    profile = {"type": "object", "required": ["sections", "fields"],
               "properties": {"sections": {"type": "array", "items": _ref("ProfileSection")},
                              "fields": {"type": "object", "additionalProperties": _ref("Input")}}}
    document = {"type": "object", "required": ["document", "glossary", "measures"],
                "additionalProperties": False,
                "properties": {"document": _ref("Document"), "glossary": _ref("Glossary"),
                               "measures": {"type": "array", "items": _ref("Measure")},
                               "profile": _nullable(profile)}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Rules bundle of the Quanzhou digital-economy measures calculator",
            "description": "What calc (pure Python, standard library) computes with: each "
                           "measure's parameters, rule tree, inputs and worked examples. "
                           f"Format version {FORMAT}.",
            "type": "object", "required": ["format", "documents"], "additionalProperties": False,
            "properties": {"format": {"const": FORMAT},
                           "documents": {"type": "array", "items": document, "minItems": 1}},
            "$defs": defs}


def _write(path: Path, data: Any) -> bytes:
    # calc's writer: the hash the engine reports for a printed estimate is this file's.
    body = published(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return body


def publish(site: Path, bundle: dict[str, Any], policies: list[Policy]) -> Path:
    """Write ``data/``: one bundle per document, the schema and the index with hashes."""
    folder = site / FOLDER
    entries = []
    for entry, policy in zip(bundle["documents"], policies, strict=True):
        document = policy.document
        body = _write(folder / document.id / "rules.json", document_bundle(bundle, entry))
        entries.append({"id": document.id, "number": document.number,
                        "title": document.title.model_dump(), "url": f"{document.id}/rules.json",
                        "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body),
                        # what a reuser needs to merge them: an amending document's bundle
                        # belongs beside the one it amends (calc --rules takes both)
                        "level": document.level, "window": document.window.model_dump(
                            mode="json"),
                        "amends": document.amends.document if document.amends else None,
                        "replaces": [r.document for r in document.replaces if r.document]})
    _write(folder / SCHEMA, schema())
    _write(folder / INDEX, {"format": bundle["format"], "schema": SCHEMA, "documents": entries})
    return folder
