"""Runs inside Pyodide under Node (by core_stdlib.py and before the snapshot): what a page can
ask of ``calc`` through ``calc.api.handle``, as the worker calls it — list, describe, every
worked example of every measure, the self-check with an empty and a full profile, and the error
answers (bad numbers, bad dates, unknown measures, malformed JSON).

What this imports is what the browser's core stdlib zip holds: it must reach every path a
visitor can. A module it misses still loads, from the full zip (qz_fallback.py), only slower.
BUNDLE (the rules bundle as JSON) is set by the Node script.
"""

import json


def _full_profile(fields: dict) -> dict:
    """Every profile field filled, so the self-check evaluates every measure's rules."""
    values = {"money": "1000000", "number": "10", "bool": True}
    profile = {}
    for name, field in fields.items():
        choices = [c["value"] for c in field.get("choices") or []]
        if field["type"] == "choice":
            profile[name] = choices[-1]
        elif field["type"] == "choices":
            profile[name] = choices
        else:
            profile[name] = values.get(field["type"], "1")
    return profile


def workload(bundle_json: str) -> int:
    import calc.api

    def ask(request: object) -> dict:
        raw = request if isinstance(request, str) else json.dumps(request, ensure_ascii=False)
        return json.loads(calc.api.handle(raw))

    listed = ask({"type": "list"})
    if not listed["ok"] or not listed["result"]:
        raise RuntimeError(f"calc cannot list its measures: {listed}")
    asked = 0
    for document in json.loads(bundle_json)["documents"]:
        for measure in document["measures"]:
            key = measure["id"]
            described = ask({"type": "describe", "measure": key})
            if not described["ok"]:
                raise RuntimeError(f"calc cannot describe {key}: {described}")
            for example in measure.get("examples") or []:
                ask({"type": "estimate", "measure": key, "inputs": example["inputs"],
                     "on": example.get("on")})
                asked += 1
            ask({"type": "estimate", "measure": key, "inputs": {}})
            for field in described["result"]["inputs"]:
                ask({"type": "estimate", "measure": key, "inputs": {field["name"]: "１2x万"},
                     "on": "2026-13-40"})
        fields = (document.get("profile") or {}).get("fields") or {}
        for profile in ({}, _full_profile(fields), {"no_such_field": "1"}):
            ask({"type": "assess", "profile": profile})
    for bad in ("[", "[]", "null", {"type": "nope"}, {"type": "estimate", "measure": "0.0"}):
        ask(bad)
    return asked
