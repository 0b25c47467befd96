"""One JSON-in, JSON-out entry point for the browser worker (and any other integrator).

The worker passes the request as a JSON string and gets a JSON string back, so JavaScript never
builds Python source and never sees a Python exception.
"""

from __future__ import annotations

import json
from typing import Any

from . import assess, describe, estimate, measures
from .errors import CalcError


def _dispatch(request: dict[str, Any]) -> Any:
    kind = request.get("type")
    if kind == "estimate":
        return estimate(str(request["measure"]), dict(request.get("inputs") or {}),
                        request.get("on") or None).as_dict()
    if kind == "describe":
        return describe(str(request["measure"]))
    if kind == "list":
        return measures()
    if kind == "assess":
        return assess(dict(request.get("profile") or {}), request.get("on") or None)
    raise CalcError("error.bad_argument", None, raw=kind)


def handle(request_json: str) -> str:
    """``{"type": "estimate", "measure": "3.1", "inputs": {...}, "on": "2026-06-01"}`` →
    ``{"ok": true, "result": {...}}`` or ``{"ok": false, "error": {code, field, zh, en}}``."""
    try:
        request = json.loads(request_json)
        if not isinstance(request, dict):
            raise CalcError("error.bad_argument", None, raw=request_json[:80])
        return json.dumps({"ok": True, "result": _dispatch(request)}, ensure_ascii=False)
    except CalcError as error:
        return json.dumps({"ok": False, "error": error.as_dict()}, ensure_ascii=False)
    except (ValueError, KeyError, TypeError) as error:
        wrapped = CalcError("error.bad_argument", None, raw=str(error)[:80])
        return json.dumps({"ok": False, "error": wrapped.as_dict()}, ensure_ascii=False)
