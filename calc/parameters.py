"""Named parameters: every figure a rule uses, with the dates from which each value is in force.

A rule in the bundle names a parameter as ``{"param": "annual_cap"}`` wherever it needs a
number; an estimate binds each name to the value in force on its own date, so an amendment is a
new dated value in the data and an estimate "as of" an earlier date still gets the old figure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

Dated = tuple[tuple[dt.date | None, str], ...]  # (in force from, value), oldest first


def read(data: dict[str, Any]) -> dict[str, Dated]:
    """The bundle's ``parameters`` of one measure, each value list sorted by date."""
    found: dict[str, Dated] = {}
    for name, entry in (data or {}).items():
        values = [(dt.date.fromisoformat(v["from"]) if v.get("from") else None, str(v["value"]))
                  for v in entry["values"]]
        found[name] = tuple(sorted(values, key=lambda v: v[0] or dt.date.min))
    return found


def values_on(parameters: dict[str, Dated], day: dt.date) -> dict[str, str]:
    """Each parameter's value in force on ``day`` (the latest one that started by then)."""
    chosen: dict[str, str] = {}
    for name, values in parameters.items():
        current = values[0][1]
        for start, value in values:
            if start is None or start <= day:
                current = value
        chosen[name] = current
    return chosen


def bind(node: Any, values: dict[str, str]) -> Any:
    """A copy of a rule tree with every ``{"param": name}`` replaced by its value."""
    if isinstance(node, dict):
        if set(node) == {"param"}:
            return values[node["param"]]
        return {key: bind(item, values) for key, item in node.items()}
    if isinstance(node, list):
        return [bind(item, values) for item in node]
    return node
