"""The one error type ``calc`` raises: always bilingual, optionally tied to an input field."""

from __future__ import annotations

from .messages import text


class CalcError(Exception):
    """Bad input or an unanswerable question; never carries a number that looks like an answer."""

    def __init__(self, code: str, field: str | None = None, **values: object) -> None:
        self.code = code
        self.field = field
        self.zh, self.en = text(code, **values)
        super().__init__(f"{self.en} / {self.zh}")

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "field": self.field, "zh": self.zh, "en": self.en}
