"""The JSON Schema of rule trees, written from each kind's own field declarations (calc/rules/):
the schema other platforms validate the published rules bundle with is never typed a second
time, and a new kind appears in it by being registered."""

from __future__ import annotations

from typing import Any

from .rules import Field, Node, Shape, kinds
from .rules.base import NAME

DECIMAL = r"^\d+(\.\d+)?$"


def _figure() -> dict[str, Any]:
    return {"description": "A figure: a decimal string (yuan, or a rate as a fraction), or the "
                           "name of one of the measure's parameters.",
            "oneOf": [{"type": "string", "pattern": DECIMAL},
                      {"type": "object", "required": ["param"], "additionalProperties": False,
                       "properties": {"param": {"type": "string", "pattern": NAME.pattern}}}]}


def _field(f: Field) -> dict[str, Any]:
    name = {"type": "string", "pattern": NAME.pattern}
    if f.figure:
        return {"$ref": "#/$defs/figure"}
    if f.form == "node":
        return {"$ref": "#/$defs/rule"}
    if f.form == "nodes":
        return {"type": "array", "items": {"$ref": "#/$defs/rule"}, "minItems": f.min_items}
    if f.form in ("shape", "rows"):
        assert f.shape is not None
        item = _shape(f.shape)
        return item if f.form == "shape" else {"type": "array", "items": item,
                                                "minItems": f.min_items}
    if f.form == "names":
        return {"type": "array", "items": name}
    if f.form == "option":
        return {"enum": list(f.options)}
    if f.form == "i18n":
        text = {"type": "string", "minLength": 1}
        return {"type": "object", "required": ["zh", "en"], "additionalProperties": False,
                "properties": {"zh": text, "en": text}}
    return {"name": name, "bool": {"type": "boolean"},
            "text": {"type": "string"}}[f.form]


def _shape(shape: type[Shape], kind: str | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {"kind": {"const": kind}} if kind else {}
    nullable = {"anyOf": [{"type": "null"}]}
    for name, f in shape.fields.items():
        described = _field(f)
        properties[name] = described if f.required else {"anyOf": [described, *nullable["anyOf"]]}
    required = ["kind"] if kind else []
    required += [n for n, f in shape.fields.items() if f.required]
    return {"type": "object", "required": required, "properties": properties,
            "additionalProperties": False}


def rules_schema() -> dict[str, Any]:
    """``$defs`` for a rule tree: ``rule`` (one of the registered kinds) and ``figure``."""
    registered: dict[str, type[Node]] = kinds()
    return {
        "rule": {"description": "A rule primitive; its `kind` names one of: "
                                + ", ".join(sorted(registered)) + ".",
                 "oneOf": [{"title": kind, **_shape(cls, kind)}
                           for kind, cls in sorted(registered.items())]},
        "figure": _figure(),
    }
