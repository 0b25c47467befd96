"""What the templates show about a measure beyond its YAML: dates in force, deadline status, the
most it can pay, award types, and the worked examples as ``calc`` computed them at build time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from markupsafe import Markup, escape

import calc
from calc import Listing, Localized, article, bilingual, parse_value, rules
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
class MeasureView:
    measure: Measure
    path: str  # site path without the language prefix, e.g. "measures/3.1/"
    start: dt.date
    end: dt.date
    window_ref: str
    ends_early: bool
    status: str | None  # "expired", "ends_soon", "ends_early" or None
    most: Decimal | None
    part_most: tuple[tuple[I18n, Decimal | None], ...]  # per part, shown when there are several
    kinds: tuple[str, ...]
    departments: tuple[I18n, ...]
    terms: tuple[Term, ...]
    examples: tuple[ExampleView, ...]

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


def status(end: dt.date, policy_end: dt.date, today: dt.date, warn_days: int) -> str | None:
    """Why a measure's deadline deserves attention on the pages, if it does."""
    if end < today:
        return "expired"
    if (end - today).days <= warn_days:
        return "ends_soon"
    if end < policy_end:
        return "ends_early"
    return None


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


def measure_view(policy: Policy, measure: Measure, catalog: calc.Catalog,
                 today: dt.date) -> MeasureView:
    doc = policy.document
    # The window the engine checks (document ∩ measure): the page shows exactly that.
    engine = catalog.get(f"{doc.id}/{measure.id}")
    terms = {t.id: t for t in policy.glossary.terms}
    return MeasureView(
        measure=measure,
        path=f"measures/{measure.id}/",
        start=engine.start,
        end=engine.end,
        window_ref=engine.window_ref,
        ends_early=engine.end < doc.window.end,
        status=status(engine.end, doc.window.end, today, doc.limits.expiry_warning_days),
        most=facts.measure_most(measure),
        part_most=tuple((p.title, facts.most(p.rule)) for p in measure.parts),
        kinds=kinds(measure),
        departments=tuple(doc.departments[d] for d in measure.departments),
        terms=tuple(terms[t] for t in measure.glossary),
        examples=examples(policy, measure, catalog),
    )
