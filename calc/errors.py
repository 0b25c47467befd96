"""The one error type ``calc`` raises: always bilingual, optionally tied to an input field."""

from __future__ import annotations

from .messages import text

# Text a visitor typed is echoed back at most this long: a 10 MB field name must not come back
# whole (and make a 20 MB answer).
ECHO_CHARS = 80


def echo(value: object) -> object:
    """``value`` shortened for a message; labels and amounts (which know their languages) as is."""
    if hasattr(value, "local"):
        return value
    try:
        shown = str(value)
    except ValueError:  # an int too long to write out
        return f"({type(value).__name__})"
    return shown if len(shown) <= ECHO_CHARS else f"{shown[:ECHO_CHARS]}…"


class CalcError(Exception):
    """Bad input or an unanswerable question; never carries a number that looks like an answer."""

    def __init__(self, code: str, field: str | None = None, **values: object) -> None:
        self.code = code
        self.field = None if field is None else str(echo(field))
        self.zh, self.en = text(code, **{k: v if k == "known" else echo(v)
                                         for k, v in values.items()})
        super().__init__(f"{self.en} / {self.zh}")

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "field": self.field, "zh": self.zh, "en": self.en}
