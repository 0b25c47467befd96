"""Writing a sentence of the string table (calc/strings.py) in one language or both.

Templates hold wording only; every number they show is passed in from the policy data or from the
visitor's input, each value writing itself in the language asked for (``local``).
"""

from __future__ import annotations

from .fmt import Localized
from .strings import STRINGS

MESSAGES = STRINGS  # the one table (calc/strings.py), by the name the engine uses


def _local(value: object, lang: str) -> str:
    if hasattr(value, "local"):
        return str(value.local(lang))
    return str(value)


def render(code: str, lang: str, **values: object) -> str:
    return MESSAGES[code][lang].format(**{k: _local(v, lang) for k, v in values.items()})


def text(code: str, **values: object) -> tuple[str, str]:
    """(zh, en) of one message."""
    return render(code, "zh", **values), render(code, "en", **values)


def both(code: str, **values: object) -> str:
    """One message in both languages on one line, for a terminal: ``zh / en``."""
    return " / ".join(text(code, **values))


def bilingual(code: str, **values: object) -> dict[str, str]:
    zh, en = text(code, **values)
    return {"zh": zh, "en": en}


__all__ = ["MESSAGES", "STRINGS", "Localized", "bilingual", "both", "render", "text"]
