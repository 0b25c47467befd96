"""Values shown inside messages, each knowing how to write itself in zh and en."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

FEN = Decimal("0.01")


def to_fen(value: Decimal) -> Decimal:
    """四舍五入 to the fen: the one rounding the policy's money gets."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros (``1.50`` → ``1.5``)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Localized(Protocol):
    def local(self, lang: str) -> str: ...


@dataclass(frozen=True)
class Money:
    value: Decimal

    def local(self, lang: str) -> str:
        shown = f"{to_fen(self.value):,.2f}"
        return f"{shown} 元" if lang == "zh" else f"CNY {shown}"


@dataclass(frozen=True)
class Percent:
    value: Decimal

    def local(self, lang: str) -> str:
        return f"{plain(self.value * 100)}%"


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str | None

    def local(self, lang: str) -> str:
        units = {"minute": ("分钟", " min")}
        zh, en = units.get(self.unit or "", ("", ""))
        return f"{plain(self.value)}{zh if lang == 'zh' else en}"


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def local(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def of(cls, texts: dict[str, str]) -> Label:
        return cls(texts["zh"], texts["en"])


@dataclass(frozen=True)
class Listing:
    """Several labels joined the way each language joins a list."""

    items: tuple[Label, ...]

    def local(self, lang: str) -> str:
        return ("、" if lang == "zh" else ", ").join(i.local(lang) for i in self.items)
