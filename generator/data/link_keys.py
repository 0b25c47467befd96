"""Short names in the self-check's share links (web/selfcheck.js writes ``#sc=2&…``).

Each profile field and each value of a choice gets one, derived from its own name alone, so a
link made today still opens after fields are added: a name of several words becomes its
initials and one check character (``dcmm_level`` → ``dl`` + one of 0-9a-z, ``digital_level``
another), a name of one word stays as it is (``software``, ``L3``); a yes/no answer is ``1`` or
``0``; in a typed amount, the units 万 and 亿 are the letters w and y (three characters fewer
each, once escaped). Two names that would share a short name are refused by ``make check``
(``crosscheck.check_profile``): rename one.
"""

from __future__ import annotations

import zlib
from typing import Any

from .model import Input

CHECK = "0123456789abcdefghijklmnopqrstuvwxyz"
# The link's own keys: the format, the date, the rules it was checked with and its total.
RESERVED = ("sc", "on", "r", "t")
YES_NO = {"yes": "1", "no": "0"}
UNITS = {"万": "w", "亿": "y"}


def link_key(name: str) -> str:
    words = name.split("_")
    if len(words) == 1:
        return name
    return "".join(w[:1] for w in words) + CHECK[zlib.crc32(name.encode()) % len(CHECK)]


def value_keys(item: Input) -> dict[str, str]:
    """Each answer of a yes/no or choice field by its short name in a link."""
    if item.type == "bool":
        return dict(YES_NO)
    return {choice.value: link_key(choice.value) for choice in item.choices}


def clashes(names: list[str], reserved: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(name, its short name, the earlier name or reserved key that has it), in order."""
    taken = {key: key for key in reserved}
    found = []
    for name in names:
        key = link_key(name)
        if key in taken:
            found.append((name, key, taken[key]))
        taken.setdefault(key, name)
    return found


def link_keys(fields: dict[str, Input]) -> dict[str, Any]:
    """What the self-check page needs to write and read its links: each field's short name,
    each answer's for the fields that offer a few, and the units' letters."""
    return {"fields": {name: link_key(name) for name in fields},
            "values": {name: value_keys(item) for name, item in fields.items()
                       if item.type in ("bool", "choice", "choices")},
            "units": UNITS}
