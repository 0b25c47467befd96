"""The enterprise self-check: one profile, every measure of every document in force on the
date, with reasons and totals.

The profile's fields map onto each measure's inputs through the data (``Input.profile``); there
is no code per measure here. A measure that supplements another document's measure (a county's
matching measure) is combined with it by the stacking rule its text states (``stacking``);
totals are given by level (city, county …) and by paying finance (city, county).
"""

from __future__ import annotations

import datetime as dt
import errno
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .catalog import Catalog
from .documents import LEVELS
from .engine import MeasureRules, estimate
from .errors import CalcError
from .fmt import Label, award_texts, money_texts
from .inputs import InputDef, Phrase, parse_date, parse_json, parse_value, read_bounded
from .messages import bilingual, render
from .stacking import stack

WINDOW_ERRORS = {"error.expired", "error.not_yet", "error.replaced"}


@dataclass(frozen=True)
class Spec:
    """The profile as the bundle declares it."""

    fields: dict[str, InputDef]
    section_of: dict[str, dict[str, Any]]
    sections: list[dict[str, Any]]

    @classmethod
    def of(cls, catalog: Catalog) -> Spec:
        data = catalog.documents[catalog.default].get("profile")
        if not data:
            raise CalcError("error.bad_profile", None, detail=Phrase("detail.no_profile"))
        section_of = {f: s for s in data["sections"] for f in s["fields"]}
        return cls({n: InputDef.from_bundle(d) for n, d in data["fields"].items()}, section_of,
                   data["sections"])


def _serialize(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def parse_profile(raw: Any, spec: Spec, limits: dict[str, Decimal]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise CalcError("error.bad_profile", None, detail=Phrase("detail.not_object"))
    parsed: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in spec.fields:
            raise CalcError("error.unknown_profile_field", name, name=name)
        if value is None or value == "":
            continue  # an unanswered question
        parsed[name] = parse_value(value, spec.fields[name], limits)
    return parsed


def _closed(spec: Spec, profile: dict[str, Any]) -> set[str]:
    """Sections whose gate is not answered yes: their questions do not apply."""
    return {s["id"] for s in spec.sections if s.get("gate") and profile.get(s["gate"]) is not True}


def _inputs_for(measure: MeasureRules,
                profile: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The measure's inputs taken from the profile, and which field each came from."""
    values: dict[str, Any] = {}
    source: dict[str, str] = {}
    for item in measure.data["inputs"]:
        link = item.get("profile")
        if not link or link["field"] not in profile:
            if link:
                source[item["name"]] = link["field"]
            continue
        value = profile[link["field"]]
        values[item["name"]] = link["contains"] in value if link.get("contains") else value
        source[item["name"]] = link["field"]
    return values, source


def _row(measure: MeasureRules, document: dict[str, Any], key: str) -> dict[str, Any]:
    return {
        "measure": measure.id,
        "key": key,  # the measure's id in the root document, "<document>/<id>" in another
        "document": {"id": document["id"], "number": document.get("number", document["id"]),
                     "title": document.get("title") or {"zh": document["id"],
                                                         "en": document["id"]}},
        "level": document.get("level") or "city",
        "title": measure.data["title"],
        "end": measure.end.isoformat(),
        "departments": [document["departments"][d] for d in measure.data["departments"]],
        "upper_bound": any(p.upper for p in measure.parts),
        "formula": True,
        "award": None, "city": None, "county": None,
        "entitled": None, "up_to": None,  # the award's standard and ceiling shares, by part
        "why": None,
        "warnings": [],
        "hints": [],  # what would qualify or reach the next tier
        "alternatives": [],  # the award under an alternative reading, where it differs
        "inputs": {},
        "answered": False,
    }


def _ask(spec: Spec, measure: MeasureRules, error: CalcError) -> dict[str, str]:
    """What to answer, as the self-check's form asks it (a measure's own input label may be a
    question the form never shows, e.g. a choice of the enterprise type)."""
    link = next((i.get("profile") for i in measure.data["inputs"] if i["name"] == error.field),
                None)
    question = spec.fields.get(link["field"]) if link else None
    if question is None:
        return {"zh": error.zh, "en": error.en}
    if link and link.get("contains") in question.choices:
        return bilingual("why.answer_choice", question=question.label,
                         choice=question.choices[link["contains"]])
    return bilingual("why.answer", question=question.label)


def _assess_one(measure: MeasureRules, spec: Spec, profile: dict[str, Any], closed: set[str],
                on: dt.date, document: dict[str, Any], key: str,
                read: set[str] | None = None) -> dict[str, Any]:
    """The measure's row; given ``read``, the names of the inputs its answer depends on are
    added to it (``calc.engine.estimate``)."""
    row = _row(measure, document, key)
    values, source = _inputs_for(measure, profile)
    row["inputs"] = {k: _serialize(v) for k, v in values.items()}
    # Whether the profile answers any of this measure's own questions (a default is no answer):
    # the page asks for more only about measures the person has started on.
    row["answered"] = any(i["name"] in values and i.get("default") is None
                          for i in measure.data["inputs"])
    sections = {spec.section_of[f]["id"] for f in source.values() if f in spec.section_of}
    gated = sections - {s["id"] for s in spec.sections if not s.get("gate")}
    if gated and gated <= closed:  # every question of this measure sits in a closed section
        title = Label.of(next(s for s in spec.sections if s["id"] in gated)["title"])
        return {**row, "status": "not_qualified",
                "why": bilingual("why.section_closed", section=title)}
    try:
        result = estimate(measure, values, on, lenient=True, read=read)
    except CalcError as error:
        if error.code in WINDOW_ERRORS:
            return {**row, "status": "not_qualified", "why": {"zh": error.zh, "en": error.en}}
        if error.code != "error.missing":
            raise
        section = spec.section_of.get(source.get(error.field or "", ""), {})
        if section.get("id") in closed:
            title = Label.of(section["title"])
            return {**row, "status": "not_qualified",
                    "why": bilingual("why.section_closed", section=title)}
        return {**row, "status": "needs_info", "why": _ask(spec, measure, error)}
    row.update(award=str(result.award), city=str(result.city), county=str(result.county),
               entitled=str(result.entitled), up_to=str(result.up_to),
               upper_bound=result.upper_bound, formula=result.formula,
               warnings=list(result.warnings), hints=list(result.hints),
               alternatives=[a for a in result.alternatives if a["differs"]])
    if result.eligible:
        partial = result.missing[0] if result.missing else None
        return {**row, "status": "may_qualify", "why": partial}
    if result.missing:
        return {**row, "status": "needs_info", "why": result.missing[0]}
    why = result.reasons[0] if result.reasons else bilingual("why.zero")
    return {**row, "status": "not_qualified", "why": {"zh": why["zh"], "en": why["en"]}}


def _linked(measure: MeasureRules) -> dict[str, str]:
    """Each input of the measure that the profile answers, with the profile field it is."""
    return {i["name"]: i["profile"]["field"] for i in measure.data["inputs"] if i.get("profile")}


@dataclass(frozen=True)
class _Check:
    """One self-check: the measures, the profile and the sections it leaves closed."""

    catalog: Catalog
    spec: Spec
    measures: list[MeasureRules]
    profile: dict[str, Any]
    closed: set[str]
    day: dt.date
    # Under the check's own answers, by measure key: the row's status as computed (before
    # stacking) and the profile fields it depends on.
    answered: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)

    def row(self, measure: MeasureRules, asks: set[str], profile: dict[str, Any] | None = None,
            closed: set[str] | None = None) -> dict[str, Any]:
        """The measure's row; the profile fields its answer depends on are added to ``asks``."""
        read: set[str] = set()
        key = self.catalog.key(measure)
        row = _assess_one(measure, self.spec, self.profile if profile is None else profile,
                          self.closed if closed is None else closed, self.day,
                          self.catalog.documents[measure.document]["document"], key, read)
        linked = _linked(measure)
        depends = {linked[name] for name in read if name in linked}
        if profile is None and closed is None:
            self.answered[key] = (row["status"], frozenset(depends))
        asks |= depends
        return row

    def opened(self, section: dict[str, Any]) -> tuple[bool, set[str]]:
        """A gated section as if its gate were answered yes: whether that can change the answer
        (a measure with questions there then counts, or depends on them), and the questions
        there it would then depend on."""
        fields = set(section["fields"])
        profile = {**self.profile, section["gate"]: True}
        # Answered yes already: the check's own rows are those of the section opened.
        open_ = section["id"] not in self.closed
        matters, asks = False, set()
        for measure in self.measures:
            if fields & set(_linked(measure).values()):
                found: set[str] = set()
                if open_:
                    status, depends = self.answered[self.catalog.key(measure)]
                    found |= depends
                else:
                    status = self.row(measure, found, profile,
                                      self.closed - {section["id"]})["status"]
                matters = matters or status != "not_qualified" or bool(found & fields)
                asks |= found & fields
        return matters, asks

    def asks(self, depends: set[str]) -> list[str]:
        """The questions whose answer can change the check, by name: those the answers
        ``depends`` on, the gates that matter and, in a closed section, those it would ask
        once its gate is answered yes (so the page shows them at once)."""
        found = set(depends)
        for section in self.spec.sections:
            if section.get("gate"):
                matters, asks = self.opened(section)
                found |= asks | ({section["gate"]} if matters else set())
        return sorted(found)


def _totals(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Sums over the measures that may qualify and have a formula, each award counted by its
    parts: its standard share among the entitlements, its ceiling share among the bounds."""
    counted = [r for r in rows if r["status"] == "may_qualify" and r["formula"]]

    def total(key: str) -> str:
        return str(sum((Decimal(r[key]) for r in counted), Decimal("0.00")))

    return {"entitlements": total("entitled"), "upper_bounds": total("up_to"),
            "city": total("city"), "county": total("county")}


def _documents(catalog: Catalog, day: dt.date) -> list[str]:
    """The documents whose measures are checked: those in force on ``day`` (with measures),
    levels in order (province, city, county, district); when none is, the root document, so
    each of its measures says why it does not apply on that day."""
    found = [d for d in catalog.in_force(day) if catalog.ids(d)] or [catalog.default]
    order = {level: i for i, level in enumerate(LEVELS)}
    return sorted(found, key=lambda d: order.get(catalog.docs[d].level, len(order)))


def assess_with(catalog: Catalog, raw: Any, on: dt.date | str | None = None) -> dict[str, Any]:
    spec = Spec.of(catalog)
    day = parse_date(on)
    measures = [catalog.get(f"{d}/{i}") for d in _documents(catalog, day) for i in catalog.ids(d)]
    profile = parse_profile(raw, spec, measures[0].limits)
    check = _Check(catalog, spec, measures, profile, _closed(spec, profile), day)
    depends: set[str] = set()
    rows = [check.row(m, depends) for m in measures]
    stack(catalog, rows, day)
    ceilings = [r for r in rows if r["status"] == "may_qualify" and not r["formula"]]
    totals = _totals(rows)
    levels = list(dict.fromkeys(r["level"] for r in rows))
    by_level = {level: _totals([r for r in rows if r["level"] == level]) for level in levels}
    # The amounts written out in each language (calc/fmt.py): the page shows these.
    shown = {"rows": {r["key"]: {**{k: money_texts(r[k]) for k in ("award", "city", "county")},
                                 "headline": award_texts(r["entitled"], r["up_to"])}
                      for r in rows if r["award"] is not None},
             "totals": {k: money_texts(v) for k, v in totals.items()},
             "by_level": {level: {k: money_texts(v) for k, v in found.items()}
                          for level, found in by_level.items()}}
    return {"on": day.isoformat(), "rows": rows, "totals": totals, "by_level": by_level,
            "shown": shown, "documents": _listed(rows), "asks": check.asks(depends),
            "ceilings": [{"measure": r["key"], "award": r["award"]} for r in ceilings]}


def _listed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each document the rows come from, once, with its level."""
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        found.setdefault(row["document"]["id"], {**row["document"], "level": row["level"]})
    return list(found.values())


def load_profile(path: str) -> Any:
    """The profile JSON from a file or stdin (``-``); duplicate keys, endless numbers and deep
    nesting are refused by :func:`calc.inputs.parse_json`."""
    try:
        text = read_bounded(path)
    except (OSError, UnicodeDecodeError) as error:
        reason = type(error).__name__ if isinstance(error, UnicodeDecodeError) else \
            errno.errorcode.get(error.errno or 0, type(error).__name__)
        raise CalcError("error.read_profile", None, path=path, reason=reason) from None
    try:
        return parse_json(text)
    except CalcError as error:  # "invalid enterprise profile: not valid JSON (line 2, …)"
        raise CalcError("error.bad_profile", error.field, detail=_Said(error)) from None


@dataclass(frozen=True)
class _Said:
    """An error's own sentence, used as the detail of another."""

    error: CalcError

    def local(self, lang: str) -> str:
        return self.error.zh if lang == "zh" else self.error.en


def print_assessment(report: dict[str, Any], langs: tuple[str, ...]) -> None:
    for lang in langs:
        for row in report["rows"]:
            status = render(f"status.{row['status']}", lang)
            amount = ""
            if row["status"] == "may_qualify":
                amount = report["shown"]["rows"][row["measure"]]["headline"][lang]
            why = f" — {row['why'][lang]}" if row["why"] else ""
            print(f"{row['measure']:>4}  {status}  {amount}{why}")
        for key in report["totals"]:
            print(f"{render(f'total.{key}', lang)}: {report['shown']['totals'][key][lang]}")
