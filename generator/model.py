"""The typed model of a policy document, its measures and their award rules.

This is the one schema every reader shares: the pages render it, the bundle that ``calc`` reads is
dumped from it, and editors' YAML is validated against it (unknown keys are errors).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from .yaml_source import YamlFloat

_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")
_RATE = re.compile(r"^\d+(\.\d+)?%?$")
NAME = r"^[a-z][a-z0-9_]*$"


def _amount(value: Any) -> Decimal:
    """Money in YAML: whole yuan as an integer, or a quoted string with at most two decimals."""
    if isinstance(value, YamlFloat):
        raise ValueError(f"float_money:{value}")
    if isinstance(value, bool):
        raise ValueError(f"not_amount:{value}")
    if isinstance(value, int) and value >= 0:
        return Decimal(value)
    if isinstance(value, str) and _AMOUNT.match(value.strip()):
        return Decimal(value.strip())
    raise ValueError(f"not_amount:{value}")


def _rate(value: Any) -> Decimal:
    """A rate as ``10%`` or ``0.10``; kept exact (YAML floats arrive as their source text)."""
    plain = isinstance(value, (str, int)) and not isinstance(value, bool)
    text = str(value).strip() if plain else ""
    if not _RATE.match(text):
        raise ValueError(f"not_rate:{value}")
    try:
        rate = Decimal(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"not_rate:{value}") from None
    if rate > 1:
        raise ValueError(f"not_rate:{value}")
    return rate


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("empty_text")
    return value


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Rate = Annotated[Decimal, BeforeValidator(_rate)]
Text = Annotated[str, AfterValidator(_text)]
Name = Annotated[str, Field(pattern=NAME)]
Ref = Annotated[str, AfterValidator(_text)]


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


# ---------------------------------------------------------------- rule primitives


class Row(Strict):
    """One line of a tier table: a choice value and what it pays (or prices)."""

    value: Annotated[str, Field(strict=True)]
    amount: Amount


class Table(Strict):
    """Amounts looked up by a choice input; with ``highest`` the largest of several choices."""

    input: Name
    rows: list[Row] = Field(min_length=1)
    highest: bool = False


class Fixed(Strict):
    kind: Literal["fixed"]
    amount: Amount
    ref: Ref


class RateOf(Strict):
    kind: Literal["rate"]
    base: Name
    rate: Rate
    ref: Ref


class PerUnit(Strict):
    """``quantity`` × a unit price from a table. ``limit`` names an input that, when non-zero,
    bounds the units that count (only the minutes an earlier payment covered earn a top-up)."""

    kind: Literal["per_unit"]
    quantity: Name
    price: Table
    limit: Name | None = None
    ref: Ref


class Lookup(Strict):
    """Tier by level; with ``previous``, nothing when the level held before paid as much or more."""

    kind: Literal["lookup"]
    table: Table
    previous: Name | None = None
    ref: Ref


class Milestone(Strict):
    threshold: Amount
    amount: Amount


MilestoneMode = Literal["each", "highest", "differential"]


class Milestones(Strict):
    """Milestones first reached (previous best < threshold ≤ value). ``mode``: ``each`` pays
    every one of them; ``highest`` only the highest; ``differential`` the highest one's amount
    less that of the best milestone reached before. ``mode_input`` names a choice input whose
    values are modes: a reading the visitor may switch (its default is the primary reading)."""

    kind: Literal["milestones"]
    value: Name
    previous: Name
    rows: list[Milestone] = Field(min_length=1)
    inclusive: bool
    mode: MilestoneMode = "each"
    mode_input: Name | None = None
    received: Name | None = None
    ref: Ref


LessFrom = Literal["entitlement", "cap"]


class Cap(Strict):
    """The smaller of a computed amount and a cap; ``less`` names amounts already received in the
    cap's scope, and ``less_from`` says what they come off (analysis G-2): ``entitlement`` when the
    amount is computed on the scope's whole base, ``cap`` when it is computed on the new claim."""

    kind: Literal["cap"]
    of: RuleNode
    max: Amount | None = None
    max_by: Table | None = None
    less: list[Name] = []
    less_from: LessFrom | None = None
    scope: I18n
    ref: Ref


class Threshold(Strict):
    """Pays ``then`` only when an input exceeds (strict) or reaches (inclusive) a value."""

    kind: Literal["threshold"]
    input: Name
    value: Amount
    strict: bool
    then: RuleNode
    ref: Ref


class Require(Strict):
    """Pays ``then`` only when a yes/no condition holds."""

    kind: Literal["require"]
    input: Name
    equals: bool = True
    then: RuleNode
    ref: Ref


class Differential(Strict):
    """Pays the difference between an amount and what was already received for it (差额)."""

    kind: Literal["differential"]
    of: RuleNode
    less: Name
    ref: Ref


class Sum(Strict):
    kind: Literal["sum"]
    items: list[RuleNode] = Field(min_length=2)
    ref: Ref


class Ceiling(Strict):
    """No formula: only a ceiling that the responsible department sets case by case."""

    kind: Literal["ceiling"]
    amount: Amount
    ref: Ref


RuleNode = Annotated[
    Union[Fixed, RateOf, PerUnit, Lookup, Milestones, Cap, Threshold, Require, Differential, Sum,
          Ceiling],
    Field(discriminator="kind"),
]

for _model in (Cap, Threshold, Require, Differential, Sum):
    _model.model_rebuild()


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


class Reading(Strict):
    ref: Ref
    primary: I18n
    alternative: I18n | None = None


def _figure(value: Any) -> str:
    """A parameter's value: an amount in yuan, or a rate written with ``%``."""
    if isinstance(value, str) and value.strip().endswith("%"):
        _rate(value)
        return value.strip()
    return str(_amount(value))


Figure = Annotated[str, BeforeValidator(_figure)]


class ParameterChange(Strict):
    """A value that applies from a date on (an amendment), with the clause that made it."""

    start: dt.date = Field(alias="from")
    value: Figure
    ref: Ref


class Parameter(Strict):
    """A named figure of a measure and the clause it comes from (OpenFisca-style): rules name it,
    prose refers to it as ``{name}``, and the build checks the value against the clause."""

    value: Figure
    ref: Ref
    changes: list[ParameterChange] = []

    @property
    def is_rate(self) -> bool:
        return self.value.endswith("%")

    @property
    def number(self) -> Decimal:
        return _rate(self.value) if self.is_rate else Decimal(self.value)


class Measure(Strict):
    id: Annotated[str, Field(pattern=r"^\d+\.\d+$")]
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
    funding: Literal["shared", "city_only"]
    funding_ref: Ref
    parameters: dict[Name, Parameter] = {}
    parts: list[Part] = Field(min_length=1)
    inputs: list[Input] = []
    examples: list[Example] = []
    readings: list[Reading] = []
    glossary: list[str] = []
    notes: list[I18n] = []


# ---------------------------------------------------------------- document and glossary


class Funding(Strict):
    ref: Ref
    text: I18n
    city: int = Field(ge=1)
    county: int = Field(ge=0)


class Clause(Strict):
    ref: Ref
    text: I18n


class Chapter(Strict):
    id: str
    numeral: str
    title: I18n


class Limits(Strict):
    """Bounds on what a visitor may type, so absurd magnitudes are refused, not computed."""

    max_amount: Amount
    max_quantity: Amount
    expiry_warning_days: int = Field(ge=0)


class Document(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    number: Text
    title: I18n
    issuer: I18n
    issued: dt.date
    window: Window
    funding: Funding
    repeal: Clause
    preamble: I18n
    departments: dict[str, I18n]
    chapters: list[Chapter] = Field(min_length=1)
    limits: Limits
    default: bool = False


class Term(Strict):
    id: Name
    term: I18n
    definition: I18n
    source: Literal["attachment", "domain"]
    aliases: list[str] = []


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
    # measure id → (path in its parts, parameter name) for every figure a rule takes from a
    # parameter: the pages see values, the bundle puts the names back (generator.parameters)
    bindings: dict[str, list[tuple[tuple[str | int, ...], str]]] = {}

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)
