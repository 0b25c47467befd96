"""One JSON-in, JSON-out entry point for the browser worker (and any other integrator).

The worker passes the request as a JSON string and gets a JSON string back, so JavaScript never
builds Python source and never sees a Python exception: ``handle`` never raises.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from . import assess, catalog, describe, estimate, measures
from .calendar import calendar
from .engine import MeasureRules
from .errors import CalcError
from .inputs import MAX_DEPTH, Phrase, parse_json
from .parameters import values_on
from .provenance import assess_changes, changes_since, token, used

KINDS = ("estimate", "describe", "list", "assess", "calendar")
# Answered when even building a refusal fails (out of memory): made now, while it still can be.
_LAST_RESORT = json.dumps({"ok": False, "error": CalcError("error.internal", None,
                                                           kind="MemoryError").as_dict()},
                          ensure_ascii=False)


def _field(request: dict[str, Any], name: str, kind: type, *, optional: bool = False) -> Any:
    value = request.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, kind):
        expected = Phrase("expected.object" if kind is dict else "expected.text")
        raise CalcError("error.bad_request", name, name=name, expected=expected)
    return value


def _dispatch(request: Any) -> Any:
    if not isinstance(request, dict):
        raise CalcError("error.request_not_object", None)
    kind = request.get("type")
    if kind not in KINDS:
        raise CalcError("error.unknown_request", "type", raw=kind, known=", ".join(KINDS))
    # "on" absent or null is today; anything else must be a YYYY-MM-DD string (false is no date)
    on = request.get("on")
    # An estimate and a check name the rules they were computed with (document and SHA-256,
    # as data/index.json lists them): a printout can be verified against the published data.
    if kind == "estimate":
        inputs = _field(request, "inputs", dict, optional=True) or {}
        measure = _field(request, "measure", str)
        found = estimate(measure, inputs, on).as_dict()
        return {**found, **_provenance(catalog().get(measure), found, request.get("stored"))}
    if kind == "describe":
        return describe(_field(request, "measure", str))
    if kind == "list":
        return measures()
    if kind == "calendar":
        return calendar(catalog(), request.get("measures"), request.get("lang"))
    profile = request.get("profile")
    report = assess({} if profile is None else profile, on)
    day = dt.date.fromisoformat(report["on"])
    checked = [catalog().get(row["key"]) for row in report["rows"]]
    documents = used(catalog(), checked, day)
    return {**report, "rules": {**catalog().rules_of(), "documents": documents,
                                "token": token(documents)},
            "changed": assess_changes(catalog(), request.get("stored"), checked, day,
                                      report["totals"])}


def _provenance(measure: MeasureRules, found: dict[str, Any], stored: Any) -> dict[str, Any]:
    """The rules an estimate used (its document's SHA-256, and every document in force it
    computed with, as a token a share link carries), the parameter values it bound, and what
    changed since a link that stored an earlier token (``calc.provenance``)."""
    day = dt.date.fromisoformat(found["on"])
    documents = used(catalog(), [measure], day)
    return {"rules": {**catalog().rules_of(measure.document), "documents": documents,
                      "token": token(documents)},
            "parameters": {n: v.value for n, v in values_on(measure.parameters, day).items()},
            "changed": changes_since(catalog(), stored, measure, day, Decimal(found["award"]))}


def _failure(error: CalcError) -> str:
    return _encodable({"ok": False, "error": error.as_dict()})


def _encodable(answer: dict[str, Any]) -> str:
    """The answer as JSON that is valid UTF-8 whatever it holds: a lone surrogate that reached
    it (requests with one are refused, but a str passed in from Python may carry one) is
    written as a ``\\u`` escape instead of a character no encoder accepts."""
    text = json.dumps(answer, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(answer, ensure_ascii=True)
    return text


def handle(request_json: str) -> str:
    """``{"type": "estimate", "measure": "3.1", "inputs": {...}, "on": "2026-06-01"}`` →
    ``{"ok": true, "result": {...}}`` or ``{"ok": false, "error": {code, field, zh, en}}``."""
    try:
        try:
            result = _dispatch(parse_json(request_json))
            return _encodable({"ok": True, "result": result})
        except CalcError as error:
            return _failure(error)
        except RecursionError:
            return _failure(CalcError("error.too_deep", None, depth=MAX_DEPTH))
        except Exception as error:  # the worker must get an answer, not a crash
            return _failure(CalcError("error.internal", None, kind=type(error).__name__))
    except Exception:  # even building the refusal failed (e.g. out of memory)
        return _LAST_RESORT
