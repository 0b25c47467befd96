"""Every figure is typed once (issue 13): named parameters, prose that refers to them, and a
build that checks each value against the law it cites.

For **every** parameter of the data: amend it in a scratch copy (the value and the clause's
figure together) and the places that refer to it — and only those — show the new figure, the
bundle carries it, and only that measure's worked examples can disagree. Change the value
without the clause and loading fails, naming the parameter's line and the clause's line.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import calc
from generator.data import examples
from generator.data.bundle import bundle
from generator.data.load import DataError, load_all
from generator.data.model import Policy
from generator.data.parameters import PLACEHOLDER
from generator.data.yaml_source import load

from .amend import amend
from .amend import figures as rendered
from .figures import all_files, figures
from .test_policy import POLICY, ROOT

DOCUMENT = POLICY.document.id
PARAMETERS = [pytest.param(m.id, name, id=f"{m.id}.{name}")
              for m in POLICY.measures for name in m.parameters]


def test_no_figure_is_typed_in_prose() -> None:
    found = [f"{path.relative_to(ROOT)}:{line}: {field}: {text}"
             for path in all_files() for line, field, text in figures(path)]
    assert found == []


def test_every_rule_figure_is_a_named_parameter() -> None:
    """No rule of the data types a number: every figure it uses has a name and a clause."""
    assert all(m.parameters for m in POLICY.measures)
    unnamed = []
    for entry in bundle([POLICY])["documents"][0]["measures"]:
        for part in entry["parts"]:
            for at, key in calc.rules.figures(part["rule"]):
                holder = part["rule"]
                for step in at:
                    holder = holder[step]
                if set(holder[key]) != {"param"}:
                    unnamed.append((entry["id"], at, key))
    assert unnamed == []


def _strings(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...],
                                                                         str]]:
    """Every zh/en text of a dumped model, by path, outside verbatim text and refs."""
    if isinstance(node, dict):
        for key, item in node.items():
            if key in ("text", "parameters", "ref"):
                continue
            if key in ("zh", "en") and isinstance(item, str):
                yield path + (key,), item
            else:
                yield from _strings(item, path + (key,))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _strings(item, path + (i,))


def _prose(policy: Policy) -> dict[tuple[str | int, ...], str]:
    found: dict[tuple[str | int, ...], str] = {}
    for measure in policy.measures:
        for path, text in _strings(measure.model_dump(mode="json")):
            found[("measure", measure.id, *path)] = text
    for name, model in (("glossary", policy.glossary), ("document", policy.document)):
        for path, text in _strings(model.model_dump(mode="json")):
            found[(name, *path)] = text
    return found


def _references(data_root: Path, measure_id: str, name: str) -> set[tuple[str | int, ...]]:
    """Where the raw YAML refers to the parameter, as paths of the rendered prose."""
    found: set[tuple[str | int, ...]] = set()
    folder = data_root / DOCUMENT
    files = [("glossary", folder / "glossary.yaml"), ("document", folder / "document.yaml")]
    files += [(("measure", m.id), folder / "measures" / f"{m.id}.yaml") for m in POLICY.measures]
    for owner, path in files:
        prefix = owner if isinstance(owner, tuple) else (owner,)
        own = prefix == ("measure", measure_id)
        for where, text in _strings(load(path).data):
            keys = {m.group(1) for m in PLACEHOLDER.finditer(text)}
            if f"{measure_id}.{name}" in keys or (own and name in keys):
                found.add(prefix + where)
    return found


@pytest.fixture(scope="module")
def baseline() -> dict[tuple[str | int, ...], str]:
    return _prose(POLICY)


@pytest.mark.parametrize(("measure_id", "name"), PARAMETERS)
def test_amending_a_parameter_changes_every_place_that_refers_to_it_and_nothing_else(
        tmp_path: Path, baseline: dict[tuple[str | int, ...], str], measure_id: str,
        name: str) -> None:
    data = tmp_path / "policy_data"
    shutil.copytree(ROOT / "policy_data", data)
    old, new = amend(data / DOCUMENT / "measures" / f"{measure_id}.yaml", name)
    (policy,) = load_all(data)
    after = _prose(policy)
    changed = {path for path, text in after.items() if baseline.get(path) != text}
    referring = _references(data, measure_id, name)
    assert changed == referring
    for path in referring:
        lang = str(path[-1])
        assert any(form in after[path] for form in rendered(new, lang)), path
    measure = policy.measure(measure_id)
    (entry,) = [m for m in bundle([policy])["documents"][0]["measures"] if m["id"] == measure_id]
    assert measure.parameters[name].value == new
    assert entry["parameters"][name]["values"][0]["value"] != old
    for line in examples.failures([policy], data):  # only this measure's examples may now disagree
        assert line.startswith(f"policy_data/{DOCUMENT}/measures/{measure_id}.yaml"), line


@pytest.mark.parametrize(("measure_id", "name"), PARAMETERS[::7])
def test_a_value_changed_without_its_clause_fails_naming_both_places(
        tmp_path: Path, measure_id: str, name: str) -> None:
    data = tmp_path / "policy_data"
    shutil.copytree(ROOT / "policy_data", data)
    path = data / DOCUMENT / "measures" / f"{measure_id}.yaml"
    parameter = POLICY.measure(measure_id).parameters[name]
    source = load(path, data.parent)
    line = source.position(("parameters", name, "value"))[0]
    clause = source.position(("text", "zh"))[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    written = lines[line - 1]
    bumped = ("7%" if parameter.is_rate else "7") if parameter.value != "7" else "8"
    lines[line - 1] = re.sub(r"value: .*", f"value: {bumped}", written)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_all(data)
    report = error.value.report()
    assert f"measures/{measure_id}.yaml:{line}:" in report
    assert f"第 {clause} 行" in report and f"line {clause}" in report
    assert name in report
