"""Synthetic one-measure bundles, so each primitive is tested apart from the real policy data."""

from __future__ import annotations

from typing import Any

import pytest

import calc

DOC = {
    "id": "test-doc",
    "default": True,
    "window": {"start": "2026-02-01", "end": "2029-12-31", "ref": "9(1)"},
    "funding": {"city": 1, "county": 1, "ref": "9(2)"},
    "limits": {"max_amount": "100000000000", "max_quantity": "1000000",
               "expiry_warning_days": 90},
}


def label(name: str) -> dict[str, str]:
    return {"zh": f"{name}（中）", "en": f"{name} (en)"}


def money(name: str, default: str | None = None) -> dict[str, Any]:
    return {"name": name, "type": "money", "unit": "yuan", "label": label(name),
            "help": label(name), "default": default}


def flag(name: str, default: bool | None = None) -> dict[str, Any]:
    return {"name": name, "type": "bool", "label": label(name), "help": label(name),
            "default": default}


def choice(name: str, values: list[str], multi: bool = False) -> dict[str, Any]:
    return {"name": name, "type": "choices" if multi else "choice", "label": label(name),
            "help": label(name), "choices": [{"value": v, "label": label(v)} for v in values]}


def minutes(name: str) -> dict[str, Any]:
    return {"name": name, "type": "number", "unit": "minute", "label": label(name),
            "help": label(name)}


def measure(rule: dict[str, Any], inputs: list[dict[str, Any]], *, funding: str = "shared",
            bound: str = "exact", validity: dict[str, str] | None = None,
            parts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": "9.9", "title": label("measure"), "clause": label("clause"), "funding": funding,
        "funding_ref": "9(2)", "validity": validity, "departments": ["x"],
        "parts": parts or [{"id": "main", "title": label("main"), "bound": bound, "rule": rule}],
        "inputs": inputs,
    }


@pytest.fixture
def one() -> Any:
    """``one(rule, inputs, **kw)`` → a Catalog holding just that measure as ``9.9``."""

    def make(rule: dict[str, Any] | None, inputs: list[dict[str, Any]], **kw: Any) -> calc.Catalog:
        return calc.Catalog({"documents": [{"document": DOC, "glossary": {"terms": []},
                                            "measures": [measure(rule or {}, inputs, **kw)]}]})

    return make


def run(catalog: calc.Catalog, inputs: dict[str, Any], on: str = "2026-06-01") -> calc.Estimate:
    return calc.engine.estimate(catalog.get("9.9"), inputs, on)
