"""Named parameters in the editors' YAML: the only place a figure is typed.

Three jobs, all before or right after the model is validated; none chooses a value by date
(that is calc's binder, ``calc.parameters``, alone):

* **name** — a rule field that needs a number (``max``, ``rate``, a row's ``amount`` …) names a
  parameter of its measure; it becomes ``{"param": name}``, the form calc reads, and an unknown
  name is a problem at its line;
* **render** — prose (summaries, help, readings, example titles, glossary …) refers to figures
  as ``{name}``, ``{5.2.annual_cap}``, ``{in.fee}`` / ``{out.award}`` (an example's own input and
  result) or ``{validity.end}``; each is written per language from the parameter's timeline as
  calc merges it (its own value, then each amending document's dated value);
* **guard** — each parameter's value must appear in the verbatim clause it cites, in Chinese and
  in the English translation, and so must each amendment's new value in its own clause, so a
  figure edited without its clause cannot ship.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import calc
from calc import Amount, Day, Percent, article, rules

from .model import Measure, Parameter, _figure
from .yaml_source import Path_, Problem, SourceDoc

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)(?::([a-z]+))?\}")
# Where prose is not rendered: the law's own words, the figures themselves, example oracles.
VERBATIM = {"text", "parameters", "expect", "ref", "funding_ref", "on", "amends", "replaces"}
Raw = dict[str, dict[str, Any]]  # measure id → its parameters as written
Lines = dict[str, dict[str, calc.Dated]]  # measure id → each parameter's timeline (calc's)


# ---------------------------------------------------------------- writing a figure


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount_text(value: Decimal, lang: str, bare: bool = False) -> str:
    """An amount the way the pages write policy figures (calc's one formatter)."""
    return Amount(value, bare).local(lang)


def rate_text(rate: Decimal) -> str:
    return Percent(rate).local("zh")


def figure_text(value: str, lang: str, style: str | None) -> str:
    """A parameter's value (``"300000"`` or ``"30%"``) written for a reader."""
    if value.endswith("%"):
        return rate_text(Decimal(value[:-1]) / 100)
    return amount_text(Decimal(value), lang, bare=style == "bare")


def bundle_value(raw: Any) -> str | None:
    """A figure as calc reads it (rates as fractions, ``30%`` → ``0.3``), None if malformed."""
    try:
        figure = _figure(raw)
    except (ValueError, InvalidOperation):
        return None
    return str(Decimal(figure[:-1]) / 100) if figure.endswith("%") else figure


def timeline_text(values: calc.Dated, rate: bool, lang: str, style: str | None) -> str:
    """A figure with its dated values, as prose writes it: ``30 万元（自 2027年1月1日 起为
    40 万元）``; a figure without amendments is just its value."""

    def one(value: calc.Value) -> str:
        number = Decimal(value.value)
        return rate_text(number) if rate else amount_text(number, lang, bare=style == "bare")

    first = one(values[0])
    if len(values) == 1:
        return first
    later = calc.STRINGS["timeline.sep"][lang].join(
        calc.STRINGS["timeline.change"][lang].format(date=Day(v.start).local(lang), value=one(v))
        for v in values[1:] if v.start is not None)
    return calc.STRINGS["timeline.prose"][lang].format(first=first, changes=later)


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


def bundle_parameters(params: dict[str, Any]) -> dict[str, Any]:
    """A measure's parameters as written, in the bundle's form (those that can be read)."""
    # a malformed value is reported once, at the parameter: its prose shows 0 meanwhile
    return {name: {"rate": str(entry.get("value")).strip().endswith("%"),
                   "values": [{"from": None, "value": bundle_value(entry.get("value")) or "0"}]}
            for name, entry in params.items()}


# ---------------------------------------------------------------- name the figures of rules


def literals(doc: SourceDoc) -> list[Problem]:
    """A rule field that types a number instead of naming a parameter: such a figure has no
    clause the build can check it against."""
    data = doc.data if isinstance(doc.data, dict) else {}
    return [doc.said(path + (key,), "data.figure_literal", value=repr(holder[key]))
            for path, holder, key in _figure_fields(data.get("parts"), ("parts",))
            if not (isinstance(holder[key], str) and NAME.match(holder[key]))]


def name_figures(doc: SourceDoc, params: dict[str, Any]) -> list[Problem]:
    """Each parameter a rule names becomes ``{"param": name}`` (calc's form); an unknown name is
    a problem at its line. Run after :func:`literals`."""
    data = doc.data if isinstance(doc.data, dict) else {}
    problems: list[Problem] = []
    for path, holder, key in _figure_fields(data.get("parts"), ("parts",)):
        name = holder[key]
        if not (isinstance(name, str) and NAME.match(name)):
            continue
        if name not in params:
            problems.append(doc.said(path + (key,), "rules.undefined_parameter",
                                     name=repr(name)))
            continue
        holder[key] = {"param": name}
    return problems


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


def resolver(lines: Lines, rates: set[tuple[str, str]], measure: str | None,
             window: tuple[Any, Any] | None = None) -> Resolver:
    """What a placeholder stands for in one file: its own measure's parameters by name, any
    measure's of the document as ``<id>.<name>``, and ``validity.start`` / ``validity.end``.
    ``lines`` are the timelines calc merged (``calc.timelines``); ``rates`` says which are rates."""

    def resolve(key: str, lang: str, style: str | None) -> str | None:
        if key in ("validity.start", "validity.end") and window:
            return Day(window[0] if key.endswith("start") else window[1]).local(lang)
        owner, _, name = key.rpartition(".")
        values = lines.get(owner or measure or "", {}).get(name)
        if values is None:
            return None
        return timeline_text(values, (owner or measure or "", name) in rates, lang, style)

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
    if measure.supplements is not None:  # how it stacks is the law's words too
        stale = [q for q in quotes(measure.supplements.ref) if _squeeze(q) not in text_zh]
        if stale:
            problems.append(doc.said(("supplements", "ref"), "data.stale_quote", quote=stale[0],
                                     line=clause_line))
    for name, parameter in measure.parameters.items():
        problems += figure_in_clause(doc, ("parameters", name), name, parameter,
                                     (text_zh, clause_line), (text_en, english_line))
    return problems


def figure_in_clause(doc: SourceDoc, at: Path_, name: str, parameter: Parameter,
                     zh: tuple[str, int], en: tuple[str, int]) -> list[Problem]:
    """One figure against the law: its ``ref`` quotes words of the Chinese clause (squeezed,
    with its line) that write the value, and the English clause writes it too."""
    text_zh, clause_line = zh
    text_en, english_line = en
    cited = [_squeeze(q) for q in quotes(parameter.ref)]
    shown = "、".join(sorted(zh_forms(parameter)))
    if not cited:
        return [doc.said(at + ("ref",), "data.ref_unquoted")]
    problems: list[Problem] = []
    missing = [q for q in cited if q not in text_zh]
    if missing:
        problems.append(doc.said(at + ("ref",), "data.stale_quote", quote=missing[0],
                                 line=clause_line))
    elif not any(form in q for form in zh_forms(parameter) for q in cited):
        problems.append(doc.said(at + ("value",), "data.figure_disagrees", name=name,
                                 value=parameter.value, line=clause_line, shown=shown))
    if not any(form in text_en for form in en_forms(parameter)):
        problems.append(doc.said(at + ("value",), "data.figure_untranslated", name=name,
                                 value=parameter.value, line=english_line))
    return problems


def guard_change(doc: SourceDoc, at: Path_, name: str, parameter: Parameter, ref_en: str,
                 text: tuple[str, str]) -> list[Problem]:
    """An amendment's new value against its own clause, as a parameter's against its measure's:
    ``ref`` quotes words of ``text.zh`` that write the value, ``ref_en`` quotes words of
    ``text.en``, and ``text.en`` writes the value too."""
    text_zh, text_en = _squeeze(text[0]), _squeeze(text[1]).replace("CNY", "")
    zh = (text_zh, doc.position(at + ("text", "zh"))[0])
    en = (text_en, doc.position(at + ("text", "en"))[0])
    problems = figure_in_clause(doc, at, name, parameter, zh, en)
    cited = quotes(ref_en)
    if not cited:
        return [*problems, doc.said(at + ("ref_en",), "data.ref_en_unquoted")]
    missing = [q for q in cited if _squeeze(q).replace("CNY", "") not in text_en]
    if missing:
        problems.append(doc.said(at + ("ref_en",), "data.stale_quote_en", quote=missing[0],
                                 line=en[1]))
    return problems
