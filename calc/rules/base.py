"""What every rule primitive shares: the evaluation context, the field declarations that drive
validation, parsing and the bundle dump, and the registry of kinds.

A primitive is one module under ``calc/rules/``: a :class:`Node` subclass that declares its
``kind``, its ``fields``, the inputs it reads, its children, its upper bound, its evaluation and
the explanation keys it writes. Importing the module registers it; nothing else needs to know.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, NamedTuple

from ..errors import CalcError
from ..fmt import Label, article, plain
from ..inputs import InputDef, parse_value
from ..messages import MESSAGES, bilingual, text

ZERO = Decimal(0)
STEP = Decimal("0.01")  # the smallest change of an amount: one fen (or a hundredth of a unit)
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")
_RATE = re.compile(r"^\d+(\.\d+)?%?$")
MONEY, NUMERIC, CHOICE, CHOICES, BOOL = ({"money"}, {"money", "number"}, {"choice"},
                                         {"choices"}, {"bool"})

Path = tuple[str | int, ...]


class Problem(NamedTuple):
    """A structural mistake in a rule tree: where (a path of keys and indexes) and what, in zh
    and en. ``key`` says the path ends at a key that should not be there (not at a value)."""

    path: Path
    zh: str
    en: str
    key: bool = False

    @classmethod
    def of(cls, path: Path, code: str, key: bool = False, /, **values: object) -> Problem:
        """A problem worded by the string table (calc/strings.py)."""
        return cls(path, *text(code, **values), key)


def dotted(path: Path) -> str:
    """A path as editors read it: ``parts[0].rule.max``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}" if text else str(step)
    return text


@dataclass(frozen=True)
class InputInfo:
    """What the checks need to know of an input a rule reads."""

    type: str
    choices: tuple[str, ...] = ()
    default: object = None


# ---------------------------------------------------------------- evaluation


@dataclass
class Context:
    """One evaluation: the inputs, and the explanation being written."""

    inputs: dict[str, InputDef]
    values: dict[str, Any]
    limits: dict[str, Decimal]
    steps: list[dict[str, str]] = field(default_factory=list)
    reasons: list[dict[str, str]] = field(default_factory=list)
    formula: bool = True
    english: dict[str, str] = field(default_factory=dict)  # a rule's ref → its ref_en

    def english_ref(self, ref: str) -> str:
        """The clause reference in English: the rule's own ``ref_en``, else the clause label
        in English ("Art. 9(2)") with whatever followed it, else the reference as written."""
        if ref in self.english:
            return self.english[ref]
        found = article(ref)
        return ref if found is None else " ".join(t for t in found if t)

    def given(self, name: str) -> Any:
        """The value of an input the visitor gave (or that has a default), else None: for a
        figure that may be derived when it is not known (never taken as 0)."""
        if name not in self.values and self.inputs[name].default is None:
            return None
        return self.get(name)

    def get(self, name: str) -> Any:
        if name not in self.values:
            item = self.inputs[name]
            if item.default is None:
                raise CalcError("error.missing", name, label=item.label)
            self.values[name] = parse_value(item.default, item, self.limits)
        return self.values[name]

    def note(self, code: str, ref: str, figures: tuple[str, ...] = (),
             **values: object) -> dict[str, Any]:
        """One sentence of the explanation: its words, the clause it cites and, in ``figures``,
        the policy figures it applies as the law writes them (``200000``, ``30%``), so a test
        can check that the cited clause states each one."""
        return {**bilingual(code, **values), "ref": ref, "ref_en": self.english_ref(ref),
                "code": code, "figures": list(figures)}

    def step(self, code: str, ref: str, figures: tuple[str, ...] = (),
             **values: object) -> None:
        self.steps.append(self.note(code, ref, figures, **values))

    def why(self, code: str, ref: str, figures: tuple[str, ...] = (),
            **values: object) -> Decimal:
        self.reasons.append(self.note(code, ref, figures, **values))
        return ZERO

    def answer(self, flag: bool) -> dict[str, str]:
        return bilingual("answer.yes" if flag else "answer.no")


# ---------------------------------------------------------------- figures


class Named(Decimal):
    """A figure taken from a named parameter (``calc.parameters.bind``): a Decimal that keeps
    the parameter's name, so the pages can show the figure's timeline and a dump of the rule
    names the parameter again (``{"param": name}``). Arithmetic on it gives plain Decimals."""

    param: str

    def __new__(cls, value: str, param: str) -> Named:
        made = super().__new__(cls, value)
        made.param = param
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.param))

    def __copy__(self) -> Named:
        return self

    def __deepcopy__(self, memo: Any) -> Named:
        return self


def figure(value: Decimal, rate: bool = False) -> str:
    """A policy figure as the law writes it: an amount in yuan (``200000``), a rate in per cent
    (``30%``)."""
    return f"{plain(value * 100)}%" if rate else plain(value)


def parse_amount(value: Any) -> Decimal:
    """Money: whole yuan as an integer, or a string with at most two decimals."""
    if isinstance(value, Named):
        return value
    if isinstance(value, float):
        raise ValueError("float")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return Decimal(value)
    if isinstance(value, str) and _AMOUNT.match(value.strip()):
        return Decimal(value.strip())
    raise ValueError("amount")


def parse_rate(value: Any) -> Decimal:
    """A rate as ``10%`` or ``0.10`` (at most 1), kept exact."""
    if isinstance(value, Named):
        return value
    plain = isinstance(value, (str, int)) and not isinstance(value, bool)
    text = str(value).strip() if plain else ""
    if not _RATE.match(text):
        raise ValueError("rate")
    try:
        found = Decimal(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError("rate") from None
    if found > 1:
        raise ValueError("rate")
    return found


# ---------------------------------------------------------------- declared fields


@dataclass(frozen=True)
class Field:
    """One field of a rule node or structure.

    ``form``: ``amount``/``rate`` (a figure: a named parameter in the data), ``name`` (an input),
    ``names`` (a list of inputs), ``node``/``nodes`` (children), ``bool``, ``text`` (a clause
    reference), ``i18n`` (``{zh, en}``), ``option`` (one of ``options``), ``shape`` (a nested
    :class:`Shape`) or ``rows`` (a list of ``shape``). ``condition``: a figure a condition
    tests (a threshold), not one that states an amount."""

    form: str
    required: bool = True
    default: Any = None
    options: tuple[str, ...] = ()
    shape: type[Shape] | None = None
    min_items: int = 0
    condition: bool = False

    @property
    def figure(self) -> bool:
        return self.form in ("amount", "rate")


def _say_type(f: Field) -> Label:
    form = f.form if f.form in ("amount", "rate", "name", "bool", "text", "i18n",
                                "option") else "other"
    return Label(*text(f"rules.type.{form}", options="/".join(f.options)))


class Shape:
    """A mapping with declared fields (a node, a tier table, one of its rows)."""

    fields: ClassVar[dict[str, Field]] = {}
    tags: ClassVar[tuple[str, ...]] = ()  # keys that say what the mapping is (a node's kind)
    ref: str = ""
    ref_en: str | None = None

    def __init__(self, data: Mapping[str, Any]) -> None:
        for name, f in self.fields.items():
            setattr(self, name, _parse(f, data.get(name, f.default)))

    @classmethod
    def check(cls, data: Any, path: Path, params: Collection[str] | None) -> list[Problem]:
        """Every structural problem of ``data`` as this shape (unknown keys, missing fields,
        wrong types, bad figures), then the shape's own constraints."""
        if not isinstance(data, Mapping):
            return [Problem.of(path, "rules.not_mapping")]
        found = [Problem.of(path + (key,), "rules.unknown_field", True)
                 for key in data if key not in cls.fields and key not in cls.tags]
        for name, f in cls.fields.items():
            if data.get(name) is None or (data.get(name) == [] and not f.required):
                if f.required:
                    found.append(Problem.of(path + (name,), "rules.missing_field"))
                continue
            found += _check_field(f, data[name], path + (name,), params)
        return found or cls.constraints(data, path)

    @classmethod
    def constraints(cls, data: Mapping[str, Any], path: Path) -> list[Problem]:
        """Rules across fields (exactly one of two, one field requiring another)."""
        return []

    def dump(self) -> dict[str, Any]:
        """JSON-ready, every field written (defaults too), figures as decimal strings; an
        optional list that must not be empty when given is null when not given."""
        return {name: None if f.min_items and not f.required and not getattr(self, name)
                else _dump(getattr(self, name)) for name, f in self.fields.items()}

    def amount_figures(self) -> list[str]:
        """The figures of an amount this mapping holds itself (with its tables and rows, not
        its child nodes), as the law writes them; a condition's figure is not one."""
        found: list[str] = []
        for name, f in self.fields.items():
            value = getattr(self, name, None)
            if value is None or f.condition:
                continue
            if f.figure:
                found.append(figure(value, f.form == "rate"))
            elif f.form == "shape":
                found += value.amount_figures()
            elif f.form == "rows":
                found += [x for row in value for x in row.amount_figures()]
        return found


def _dump(value: Any) -> Any:
    if isinstance(value, Shape):
        return value.dump()
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    if isinstance(value, Named):
        return {"param": value.param}
    if isinstance(value, Decimal):
        return str(value)
    return value


def _parse(f: Field, value: Any) -> Any:
    if value is None:
        return [] if f.form in ("names", "nodes", "rows") else None
    if f.form == "amount":
        return parse_amount(value)
    if f.form == "rate":
        return parse_rate(value)
    if f.form == "node":
        return Node.build(value)
    if f.form == "nodes":
        return [Node.build(v) for v in value]
    if f.form == "shape" and f.shape is not None:
        return f.shape(value)
    if f.form == "rows" and f.shape is not None:
        return [f.shape(v) for v in value]
    if f.form == "names":
        return list(value)
    return value


def _check_field(f: Field, value: Any, path: Path,
                 params: Collection[str] | None) -> list[Problem]:
    expected = _say_type(f)
    if f.figure and params is not None and isinstance(value, Mapping) and set(value) == {"param"}:
        return ([] if value["param"] in params else
                [Problem.of(path, "rules.undefined_parameter", name=repr(value["param"]))])
    if f.figure:
        try:
            (parse_amount if f.form == "amount" else parse_rate)(value)
            return []
        except ValueError as error:
            if str(error) == "float":
                return [Problem.of(path, "rules.float_money", value=value)]
            return [Problem.of(path, "rules.expected_got", expected=expected, value=repr(value))]
    if f.form in ("node", "shape"):
        shape = Node if f.form == "node" else f.shape
        assert shape is not None
        return shape.check(value, path, params)
    if f.form in ("nodes", "rows", "names"):
        if not isinstance(value, list):
            return [Problem.of(path, "rules.not_list")]
        if len(value) < f.min_items:
            return [Problem.of(path, "rules.too_few", count=f.min_items)]
        item = Field({"nodes": "node", "rows": "shape", "names": "name"}[f.form], shape=f.shape)
        return [p for i, v in enumerate(value) for p in _check_field(item, v, path + (i,), params)]
    ok = {"name": lambda v: isinstance(v, str) and bool(NAME.match(v)),
          "bool": lambda v: isinstance(v, bool),
          "text": lambda v: isinstance(v, str) and bool(v.strip()),
          "option": lambda v: v in f.options,
          "i18n": lambda v: isinstance(v, Mapping) and set(v) == {"zh", "en"} and all(
              isinstance(t, str) and t.strip() for t in v.values())}.get(f.form)
    if ok is None or ok(value):
        return []
    return [Problem.of(path, "rules.invalid_value", value=repr(value), expected=expected)]


# ---------------------------------------------------------------- rule nodes and their registry


@dataclass(frozen=True)
class Read:
    """An input a node reads: the field (a path below the node), the name and allowed types."""

    at: Path
    name: str
    types: frozenset[str]


class Node(Shape):
    """A rule primitive; subclasses register themselves under their YAML ``kind``."""

    kinds: ClassVar[dict[str, type[Node]]] = {}
    kind: ClassVar[str]
    tags = ("kind",)
    # the explanation keys this kind writes (steps, reasons), in calc.messages or ``strings``
    messages: ClassVar[tuple[str, ...]] = ()
    strings: ClassVar[dict[str, dict[str, str]]] = {}  # a kind's own explanation wording
    # position of the kind in the pages' award-type column (None: says nothing of the type)
    column: ClassVar[int | None] = None
    # What the measure page says of a node of this kind ("how it is paid"): a Jinja snippet
    # with ``n`` (the node) and ``view`` (the measure's page view), words from the string table
    # by ``say``/``ui``; ``rows`` and ``value_of`` are the shared macros of _rules.html. A kind
    # without one fails the build (generator/site/render.py).
    page: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.fields = {**cls.fields, "ref": Field("text"),
                      "ref_en": Field("text", required=False)}
        Node.kinds[cls.kind] = cls
        for code, texts in cls.strings.items():
            if MESSAGES.setdefault(code, texts) != texts:
                raise ValueError(f"kind {cls.kind!r} redefines the message {code!r}")

    @staticmethod
    def build(data: Mapping[str, Any]) -> Node:
        return Node.kinds[data["kind"]](data)

    @classmethod
    def check(cls, data: Any, path: Path, params: Collection[str] | None = None) -> list[Problem]:
        if cls is not Node:
            return super().check(data, path, params)
        if not isinstance(data, Mapping):
            return [Problem.of(path, "rules.rule_not_mapping")]
        if "kind" not in data:
            return [Problem.of(path, "rules.no_kind")]
        kind = Node.kinds.get(str(data["kind"]))
        if kind is None:
            known = "/".join(sorted(Node.kinds))
            return [Problem.of(path, "rules.unknown_kind", kind=repr(data["kind"]), known=known)]
        return kind.check(data, path, params)

    def dump(self) -> dict[str, Any]:
        return {"kind": self.kind, **super().dump()}

    # ---- what the build asks of a kind

    def children(self) -> Iterator[tuple[Path, Node]]:
        """Each child node and its path below this one."""
        for name, f in self.fields.items():
            if f.form == "node" and getattr(self, name) is not None:
                yield (name,), getattr(self, name)
            elif f.form == "nodes":
                for i, child in enumerate(getattr(self, name)):
                    yield (name, i), child

    def reads(self) -> Iterator[Read]:
        """The inputs this node itself reads (not its children's)."""
        return iter(())

    def check_inputs(self, inputs: Mapping[str, InputInfo]) -> list[Problem]:
        """Each input read exists and has an allowed type (paths below this node)."""
        found: list[Problem] = []
        for read in self.reads():
            allowed = "/".join(sorted(read.types))
            if read.name not in inputs:
                found.append(Problem.of(read.at, "rules.undefined_input", name=repr(read.name)))
            elif inputs[read.name].type not in read.types:
                found.append(Problem.of(read.at, "rules.input_type", name=repr(read.name),
                                        allowed=allowed))
        return found

    def grows(self) -> Iterator[str]:
        """Inputs the amount grows with (bases, quantities), for the property tests."""
        return iter(())

    def most(self) -> Decimal | None:
        """The most this node can ever pay, or None when nothing bounds it."""
        return None

    def nearest(self, ctx: Context) -> Iterator[tuple[str, Any]]:
        """What would qualify or reach the next tier: (input, the smallest value of it that
        would), from the values now in ``ctx``. The engine keeps those that raise the award."""
        return iter(())

    def evaluate(self, ctx: Context) -> Decimal:
        raise NotImplementedError

    def amount_node(self) -> Node:
        """The node whose clause states this tree's amount: going down through the nodes that
        only gate or adjust one child (conditions, differences) to the first that holds a
        figure of an amount; a node with several children (a sum) states their total."""
        if self.amount_figures():
            return self
        children = [child for _, child in self.children()]
        return children[0].amount_node() if len(children) == 1 else self


def walk(node: Node, path: Path = ()) -> Iterator[tuple[Path, Node]]:
    """A node and every node below it, with their paths."""
    yield path, node
    for at, child in node.children():
        yield from walk(child, path + at)


def figures(node: Mapping[str, Any], path: Path = ()) -> Iterator[tuple[Path, str]]:
    """(path of the holder, field) for every figure field written in a raw rule tree."""
    kind = Node.kinds.get(str(node.get("kind")))
    if kind is not None:
        yield from _figures(kind, node, path)


def _figures(shape: type[Shape], data: Mapping[str, Any], path: Path) -> Iterator[tuple[Path, str]]:
    for name, f in shape.fields.items():
        value = data.get(name)
        if value is None:
            continue
        if f.figure:
            yield path, name
        elif f.form == "node" and isinstance(value, Mapping):
            yield from figures(value, path + (name,))
        elif f.form in ("nodes", "rows") and isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    if f.form == "nodes":
                        yield from figures(item, path + (name, i))
                    elif f.shape is not None:
                        yield from _figures(f.shape, item, path + (name, i))
        elif f.form == "shape" and f.shape is not None and isinstance(value, Mapping):
            yield from _figures(f.shape, value, path + (name,))
