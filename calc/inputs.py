"""Turn what a visitor typed into exact values, or a clear bilingual refusal.

Amounts accept plain yuan, thousands separators, full-width digits and 万/亿 (``3亿5000万``); they
refuse NaN, Infinity, exponents, signs, ``。`` and anything beyond the data's declared maximum.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import CalcError
from .fmt import FEN, Label, Money, Quantity

MAX_CHARS = 64
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_AMOUNT = re.compile(rf"^(?:(?P<yi>{_NUMBER})亿)?(?:(?P<wan>{_NUMBER})万)?(?P<one>{_NUMBER})?$")
_SCALE = {"yi": Decimal(10) ** 8, "wan": Decimal(10) ** 4, "one": Decimal(1)}
_UNIT_WORDS = ("元", "yuan", "rmb", "cny", "¥")
_TRUE = {"true", "yes", "y", "1", "是", "on"}
_FALSE = {"false", "no", "n", "0", "否", "off"}


@dataclass(frozen=True)
class InputDef:
    """One calculator input as the rules bundle declares it."""

    name: str
    type: str
    label: Label
    unit: str | None
    choices: dict[str, Label]
    default: Any
    max: Decimal | None

    @classmethod
    def from_bundle(cls, data: dict[str, Any]) -> InputDef:
        return cls(
            name=data["name"],
            type=data["type"],
            label=Label.of(data["label"]),
            unit=data.get("unit"),
            choices={c["value"]: Label.of(c["label"]) for c in data.get("choices", [])},
            default=data.get("default"),
            max=Decimal(data["max"]) if data.get("max") is not None else None,
        )

    def shown(self, value: Any) -> object:
        """The value as a message shows it."""
        if self.type == "money":
            return Money(value)
        if self.type == "number":
            return Quantity(value, self.unit)
        return value


def _normalize(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw)  # full-width digits and commas become ASCII
    # Spaces may stand beside units ("12 万 元") but never between digits ("1 2" is not 12).
    text = re.sub(r"(?<=\D)\s+|\s+(?=\D)", "", text.strip())
    lowered = text.lower()
    for word in _UNIT_WORDS:
        if lowered.endswith(word):
            text = text[: -len(word)]
            lowered = lowered[: -len(word)]
        if lowered.startswith(word):
            text = text[len(word):]
            lowered = lowered[len(word):]
    return text


def parse_number(raw: Any, item: InputDef, largest: Decimal, *, fen: bool) -> Decimal:
    """An amount (``fen``: at most two decimals) or a quantity such as minutes."""
    label = item.label
    if isinstance(raw, bool):
        raise CalcError("error.not_number", item.name, label=label, raw=raw)
    if isinstance(raw, float):
        raise CalcError("error.float", item.name, label=label, raw=repr(raw))
    if isinstance(raw, int):
        raw = str(raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise CalcError("error.not_number", item.name, label=label, raw=raw)
        if raw.adjusted() > MAX_CHARS // 2:  # never expand 1E+999999999 into digits
            raise CalcError("error.too_long", item.name, label=label, length=len(str(raw)))
        raw = format(raw, "f")
    if not isinstance(raw, str):
        raise CalcError("error.not_number", item.name, label=label, raw=repr(raw))
    if len(raw) > MAX_CHARS:
        raise CalcError("error.too_long", item.name, label=label, length=len(raw))
    text = _normalize(raw)
    if not text:
        raise CalcError("error.empty", item.name, label=label)
    if text[0] in "-−‐–" or text.startswith("负"):
        raise CalcError("error.negative", item.name, label=label, raw=raw)
    if "。" in text:
        raise CalcError("error.ideographic_point", item.name, label=label, raw=raw)
    match = _AMOUNT.match(text.lstrip("+"))
    if not match or not any(match.groupdict().values()):
        raise CalcError("error.not_number", item.name, label=label, raw=raw)
    value = sum((Decimal(part.replace(",", "")) * _SCALE[key]
                 for key, part in match.groupdict().items() if part), Decimal(0))
    limit = item.max if item.max is not None else largest
    if value > limit:
        shown = Money(limit) if fen else Quantity(limit, item.unit)
        raise CalcError("error.too_large", item.name, label=label, max=shown, raw=raw)
    if fen and value != value.quantize(FEN):
        raise CalcError("error.too_many_decimals", item.name, label=label, raw=raw)
    return value


def parse_bool(raw: Any, item: InputDef) -> bool:
    if isinstance(raw, bool):
        return raw
    text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CalcError("error.not_bool", item.name, label=item.label, raw=raw)


def parse_choice(raw: Any, item: InputDef) -> str:
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if text not in item.choices:
        raise CalcError("error.not_choice", item.name, label=item.label, raw=raw,
                        known=", ".join(item.choices))
    return text


def parse_choices(raw: Any, item: InputDef) -> tuple[str, ...]:
    parts = raw if isinstance(raw, (list, tuple)) else re.split(r"[,，、\s]+", str(raw))
    chosen = [parse_choice(p, item) for p in parts if str(p).strip()]
    return tuple(v for v in item.choices if v in chosen)  # declared order, no duplicates


def parse_value(raw: Any, item: InputDef, limits: dict[str, Decimal]) -> Any:
    """Parse one raw value by the input's declared type."""
    if item.type == "money":
        return parse_number(raw, item, limits["max_amount"], fen=True)
    if item.type == "number":
        return parse_number(raw, item, limits["max_quantity"], fen=False)
    if item.type == "bool":
        return parse_bool(raw, item)
    if item.type == "choice":
        return parse_choice(raw, item)
    return parse_choices(raw, item)
