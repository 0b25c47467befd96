"""What the templates show about a measure beyond its YAML: dates in force, deadline status, the
most it can pay, award types, and the worked examples as ``calc`` computed them at build time."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from markupsafe import Markup, escape

import calc
from calc import Listing, Localized, article, bilingual, parse_value, rules, timeline_json
from generator.data.examples import work
from generator.data.model import I18n, Input, Measure, Policy, Term

from . import facts


def type_kinds() -> tuple[str, ...]:
    """Rule kinds that say how an amount is reached, in the order the award-type column lists
    them (each kind's ``column`` in ``calc.rules``; asked each time, so every kind counts)."""
    known = rules.kinds()
    return tuple(sorted((k for k, c in known.items() if c.column is not None),
                        key=lambda k: known[k].column or 0))


def clause_ref(ref: str, lang: str, own: str | None = None,
               english: str | None = None) -> Markup:
    """A clause reference for a page in ``lang``: English pages say "Art. 9(2)", then the
    clause's English words (``english``, the data's ``ref_en``) and the quoted Chinese words,
    marked as Chinese; other references are shown as written. The page's own clause (``own``,
    e.g. 八（一）) links to its text in the page's official-text section."""
    found = article(ref)
    if lang == "zh" or not found:
        return escape(ref)
    label, rest = found
    link: Markup = escape(label)
    if own is not None and article(own) == (label, ""):  # the page's own clause
        link = Markup('<a href="#official-text">') + link + Markup("</a>")
    words = english[len(label):].strip() if english and english.startswith(label) else ""
    if words:
        link += Markup(" ") + escape(words)
    if not rest:
        return link
    return link + Markup(' <span lang="zh">') + escape(rest) + Markup("</span>")


@dataclass(frozen=True)
class ExampleView:
    """One named example as ``calc`` computed it; texts are ``{zh, en}`` dicts."""

    name: I18n
    on: dt.date
    inputs: tuple[tuple[I18n, dict[str, str]], ...]
    steps: tuple[dict[str, str], ...]
    reasons: tuple[dict[str, str], ...]  # why the award (or a part of it) is zero
    eligible: bool  # something is paid: the reasons explain only the parts that pay nothing
    warnings: tuple[dict[str, str], ...]
    award: Decimal | None
    city: Decimal | None
    county: Decimal | None
    error: dict[str, str] | None
    alternatives: tuple[dict[str, Any], ...] = ()  # the award under another reading, if it differs
    # the award as its parts' bounds state it ("up to", or the standard and ceiling shares)
    headline: dict[str, str] | None = None


@dataclass(frozen=True)
class Status:
    """Where something stands in time: its states with the days they begin (calc's
    ``Window.timeline``), the one on the build day, and how a page words each. The page carries
    the timeline; the browser picks the state of the visitor's day (web: qz-status.js)."""

    timeline: calc.Timeline
    today: str
    replaced_by: tuple[str, I18n, str] | None = None  # (id, title, site path) of the successor

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(state for _, state in self.timeline))

    @property
    def data(self) -> str:
        """The timeline as the page's ``data-qz-timeline`` attribute holds it."""
        return json.dumps(timeline_json(self.timeline), separators=(",", ":"))

    def ever(self, *states: str) -> bool:
        return any(s in states for s in self.states)


def status_of(window: calc.Window, today: dt.date,
              successor: tuple[str, I18n, str] | None = None) -> Status:
    return Status(window.timeline(), window.state(today), successor)


@dataclass(frozen=True)
class Figure:
    """A parameter's values in time, as calc merged them (its own, then each amendment's)."""

    values: calc.Dated
    rate: bool


@dataclass(frozen=True)
class MeasureView:
    measure: Measure
    key: str  # how calc names it: "3.1" in the root document, "doc-id/1.1" in another
    path: str  # site path without the language prefix, e.g. "measures/3.1/"
    start: dt.date
    end: dt.date  # as last amended
    window_ref: str
    ends_early: bool
    status: Status
    window: calc.Window  # the ends as stated and as amended from a date
    most: tuple[tuple[dt.date | None, Decimal | None], ...]  # the most it pays, from each date
    part_most: tuple[tuple[I18n, Decimal | None], ...]  # per part, shown when there are several
    kinds: tuple[str, ...]
    departments: tuple[I18n, ...]
    terms: tuple[Term, ...]
    examples: tuple[ExampleView, ...]
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return "m-" + self.measure.id.replace(".", "-")

    def input(self, name: str) -> Input:
        return next(i for i in self.measure.inputs if i.name == name)

    def label(self, name: str) -> I18n:
        return self.input(name).label

    def choice(self, name: str, value: str) -> I18n:
        return next(c.label for c in self.input(name).choices if c.value == value)

    def unit(self, name: str) -> str | None:
        return self.input(name).unit

    def is_quantity(self, name: str) -> bool:
        return self.input(name).type == "number"

    def reading_figures(self, ref: str) -> list[tuple[ExampleView, dict[str, Any]]]:
        """For a reading's section: the first worked example whose award each of the reading's
        alternative figures changes, with that figure (as the engine words it)."""
        found: dict[str, tuple[ExampleView, dict[str, Any]]] = {}
        for example in self.examples:
            for alt in example.alternatives:
                if alt["ref"] == ref:
                    found.setdefault(alt["label"]["zh"], (example, alt))
        return list(found.values())


def kinds(measure: Measure) -> tuple[str, ...]:
    found = {node.kind for part in measure.parts for _, node in rules.walk(part.rule)}
    return tuple(k for k in type_kinds() if k in found)


def _shown(item: calc.MeasureRules, name: str, raw: Any) -> dict[str, str]:
    """An example's input value as each language writes it (as typed, if calc refuses it)."""
    definition = item.inputs[name]
    try:
        value = parse_value(raw, definition, item.limits)
    except calc.CalcError:
        return {"zh": str(raw), "en": str(raw)}
    shown: Localized
    if definition.type in ("money", "number"):
        shown = cast(Localized, definition.shown(value))
    elif definition.type == "bool":
        return bilingual("answer.yes" if value else "answer.no")
    elif definition.type == "choice":
        shown = definition.choices[value]
    else:
        shown = Listing(tuple(definition.choices[v] for v in value))
    return {lang: shown.local(lang) for lang in ("zh", "en")}


def examples(policy: Policy, measure: Measure, catalog: calc.Catalog) -> tuple[ExampleView, ...]:
    compiled: calc.MeasureRules = catalog.get(f"{policy.document.id}/{measure.id}")
    labels = {i.name: i.label for i in measure.inputs}
    views = []
    for worked in work(policy, measure, catalog):
        ex, result = worked.example, worked.result
        views.append(ExampleView(
            name=ex.name,
            on=ex.on or policy.document.window.start,
            inputs=tuple((labels[k], _shown(compiled, k, v)) for k, v in ex.inputs.items()),
            steps=result.steps if result else (),
            reasons=result.reasons if result else (),
            eligible=result.eligible if result else False,
            warnings=result.warnings if result else (),
            award=result.award if result else None,
            city=result.city if result else None,
            county=result.county if result else None,
            error={"zh": worked.error.zh, "en": worked.error.en} if worked.error else None,
            alternatives=tuple(a for a in result.alternatives if a["differs"]) if result else (),
            headline=calc.award_texts(result.entitled, result.up_to) if result else None,
        ))
    return tuple(views)


def measure_view(policy: Policy, measure: Measure, catalog: calc.Catalog, today: dt.date,
                 prefix: str = "", successor: tuple[str, I18n, str] | None = None) -> MeasureView:
    """A measure as its pages show it; ``prefix`` is its document's place on the site."""
    doc = policy.document
    # The window and figures the engine computes with (document ∩ measure, amendments merged):
    # the page shows exactly those.
    engine = catalog.get(f"{doc.id}/{measure.id}")
    terms = {t.id: t for t in policy.glossary.terms}
    return MeasureView(
        measure=measure,
        key=catalog.key(engine),
        path=f"{prefix}measures/{measure.id}/",
        start=engine.start,
        end=engine.end,
        window_ref=engine.window_ref,
        ends_early=engine.window.ends_early,
        status=status_of(engine.window, today, successor),
        window=engine.window,
        most=most_in_time(engine),
        part_most=tuple((p.title, facts.most(p.rule)) for p in measure.parts),
        kinds=kinds(measure),
        departments=tuple(doc.departments[d] for d in measure.departments),
        terms=tuple(terms[t] for t in measure.glossary),
        examples=examples(policy, measure, catalog),
        figures={name: Figure(values, measure.parameters[name].is_rate)
                 for name, values in engine.parameters.items()},
    )


def most_in_time(engine: calc.MeasureRules) -> tuple[tuple[dt.date | None, Decimal | None], ...]:
    """The most a measure can pay as issued and from each day an amendment changes a figure
    (the rules calc binds for that day), where it changes."""
    found: list[tuple[dt.date | None, Decimal | None]] = [(None, _most(engine.parts))]
    for day in calc.parameter_changes(engine.parameters):
        most = _most(engine.parts_on(day))
        if most != found[-1][1]:
            found.append((day, most))
    return tuple(found)


def _most(parts: tuple[Any, ...]) -> Decimal | None:
    bounds = [facts.most(p.rule) for p in parts]
    return None if None in bounds else sum((b for b in bounds if b is not None), Decimal(0))
