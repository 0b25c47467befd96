"""The typed model of a policy document, its measures and their award rules.

The document-level fields (prose, inputs, examples, parameters, glossary, profile) are declared
here; a part's rule tree is ``calc``'s own (``calc.rules``: one module per primitive, which
validates it), so one schema describes the rules the pages show and the bundle the engine reads.
Unknown keys are errors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from calc import Value, bind_parameters, rules
from calc.rules import Node

from .yaml_source import YamlFloat

NAME = r"^[a-z][a-z0-9_]*$"


def _amount(value: Any) -> Decimal:
    """Money in YAML: whole yuan as an integer, or a quoted string with at most two decimals
    (``calc``'s definition; a YAML float is refused, as its text would pass for a string)."""
    if isinstance(value, YamlFloat):
        raise ValueError(f"float_money:{value}")
    try:
        return rules.parse_amount(value)
    except ValueError:
        raise ValueError(f"not_amount:{value}") from None


def _rate(value: Any) -> Decimal:
    """A rate as ``10%`` or ``0.10`` (``calc``'s definition), kept exact."""
    try:
        return rules.parse_rate(value)
    except ValueError:
        raise ValueError(f"not_rate:{value}") from None


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("empty_text")
    return value


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Text = Annotated[str, AfterValidator(_text)]
Name = Annotated[str, Field(pattern=NAME)]
Ref = Annotated[str, AfterValidator(_text)]
DocumentId = Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
MeasureId = Annotated[str, Field(pattern=r"^\d+\.\d+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class I18n(Strict):
    """A user-visible text: both languages are required."""

    zh: Annotated[str, Field(strict=True), AfterValidator(_text)]
    en: Annotated[str, Field(strict=True), AfterValidator(_text)]


class Window(Strict):
    start: dt.date
    end: dt.date
    ref: Ref


# ---------------------------------------------------------------- rule trees


def _rule(value: Any, info: ValidationInfo) -> Node:
    """A rule tree, validated and built by ``calc`` (the one schema of the rule primitives); its
    problems travel in the error's context, so the loader reports each at its own line.

    Its figures name the measure's parameters (``{"param": name}``); the tree is built with the
    values the measure itself states, by calc's binder, each figure keeping its name (the pages
    show its timeline, the bundle writes the name again). The validation context holds them."""
    if isinstance(value, Node):
        return value
    values: dict[str, Value] = (info.context or {}).get("values", {})
    problems = rules.check(value, (), set(values))
    if problems:
        raise PydanticCustomError("rule_invalid", "the rule has {count} problem(s)",
                                  {"count": len(problems), "problems": problems})
    return Node.build(bind_parameters(value, values))


# A rule as calc builds it: the pages read its fields, the bundle writes ``Node.dump()``.
RuleNode = Annotated[Node, PlainValidator(_rule), PlainSerializer(lambda node: node.dump())]


# ---------------------------------------------------------------- measures


class Choice(Strict):
    value: Annotated[str, Field(strict=True, pattern=r"^[A-Za-z0-9_]+$")]
    label: I18n


class ProfileLink(Strict):
    """Where the self-check profile supplies this input: a field, or whether a list has a value."""

    field: Name
    contains: str | None = None


class Input(Strict):
    name: Name
    type: Literal["money", "number", "bool", "choice", "choices"]
    unit: Literal["yuan", "minute"] | None = None
    label: I18n
    help: I18n
    choices: list[Choice] = []
    default: str | int | bool | None = None
    max: Amount | None = None
    profile: ProfileLink | None = None
    # An amount per year ("本年度…", "上年度…"): the form says which calendar year that is, from
    # the estimate's date.
    period: Literal["year", "previous_year"] | None = None


class Part(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")]
    title: I18n
    bound: Literal["upper", "exact"]
    rule: RuleNode


ExampleValue = Union[bool, int, str]


class Expect(Strict):
    award: Amount
    city: Amount
    county: Amount


class Example(Strict):
    name: I18n
    on: dt.date | None = None
    inputs: dict[str, ExampleValue]
    expect: Expect


class AlternativeRule(Strict):
    """How an alternative reading changes the amount: the node at ``at`` (a dotted path below
    the part's rule; empty for the rule itself) replaced by ``node``, whose figures name the
    measure's parameters. ``calc.alternatives`` checks it and computes it."""

    part: str | None = None  # the part's id; may be left out when the measure has one part
    at: str = ""
    label: I18n | None = None  # needed when one reading has several alternative figures
    node: dict[str, Any]


class Alternative(I18n):
    rules: list[AlternativeRule] = []
    # who pays under this reading, when it splits the award another way (8.2: the city alone)
    funding: Literal["city_only"] | None = None


class Reading(Strict):
    ref: Ref
    primary: I18n
    alternative: Alternative | None = None


def _figure(value: Any) -> str:
    """A parameter's value: an amount in yuan, or a rate written with ``%``."""
    if isinstance(value, str) and value.strip().endswith("%"):
        _rate(value)
        return value.strip()
    return str(_amount(value))


Figure = Annotated[str, BeforeValidator(_figure)]


class Parameter(Strict):
    """A named figure of a measure and the clause it comes from (OpenFisca-style): rules name it,
    prose refers to it as ``{name}``, and the build checks the value against the clause. A later
    value comes from an amending document (``Document.amends``), never from an edit here."""

    value: Figure
    ref: Ref

    @property
    def is_rate(self) -> bool:
        return self.value.endswith("%")

    @property
    def number(self) -> Decimal:
        return _rate(self.value) if self.is_rate else Decimal(self.value)


class Supplement(Strict):
    """A measure that adds to a measure of another document (a county's matching measure), and
    how the two stack, as the text states it: ``cumulative`` (both are paid), ``exclusive``
    (this one only where the other pays nothing), ``highest`` (the higher of the two only) or
    ``combined_cap`` (both, together at most the parameter named by ``cap``). calc computes it."""

    document: DocumentId
    measure: MeasureId
    stacking: Literal["cumulative", "exclusive", "highest", "combined_cap"]
    cap: Name | None = None
    ref: Ref


class Measure(Strict):
    id: MeasureId
    chapter: str
    clause: I18n
    title: I18n
    text: I18n
    summary: I18n
    beneficiary: I18n
    eligibility: list[I18n] = Field(min_length=1)
    departments: list[str] = Field(min_length=1)
    selection: I18n | None = None
    validity: Window | None = None
    funding: Literal["shared", "city_only", "county_only"]
    funding_ref: Ref
    parameters: dict[Name, Parameter] = {}
    parts: list[Part] = Field(min_length=1)
    inputs: list[Input] = []
    examples: list[Example] = []
    readings: list[Reading] = []
    glossary: list[str] = []
    notes: list[I18n] = []
    supplements: Supplement | None = None
    # Words owners search with (zh or en): they weigh in the search ranking, never shown.
    aliases: list[str] = []


# ---------------------------------------------------------------- document and glossary


class Funding(Strict):
    ref: Ref
    text: I18n
    city: int = Field(ge=0)
    county: int = Field(ge=0)

    @model_validator(mode="after")
    def _someone_pays(self) -> Funding:
        if self.city + self.county < 1:
            raise ValueError("funding_nobody")
        return self


class Chapter(Strict):
    id: str
    numeral: str
    title: I18n


class Limits(Strict):
    """Bounds on what a visitor may type, so absurd magnitudes are refused, not computed."""

    max_amount: Amount
    max_quantity: Amount
    expiry_warning_days: int = Field(ge=0)


class Replacement(Strict):
    """A document this one replaces or repeals, with the clause that says so: one in
    ``policy_data/`` by its ``document`` id, or one that is not (named only by its ``number``
    and ``title``, as the clause names it: it has no pages here)."""

    document: DocumentId | None = None
    number: Text | None = None
    title: I18n | None = None
    ref: Ref
    text: I18n

    @model_validator(mode="after")
    def _named_once(self) -> Replacement:
        if (self.document is None) == (self.number is None or self.title is None):
            raise ValueError("replacement_named")
        return self


class Change(Strict):
    """One change an amending document makes to a measure of the document it amends: a new value
    of a named parameter, or a new end of the measure's window, in force from ``from``, with the
    amending clause verbatim (``text``) and the words of it that state the new figure (``ref``,
    ``ref_en``, quoted as a parameter's are; the build checks the figure against them)."""

    measure: MeasureId
    parameter: Name | None = None
    value: Figure | None = None
    end: dt.date | None = None
    start: dt.date = Field(alias="from")
    ref: Ref
    ref_en: Ref
    text: I18n

    @model_validator(mode="after")
    def _one_kind(self) -> Change:
        if (self.parameter is None) != (self.value is None) or \
                (self.parameter is None) == (self.end is None):
            raise ValueError("change_kind")
        return self


class Amendment(Strict):
    document: DocumentId
    changes: list[Change] = Field(min_length=1)


class Document(Strict):
    """A policy document. ``level`` and ``region`` say whose it is; ``replaces`` and ``amends``
    relate it to others by id. A document with measures also has the fields its pages and the
    calculator need (funding, departments, chapters, limits); an amending document may have
    none of them."""

    id: DocumentId
    number: Text
    title: I18n
    issuer: I18n
    level: Literal["province", "city", "county", "district"]
    region: I18n
    issued: dt.date
    window: Window
    replaces: list[Replacement] = []
    amends: Amendment | None = None
    funding: Funding | None = None
    preamble: I18n | None = None
    departments: dict[str, I18n] = {}
    chapters: list[Chapter] = []
    limits: Limits | None = None
    default: bool = False


class Term(Strict):
    id: Name
    term: I18n
    definition: I18n
    source: Literal["attachment", "domain"]
    aliases: list[str] = []
    # How awards work (上限, 一次性, 1:1 分摊…), shared by many measures: its words do not
    # point a search at the measures that list it, only at its glossary entry.
    general: bool = False


class Glossary(Strict):
    terms: list[Term]


class ProfileSection(Strict):
    """A group of self-check questions; with a ``gate``, shown once the gate is answered yes."""

    id: Name
    title: I18n
    help: I18n | None = None
    gate: Name | None = None
    fields: list[Name] = Field(min_length=1)


class ProfileSpec(Strict):
    """The enterprise self-check: which profile facts exist and how they are grouped.

    Most fields are defined by the measure inputs that link to them (``Input.profile``); fields
    no single input defines (enterprise type, section gates) are declared here.
    """

    sections: list[ProfileSection] = Field(min_length=1)
    fields: list[Input] = []


class Policy(BaseModel):
    """A document with its measures and glossary, validated and cross-checked."""

    model_config = ConfigDict(frozen=True)

    document: Document
    glossary: Glossary
    measures: list[Measure]
    profile: ProfileSpec | None = None

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)
