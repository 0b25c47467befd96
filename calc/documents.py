"""Documents in time: each document's level, window and relations, and the status of a document
or a measure on any date — the one place a status is derived.

A status depends only on dates the data gives: the window's start, its end (which an amendment
may move from a date on), the warning period before the end, and the start of a successor that
replaces the document. :meth:`Window.timeline` lists the states with the dates they begin, so
the pages can carry them and the browser picks the state of the visitor's day without any rule
of its own; :meth:`Window.state` answers for one date and is what the engine checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .fmt import Label

LEVELS = ("province", "city", "county", "district")
# not_yet → in_force (or ends_early: in force, ending before its document) → ends_soon →
# expired; replaced once a successor that replaces the document is in force.
STATES = ("not_yet", "in_force", "ends_early", "ends_soon", "expired", "replaced")
IN_FORCE = frozenset({"in_force", "ends_early", "ends_soon"})
DAY = dt.timedelta(days=1)

Timeline = tuple[tuple[dt.date | None, str], ...]  # (from, state), the first from None


@dataclass(frozen=True)
class Window:
    """When something is in force: its start, its end (dated: an amendment may move it), the
    days before the end that count as "ends soon", and the day a successor replaces it."""

    start: dt.date
    ends: tuple[tuple[dt.date | None, dt.date], ...]  # (from, end), oldest first
    warn_days: int
    replaced_on: dt.date | None = None
    ends_early: bool = False  # a measure that ends before its document

    @property
    def end(self) -> dt.date:
        """The end as first stated."""
        return self.ends[0][1]

    @property
    def last_end(self) -> dt.date:
        """The end as last amended."""
        return self.ends[-1][1]

    def end_on(self, day: dt.date) -> dt.date:
        """The end in force on ``day`` (an amendment that moves it counts from its date)."""
        current = self.ends[0][1]
        for start, end in self.ends:
            if start is None or start <= day:
                current = end
        return current

    def state(self, day: dt.date) -> str:
        if self.replaced_on is not None and day >= self.replaced_on:
            return "replaced"
        if day < self.start:
            return "not_yet"
        end = self.end_on(day)
        if day > end:
            return "expired"
        if (end - day).days <= self.warn_days:
            return "ends_soon"
        return "ends_early" if self.ends_early else "in_force"

    def timeline(self) -> Timeline:
        """Every state with the day it begins: exact, because :meth:`state` only changes on
        the days listed here."""
        days = {self.start}
        for start, end in self.ends:
            days |= {end - dt.timedelta(days=self.warn_days), end + DAY}
            if start is not None:
                days.add(start)
        if self.replaced_on is not None:
            days.add(self.replaced_on)
        found: list[tuple[dt.date | None, str]] = [(None, self.state(min(days) - DAY))]
        for day in sorted(days):
            state = self.state(day)
            if state != found[-1][1]:
                found.append((day, state))
        return tuple(found)

    def within(self, day: dt.date) -> bool:
        return self.state(day) in IN_FORCE


def timeline_json(timeline: Timeline) -> list[list[str | None]]:
    """A timeline as the pages carry it: ``[[null, "not_yet"], ["2026-02-01", "in_force"], …]``."""
    return [[day.isoformat() if day else None, state] for day, state in timeline]


@dataclass(frozen=True)
class Document:
    """One document of the bundle: what it is, where it stands, and how it relates to others."""

    id: str
    number: str
    title: Label
    level: str
    region: Label | None
    default: bool
    window: Window
    window_ref: str
    replaces: tuple[str, ...]  # ids of documents in the bundle this one replaces
    amends: str | None  # the id of the document this one amends
    data: Mapping[str, Any]

    @classmethod
    def from_bundle(cls, data: Mapping[str, Any], replaced_on: dt.date | None) -> Document:
        window = data["window"]
        region = data.get("region")
        amends = data.get("amends")
        return cls(
            id=str(data["id"]), number=str(data.get("number", data["id"])),
            title=Label.of(data.get("title") or {"zh": data["id"], "en": data["id"]}),
            level=str(data.get("level") or "city"),
            region=Label.of(region) if region else None,
            default=bool(data.get("default")),
            window=Window(dt.date.fromisoformat(window["start"]),
                          ((None, dt.date.fromisoformat(window["end"])),),
                          int((data.get("limits") or {}).get("expiry_warning_days", 0)),
                          replaced_on),
            window_ref=str(window.get("ref", "")),
            replaces=tuple(str(r["document"]) for r in data.get("replaces") or []
                           if r.get("document")),
            amends=str(amends["document"]) if amends else None,
            data=data)

    def state(self, day: dt.date) -> str:
        return self.window.state(day)

    def in_force(self, day: dt.date) -> bool:
        return self.window.within(day)


def successors(documents: list[Mapping[str, Any]]) -> dict[str, tuple[str, dt.date]]:
    """Each replaced document's successor and the day it takes over (the successor's start)."""
    found: dict[str, tuple[str, dt.date]] = {}
    for data in documents:
        for relation in data.get("replaces") or []:
            if relation.get("document"):
                start = dt.date.fromisoformat(data["window"]["start"])
                found[str(relation["document"])] = (str(data["id"]), start)
    return found


def window_changes(documents: list[Mapping[str, Any]]) -> dict[tuple[str, str],
                                                                list[tuple[dt.date, dt.date]]]:
    """Every amended end of a measure's window, by (document, measure): (from, new end)."""
    found: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = {}
    for data in documents:
        amends = data.get("amends")
        if not amends:
            continue
        for change in amends.get("changes") or []:
            if change.get("end"):
                key = (str(amends["document"]), str(change["measure"]))
                found.setdefault(key, []).append((dt.date.fromisoformat(change["from"]),
                                                  dt.date.fromisoformat(change["end"])))
    return found
