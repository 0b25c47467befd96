"""Award calculator for 泉政办规〔2025〕18号 — pure standard library, so it also runs in Pyodide.

    >>> import calc
    >>> calc.estimate("3.1", {"fee": "60000", "received": "0"}, on="2026-06-01").award
    Decimal('18000.00')

The public API is this package's ``__all__``, ``calc.rules`` (the rule primitives a policy's
rule trees are made of) and ``calc.schema`` (the rules bundle's JSON Schema); the build
(``generator/``) uses nothing else, so the modules behind them may change freely.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .alternatives import check_alternatives
from .calendar import calendar_text
from .catalog import FORMAT, Catalog, document_bundle, load_default, published
from .documents import IN_FORCE, LEVELS, STATES, Timeline, Window, timeline_json
from .engine import Estimate, MeasureRules
from .engine import estimate as _estimate
from .errors import CalcError
from .fmt import (
    FEN,
    Amount,
    Day,
    Label,
    Listing,
    Localized,
    Money,
    Percent,
    Quantity,
    article,
    award_texts,
    plain,
    to_fen,
)
from .inputs import parse_value
from .messages import bilingual, both
from .parameters import Dated, Source, Value, original, timelines
from .parameters import bind as bind_parameters
from .parameters import changes as parameter_changes
from .parameters import read as read_parameters
from .strings import STRINGS

__all__ = ["FEN", "FORMAT", "IN_FORCE", "LEVELS", "STATES", "STRINGS", "Amount", "CalcError",
           "Catalog", "Dated", "Day", "Estimate", "Label", "Listing", "Localized", "MeasureRules",
           "Money", "Percent", "Quantity", "Source", "Timeline", "Value", "Window", "article",
           "assess", "award_texts", "bilingual", "bind_parameters", "both", "calendar_text",
           "catalog", "check_alternatives", "describe", "document_bundle", "estimate", "measures",
           "original", "parameter_changes", "parse_value", "plain", "published",
           "read_parameters", "timeline_json", "timelines", "to_fen", "use_bundle"]

_catalog: Catalog | None = None


def catalog() -> Catalog:
    global _catalog
    if _catalog is None:
        _catalog = load_default()
    return _catalog


def use_bundle(bundle: dict[str, Any]) -> Catalog:
    """Compute from this bundle instead of the packaged one (tests, the build, the browser)."""
    global _catalog
    _catalog = Catalog(bundle)
    return _catalog


def estimate(measure_id: str, inputs: dict[str, Any], on: dt.date | str | None = None, *,
             using: Catalog | None = None) -> Estimate:
    """The award of one measure for these inputs on a date (default: today), from the current
    bundle or, given ``using``, from that catalog (the build computes from its own)."""
    return _estimate((catalog() if using is None else using).get(measure_id), inputs, on)


def measures() -> list[dict[str, Any]]:
    """Id, title and validity of every measure of the default document."""
    cat = catalog()
    return [{"id": m.id, "title": m.data["title"], "start": m.start.isoformat(),
             "end": m.end.isoformat(), "funding": m.data["funding"],
             "upper_bound": any(p.upper for p in m.parts)}
            for m in (cat.get(i) for i in cat.ids())]


def describe(measure_id: str) -> dict[str, Any]:
    """The inputs a measure asks for: names, types, units, choices, labels and help."""
    m = catalog().get(measure_id)
    return {"id": m.id, "title": m.data["title"], "start": m.start.isoformat(),
            "end": m.end.isoformat(), "inputs": m.data["inputs"]}


def assess(profile: dict[str, Any], on: dt.date | str | None = None) -> dict[str, Any]:
    """Every measure for one enterprise profile: status, award, reason, totals."""
    from .selfcheck import assess_with

    return assess_with(catalog(), profile, on)
