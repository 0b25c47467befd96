"""Named parameters in the editors' YAML: the only place a figure is typed.

Three jobs, all before or right after the model is validated:

* **bind** — a rule field that needs a number (``max``, ``rate``, a row's ``amount`` …) may name a
  parameter of its measure instead; the pages get the value in force, and the bundle gets the name
  back (``{"param": name}``), so ``calc`` binds it to the value in force on the estimate's date;
* **render** — prose (summaries, help, readings, example titles, glossary …) refers to figures
  as ``{name}``, ``{5.2.annual_cap}``, ``{in.fee}`` / ``{out.award}`` (an example's own input and
  result) or ``{validity.end}``; each is written per language from the one value;
* **guard** — each parameter's value must appear in the verbatim clause it cites, in Chinese and
  in the English translation, so a rule edited without its clause cannot ship.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from calc import Percent, article, rules
from generator.site import render as pages
from generator.site.render import load_ui, strings

from .model import Measure, Parameter, _figure
from .yaml_source import Path_, Problem, SourceDoc

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)(?::([a-z]+))?\}")
# Where prose is not rendered: the law's own words, the figures themselves, example oracles.
VERBATIM = {"text", "parameters", "expect", "ref", "funding_ref", "on"}
Raw = dict[str, dict[str, Any]]  # measure id → its parameters as written


# ---------------------------------------------------------------- writing a figure


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@cache
def _ui(lang: str) -> dict[str, str]:
    return strings(load_ui(), lang)


def amount_text(value: Decimal, lang: str, bare: bool = False) -> str:
    """An amount the way the pages write policy figures (the one formatter, in ``render``)."""
    return pages.amount_text(value, lang, bare)


def rate_text(rate: Decimal) -> str:
    return Percent(rate).local("zh")


def date_text(day: dt.date, lang: str) -> str:
    return pages.date_text(day, _ui(lang))


def figure_text(value: str, lang: str, style: str | None) -> str:
    """A parameter's value (``"300000"`` or ``"30%"``) written for a reader."""
    if value.endswith("%"):
        return rate_text(Decimal(value[:-1]) / 100)
    return amount_text(Decimal(value), lang, bare=style == "bare")


# ---------------------------------------------------------------- the parameters of a policy


def collect(docs: list[SourceDoc]) -> Raw:
    """Every measure file's ``parameters`` as written, by measure id (read before validation,
    because prose anywhere may refer to any measure's figures)."""
    found: Raw = {}
    for doc in docs:
        data = doc.data if isinstance(doc.data, dict) else {}
        params = data.get("parameters")
        if isinstance(params, dict) and isinstance(data.get("id"), str):
            found[data["id"]] = {k: v for k, v in params.items() if isinstance(v, dict)}
    return found


def current(entry: dict[str, Any], day: dt.date) -> Any:
    """The value in force on ``day`` as written (the base value, or the latest change begun)."""
    value = entry.get("value")
    changes = [c for c in entry.get("changes") or [] if isinstance(c, dict)]
    for change in sorted(changes, key=lambda c: str(c.get("from"))):
        start = change.get("from")
        if isinstance(start, dt.date) and start <= day:
            value = change.get("value")
    return value


# ---------------------------------------------------------------- bind rules


def bind(doc: SourceDoc, params: dict[str, Any], day: dt.date) -> list[tuple[Path_, str]]:
    """Replace each parameter name in the rule trees of ``doc`` by the value in force on ``day``;
    return where each went (paths under ``parts``). Unknown names are problems at their line."""
    data = doc.data if isinstance(doc.data, dict) else {}
    bindings: list[tuple[Path_, str]] = []
    for path, holder, key in _figure_fields(data.get("parts"), ("parts",)):
        name = holder[key]
        if not (isinstance(name, str) and NAME.match(name)):
            continue
        if name not in params:
            doc.problems.append(doc.said(path + (key,), "rules.undefined_parameter",
                                         name=repr(name)))
            continue
        value = current(params[name], day)
        try:  # a parameter with a bad value is reported once, at the parameter, not again here
            _figure(value)
        except (ValueError, InvalidOperation):
            value = 0
        holder[key] = value
        bindings.append((path[1:] + (key,), name))
    return bindings


def literals(doc: SourceDoc) -> list[Problem]:
    """A rule field that types a number instead of naming a parameter (run before ``bind``):
    such a figure has no clause the build can check it against."""
    data = doc.data if isinstance(doc.data, dict) else {}
    return [doc.said(path + (key,), "data.figure_literal", value=repr(holder[key]))
            for path, holder, key in _figure_fields(data.get("parts"), ("parts",))
            if not (isinstance(holder[key], str) and NAME.match(holder[key]))]


def alternative_figures(doc: SourceDoc, params: dict[str, Any]) -> list[Problem]:
    """Each figure of an alternative reading's rule (``readings[].alternative.rules[].node``)
    names a parameter of its measure; it becomes ``{"param": name}``, as in the bundle, for
    ``calc`` to check and bind. A typed number or an unknown name is a problem at its line."""
    data = doc.data if isinstance(doc.data, dict) else {}
    problems: list[Problem] = []
    for path, node in _alternative_nodes(data):
        for at, key in rules.figures(node):
            holder: Any = node
            for step in at:
                holder = holder[step]
            name = holder[key]
            where = path + at + (key,)
            if not (isinstance(name, str) and NAME.match(name)):
                problems.append(doc.said(where, "data.figure_unnamed", value=repr(name)))
            elif name not in params:
                problems.append(doc.said(where, "rules.undefined_parameter", name=repr(name)))
            else:
                holder[key] = {"param": name}
    return problems


def _alternative_nodes(data: dict[str, Any]) -> Iterator[tuple[Path_, dict[str, Any]]]:
    readings = data.get("readings")
    for r, reading in enumerate(readings if isinstance(readings, list) else []):
        alt = reading.get("alternative") if isinstance(reading, dict) else None
        found = alt.get("rules") if isinstance(alt, dict) else None
        for j, item in enumerate(found if isinstance(found, list) else []):
            node = item.get("node") if isinstance(item, dict) else None
            if isinstance(node, dict):
                yield ("readings", r, "alternative", "rules", j, "node"), node


def _figure_fields(parts: Any, path: Path_) -> Iterator[tuple[Path_, dict[str, Any], str]]:
    """(path, holder, field) of every figure in the rule trees of ``parts``: the fields each
    primitive declares as figures (``calc.rules``)."""
    for i, part in enumerate(parts if isinstance(parts, list) else []):
        rule = part.get("rule") if isinstance(part, dict) else None
        if not isinstance(rule, dict):
            continue
        for at, key in rules.figures(rule):
            holder: Any = rule
            for step in at:
                holder = holder[step]
            yield path + (i, "rule") + at, holder, key


# ---------------------------------------------------------------- render prose


Resolver = Callable[[str, str, str | None], str | None]


def resolver(raw: Raw, measure: str | None, day: dt.date,
             window: tuple[dt.date, dt.date] | None = None) -> Resolver:
    """What a placeholder stands for in one file: its own measure's parameters by name, any
    measure's as ``<id>.<name>``, and ``validity.start`` / ``validity.end``."""

    def resolve(key: str, lang: str, style: str | None) -> str | None:
        if key in ("validity.start", "validity.end") and window:
            return date_text(window[0] if key.endswith("start") else window[1], lang)
        owner, _, name = key.rpartition(".")
        entry = raw.get(owner or measure or "", {}).get(name)
        if entry is None:
            return None
        value = current(entry, day)
        try:
            return figure_text(_figure(value), lang, style)
        except (ValueError, InvalidOperation):  # reported once, at the parameter itself
            return str(value)

    return resolve


def render(doc: SourceDoc, resolve: Resolver, example: Resolver | None = None) -> None:
    """Render every placeholder in the prose of ``doc`` in place; unknown ones are problems."""
    _render(doc, doc.data, (), resolve, example)


def _render(doc: SourceDoc, node: Any, path: Path_, resolve: Resolver,
            example: Resolver | None) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _render(doc, item, path + (i,), resolve, example)
        return
    if not isinstance(node, dict):
        return
    if path[:1] == ("examples",) and len(path) == 2 and example is not None:
        own = _example_resolver(node, resolve)
        _render(doc, node.get("name"), path + ("name",), own, None)
        return
    for key, item in node.items():
        if key in VERBATIM:
            continue
        if key in ("zh", "en") and isinstance(item, str):
            node[key] = _fill(doc, item, key, path + (key,), resolve)
        else:
            _render(doc, item, path + (key,), resolve, example)


def _example_resolver(example: dict[str, Any], resolve: Resolver) -> Resolver:
    """``{in.name}`` is the example's own input, ``{out.award}`` (``city``, ``county``) its
    expected result; everything else as in the rest of the file."""
    inputs: dict[str, Any] = example.get("inputs") or {}
    expect: dict[str, Any] = example.get("expect") or {}

    def own(key: str, lang: str, style: str | None) -> str | None:
        scope, _, name = key.partition(".")
        if scope in ("in", "out"):
            values = inputs if scope == "in" else expect
            raw = values.get(name) if isinstance(values, dict) else None
            if raw is None:
                return None
            number = _number(raw)  # as typed if it is no plain amount: calc reports the example
            return str(raw) if number is None else amount_text(number, lang, bare=style == "bare")
        return resolve(key, lang, style)

    return own


def _number(raw: Any) -> Decimal | None:
    """An example's amount as written (``60000``, ``"6万"``, ``"1.5亿"``, ``"90.5"``)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(万|亿)?", str(raw).replace(",", "").strip())
    if not match or isinstance(raw, bool):
        return None
    scale = {"万": 10**4, "亿": 10**8}.get(match.group(2) or "", 1)
    return Decimal(match.group(1)) * scale


def _fill(doc: SourceDoc, text: str, lang: str, path: Path_, resolve: Resolver) -> str:
    def one(match: re.Match[str]) -> str:
        found = resolve(match.group(1), lang, match.group(2))
        if found is None:
            doc.problems.append(doc.said(path, "data.unknown_reference",
                                         reference=match.group(0)))
            return match.group(0)
        return found

    _unmatched_brace(doc, text, path)
    return PLACEHOLDER.sub(one, text)


_STRAY_BRACE = re.compile(r"\{[^\s{}]{0,24}|[^\s{}]{0,24}\}")


def _unmatched_brace(doc: SourceDoc, text: str, path: Path_) -> None:
    """A brace that is no part of a reference (``{annual_cap`` left open, ``annual_cap}``)
    would be published as it is: the first one in a text is a problem."""
    stray = _STRAY_BRACE.search(PLACEHOLDER.sub(" ", text))
    if stray is not None:
        doc.problems.append(doc.said(path, "data.unclosed_reference",
                                     text=f"“{stray.group(0)}”"))


# ---------------------------------------------------------------- guard against the law


def _squeeze(text: str) -> str:
    """Spaces dropped; a quote nested in a quote is written ‘…’ for the text's “…”."""
    return re.sub(r"\s+", "", text).replace("％", "%").replace("‘", "“").replace("’", "”")


def zh_forms(parameter: Parameter) -> set[str]:
    """How the Chinese clause may write the value (spaces ignored)."""
    if parameter.is_rate:
        return {rate_text(parameter.number)}
    v = parameter.number
    forms = {f"{_plain(v)}元", f"{v:,}元"}
    if v % 100 == 0:
        forms.add(f"{_plain(v / 10**4)}万元")
    if v % 10**6 == 0:
        forms.add(f"{_plain(v / 10**8)}亿元")
    return forms


def en_forms(parameter: Parameter) -> set[str]:
    """How the English translation may write the value."""
    if parameter.is_rate:
        return {rate_text(parameter.number)}
    v = parameter.number
    forms = {f"{v:,}".removesuffix(".00")}
    if v % 10**5 == 0 and v >= 10**6:
        forms.add(f"{_plain(v / 10**6)}million")
    return forms


def quotes(ref: str) -> list[str]:
    """The quoted fragments of a ``ref`` (“…” may join several)."""
    return [f for q in re.findall(r"“(.*?)”", ref) for f in q.split("…") if f.strip()]


def _rule_refs(node: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _rule_refs(item, path + (i,))
    elif isinstance(node, dict):
        for key, item in node.items():
            if key == "ref" and isinstance(item, str):
                yield path + (key,), item
            else:
                yield from _rule_refs(item, path + (key,))


def _english_ref(doc: SourceDoc, path: Path_, ref: str, text_en: str,
                 line: int) -> list[Problem]:
    """A rule's ``ref`` has a ``ref_en`` beside it: the same clause label in English
    ("Art. 3(1)") and English words, in “…”, that are in the measure's ``text.en``."""
    holder: Any = doc.data
    for step in path[:-1]:
        holder = holder[step]
    english = holder.get("ref_en") if isinstance(holder, dict) else None
    at = path[:-1] + ("ref_en",)
    label = article(ref)
    if not isinstance(english, str):
        return [doc.said(path, "data.ref_en_missing")]
    if label is not None and english != label[0] and not english.startswith(label[0] + " "):
        return [doc.said(at, "data.ref_en_label", label=label[0])]
    cited = quotes(english)
    if quotes(ref) and not cited:
        return [doc.said(at, "data.ref_en_unquoted")]
    missing = [q for q in cited if _squeeze(q).replace("CNY", "") not in text_en]
    if missing:
        return [doc.said(at, "data.stale_quote_en", quote=missing[0], line=line)]
    return []


def guard(doc: SourceDoc, measure: Measure) -> list[Problem]:
    """Each parameter's value appears in the clause words it quotes, those words are in the
    measure's verbatim text, and the English translation writes the same figure; every rule's
    ``ref`` quotes words that are in the text (so an amended clause leaves no stale quote)."""
    problems: list[Problem] = []
    text_zh, text_en = _squeeze(measure.text.zh), _squeeze(measure.text.en).replace("CNY", "")
    clause_line = doc.position(("text", "zh"))[0]
    data = doc.data if isinstance(doc.data, dict) else {}
    english_line = doc.position(("text", "en"))[0]
    alternative = [(path, node) for path, node in _alternative_nodes(data)]
    for path, ref in [*_rule_refs(data.get("parts"), ("parts",)),
                      *(r for at, node in alternative for r in _rule_refs(node, at))]:
        stale = [q for q in quotes(ref) if _squeeze(q) not in text_zh]
        if stale:
            problems.append(doc.said(path, "data.stale_quote", quote=stale[0], line=clause_line))
        problems += _english_ref(doc, path, ref, text_en, english_line)
    for name, parameter in measure.parameters.items():
        at = ("parameters", name, "value")
        cited = [_squeeze(q) for q in quotes(parameter.ref)]
        shown = "、".join(sorted(zh_forms(parameter)))
        if not cited:
            problems.append(doc.said(("parameters", name, "ref"), "data.ref_unquoted"))
            continue
        missing = [q for q in cited if q not in text_zh]
        if missing:
            problems.append(doc.said(("parameters", name, "ref"), "data.stale_quote",
                                     quote=missing[0], line=clause_line))
        elif not any(form in q for form in zh_forms(parameter) for q in cited):
            problems.append(doc.said(at, "data.figure_disagrees", name=name,
                                     value=parameter.value, line=clause_line, shown=shown))
        if not any(form in text_en for form in en_forms(parameter)):
            line = doc.position(("text", "en"))[0]
            problems.append(doc.said(at, "data.figure_untranslated", name=name,
                                     value=parameter.value, line=line))
    return problems
