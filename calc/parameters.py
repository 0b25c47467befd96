"""Named parameters: every figure a rule uses, with the dates from which each value is in force.

This is the one binder. A rule in the bundle names a parameter as ``{"param": "annual_cap"}``
wherever it needs a number; :func:`bind` puts in the value in force on one date, and nothing
else — not the build, not the pages, not the browser — chooses a value by date.

A parameter's values are the measure's own (from the start) and the changes of every document
that amends it (:func:`timelines`), each change with the amending clause it comes from
(:class:`Source`): a rule node whose figure comes from an amendment cites that clause, so a
step explains an estimate with the law in force on its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .fmt import Label
from .messages import text
from .rules.base import Named


@dataclass(frozen=True)
class Source:
    """The amending clause a dated value comes from."""

    document: str  # the amending document's id
    number: str
    title: Label
    ref: str  # the clause as the amending document numbers it, quoting its words
    ref_en: str
    text: Label  # the clause, verbatim

    @property
    def cited(self) -> Label:
        """The clause with the document it is in: what a step cites."""
        zh, en = text("source.ref", title=self.title, number=self.number,
                      ref=Label(self.ref, self.ref_en))
        return Label(zh, en)


@dataclass(frozen=True)
class Value:
    """One value of a parameter: in force from ``start`` (None: from the measure's start)."""

    start: dt.date | None
    value: str  # a decimal string; rates as fractions
    source: Source | None = None  # None: the measure's own clause


Dated = tuple[Value, ...]  # oldest first


def _source(document: Mapping[str, Any], change: Mapping[str, Any]) -> Source:
    return Source(str(document["id"]), str(document.get("number", document["id"])),
                  Label.of(document.get("title") or {"zh": document["id"], "en": document["id"]}),
                  str(change["ref"]), str(change.get("ref_en") or change["ref"]),
                  Label.of(change.get("text") or {"zh": "", "en": ""}))


def read(data: Mapping[str, Any] | None) -> dict[str, Dated]:
    """The bundle's ``parameters`` of one measure (its own values), each sorted by date."""
    found: dict[str, Dated] = {}
    for name, entry in (data or {}).items():
        values = [Value(dt.date.fromisoformat(v["from"]) if v.get("from") else None,
                        str(v["value"])) for v in entry["values"]]
        found[name] = _sorted(values)
    return found


def _sorted(values: Iterable[Value]) -> Dated:
    return tuple(sorted(values, key=lambda v: v.start or dt.date.min))


def amendments(documents: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str, str],
                                                              list[Value]]:
    """Every dated value the amending documents give, by (amended document, measure, parameter).
    ``documents`` are bundle entries (``{"document": {…, "amends": …}}``)."""
    found: dict[tuple[str, str, str], list[Value]] = {}
    for entry in documents:
        document = entry["document"]
        amends = document.get("amends")
        if not amends:
            continue
        for change in amends["changes"]:
            if change.get("parameter") is None:
                continue  # a change of a window, not of a figure (calc.documents)
            key = (str(amends["document"]), str(change["measure"]), str(change["parameter"]))
            found.setdefault(key, []).append(Value(dt.date.fromisoformat(change["from"]),
                                                   str(change["value"]),
                                                   _source(document, change)))
    return found


def timelines(documents: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, Dated]]:
    """Each measure's parameters with the amendments of every document merged in, by
    (document, measure): what the engine binds and what the pages show as a timeline."""
    changes = amendments(documents)
    found: dict[tuple[str, str], dict[str, Dated]] = {}
    for entry in documents:
        doc_id = str(entry["document"]["id"])
        for measure in entry.get("measures") or []:
            own = read(measure.get("parameters"))
            found[(doc_id, str(measure["id"]))] = {
                name: _sorted([*values, *changes.get((doc_id, str(measure["id"]), name), [])])
                for name, values in own.items()}
    return found


def values_on(parameters: Mapping[str, Dated], day: dt.date) -> dict[str, Value]:
    """Each parameter's value in force on ``day`` (the latest one that started by then)."""
    chosen: dict[str, Value] = {}
    for name, values in parameters.items():
        current = values[0]
        for value in values:
            if value.start is None or value.start <= day:
                current = value
        chosen[name] = current
    return chosen


def original(parameters: Mapping[str, Dated]) -> dict[str, Value]:
    """Each parameter's value as the measure itself states it (before any amendment)."""
    return {name: values[0] for name, values in parameters.items()}


def changes(parameters: Mapping[str, Dated]) -> list[dt.date]:
    """Every date from which some value changes, in order: where a timeline has a new segment."""
    return sorted({v.start for values in parameters.values() for v in values if v.start})


def bind(node: Any, values: Mapping[str, Value]) -> Any:
    """A copy of a rule tree with every ``{"param": name}`` replaced by its value (a
    :class:`~calc.rules.base.Named` figure that remembers the name). A node whose own figure
    comes from an amendment cites the amending clause instead of its own ``ref``."""
    bound, _ = _bind(node, values)
    return bound


def _bind(node: Any, values: Mapping[str, Value]) -> tuple[Any, Source | None]:
    """(the bound copy, the amending source of a figure in it not yet claimed by a node)."""
    if isinstance(node, Mapping):
        if set(node) == {"param"}:
            value = values[node["param"]]
            return Named(value.value, node["param"]), value.source
        copy: dict[str, Any] = {}
        source: Source | None = None
        for key, item in node.items():
            copy[key], found = _bind(item, values)
            source = found or source  # a child node with its own ref has claimed its source
        if source is not None and "ref" in copy:
            cited = source.cited
            copy["ref"], copy["ref_en"] = cited.zh, cited.en
            return copy, None
        return copy, source
    if isinstance(node, list):
        items = [_bind(item, values) for item in node]
        sources = [s for _, s in items if s is not None]
        return [b for b, _ in items], (sources[-1] if sources else None)
    return node, None

