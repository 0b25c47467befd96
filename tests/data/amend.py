"""Amend a parameter in a scratch copy of the data the way the law would be amended: the figure in
the clause (its Chinese text, the words its ``ref`` quotes, the English translation) and the
parameter's value together. Used by the parameter tests and the site-editing tests."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from generator.data.model import Parameter
from generator.data.parameters import amount_text, en_forms, quotes, rate_text, zh_forms
from generator.data.yaml_source import load


def new_value(parameter: Parameter) -> str:
    """A different, still well-formed figure: amounts ×3, rates halved."""
    if parameter.is_rate:
        return rate_text(parameter.number / 2)
    return str(parameter.number * 3)


def _spaced(form: str) -> str:
    """A pattern for ``form`` that allows whitespace between its characters."""
    return r"\s*".join(re.escape(c) for c in form)


def _zh_pattern(parameter: Parameter) -> re.Pattern[str]:
    forms = sorted(zh_forms(parameter), key=len, reverse=True)
    return re.compile(r"(?<![\d.,])(?:" + "|".join(_spaced(f) for f in forms) + ")")


def _en_pattern(parameter: Parameter) -> re.Pattern[str]:
    forms = sorted(en_forms(parameter), key=len, reverse=True)
    return re.compile(r"(?<![\d.,])(?:" + "|".join(_spaced(f) for f in forms) + r")(?!\d|,\d)")


def _in_region(text: str, fragment: str, pattern: re.Pattern[str], new: str) -> str:
    """Replace the figure inside the part of ``text`` that ``fragment`` quotes (spaces ignored)."""
    kept = [i for i, c in enumerate(text) if not c.isspace()]
    squeezed = "".join(text[i] for i in kept)
    at = squeezed.find(re.sub(r"\s+", "", fragment))
    assert at >= 0, fragment
    start, end = kept[at], kept[at + len(re.sub(r"\s+", "", fragment)) - 1] + 1
    region, count = pattern.subn(new, text[start:end], count=1)
    assert count == 1, (fragment, pattern.pattern)
    return text[:start] + region + text[end:]


def _refs(node: Any) -> list[dict[str, Any]]:
    """Every mapping with a ``ref``: the parameters and the rule nodes."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if isinstance(node.get("ref"), str):
            found.append(node)
        for item in node.values():
            found += _refs(item)
    elif isinstance(node, list):
        for item in node:
            found += _refs(item)
    return found


def amend(path: Path, name: str, value: str | None = None) -> tuple[str, str]:
    """Amend parameter ``name`` of the measure file at ``path``; return (old value, new value)."""
    data: dict[str, Any] = load(path).data  # the project's reader: `on:` stays a key
    parameter = Parameter.model_validate(data["parameters"][name])
    new = Parameter.model_validate({"value": value or new_value(parameter), "ref": parameter.ref})
    new_zh = amount_text(new.number, "zh") if not new.is_rate else new.value
    new_en = amount_text(new.number, "en", bare=True) if not new.is_rate else new.value
    fragment = next(q for q in quotes(parameter.ref) if _zh_pattern(parameter).search(q))
    data["text"]["zh"] = _in_region(data["text"]["zh"], fragment, _zh_pattern(parameter), new_zh)
    data["text"]["en"] = _en_pattern(parameter).sub(new_en, data["text"]["en"], count=1)
    squeezed = re.sub(r"\s+", "", data["text"]["zh"])
    for holder in _refs(data):  # every quote of the amended words follows the law
        for quoted in quotes(holder["ref"]):
            if re.sub(r"\s+", "", quoted) in squeezed:
                continue
            amended = _zh_pattern(parameter).sub(new_zh, quoted, count=1)
            if re.sub(r"\s+", "", amended) in squeezed:
                holder["ref"] = holder["ref"].replace(quoted, amended)
    english = re.sub(r"\s+", "", data["text"]["en"])
    for holder in _refs(data):  # and so does every English quote (ref_en)
        for quoted in quotes(holder.get("ref_en") or ""):
            if re.sub(r"\s+", "", quoted) in english:
                continue
            amended = _en_pattern(parameter).sub(new_en, quoted, count=1)
            if re.sub(r"\s+", "", amended) in english:
                holder["ref_en"] = holder["ref_en"].replace(quoted, amended)
    entry = data["parameters"][name]
    entry["value"] = new.value if new.is_rate else int(new.number) if new.number == int(
        new.number) else str(new.number)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000),
                    encoding="utf-8")
    return parameter.value, new.value


def figures(value: str, lang: str) -> set[str]:
    """How prose may render a parameter value (``{name}`` and ``{name:bare}``)."""
    if value.endswith("%"):
        return {rate_text(Decimal(value[:-1]) / 100)}
    return {amount_text(Decimal(value), lang), amount_text(Decimal(value), lang, bare=True)}


def settle(data_root: Path, measure_id: str) -> list[int]:
    """Do what ``make check`` then asks of the editor: give each worked example of the measure
    whose result changed its new oracle. Returns the (1-based) numbers of those examples."""
    import calc
    from generator.data import examples
    from generator.data.bundle import bundle
    from generator.data.load import load_all

    (policy,) = load_all(data_root)
    measure = policy.measure(measure_id)
    worked = examples.work(policy, measure, calc.Catalog(bundle([policy])))
    path = data_root / policy.document.id / "measures" / f"{measure_id}.yaml"
    data: dict[str, Any] = load(path).data
    changed = []
    for number, (raw, done) in enumerate(zip(data["examples"], worked, strict=True), 1):
        if done.result is not None and not done.matches:
            raw["expect"] = {"award": str(done.result.award), "city": str(done.result.city),
                             "county": str(done.result.county)}
            changed.append(number)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000),
                    encoding="utf-8")
    return changed
