"""What the self-check asks (issue 22, "ask only what can still change the answer"): calc's
``asks`` lists the questions whose answer can still change the check; any other question,
whatever its answer, changes nothing, for every test profile and issue 22's. And the short
names of share links: one per field and per answer, from the name alone, a clash refused by
make check at file:line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import calc
from generator.data.bundle import bundle
from generator.data.crosscheck import profile_fields
from generator.data.link_keys import RESERVED, link_key, link_keys
from generator.data.load import DataError, load_all
from tests.browser.selfcheck_taps import ISSUE_22
from tests.reproducers import PROFILE

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "policy_data" / "qz-2025-18"
ON = "2026-06-01"
# What a row finds: its verdict, its amounts (none computed counts as nothing), what would
# qualify and the award under other readings. (Its reason may be worded otherwise: a measure of
# a section answered no "does not apply", one of a section opened "needs an IC design
# enterprise"; both not qualified, nothing to pay.)
SAID = ("status", "award", "city", "county", "entitled", "up_to", "hints", "alternatives")


@pytest.fixture(autouse=True, scope="module")
def real_rules() -> None:
    calc.use_bundle(bundle(load_all(ROOT / "policy_data")))


def fields() -> dict[str, Any]:
    policies = load_all(ROOT / "policy_data")
    root = next(p for p in policies if p.profile is not None)
    assert root.profile is not None
    return profile_fields(root.profile, [m for p in policies for m in p.measures])


def profiles() -> dict[str, tuple[dict[str, Any], str]]:
    found = {path.stem: (json.loads(path.read_text("utf-8")), ON)
             for path in sorted((ROOT / "tests" / "profiles").glob("*.json"))}
    return {**found, "issue 22": (ISSUE_22, ON), "issue 20": (PROFILE[0], PROFILE[1]),
            "nothing yet": ({}, ON), "types only": ({"enterprise_types": ["software"]}, ON),
            "projects 否": ({**ISSUE_22, "dataset_project_selected": "no",
                            "big_data_demo_selected": "no"}, ON)}


def answers(item: Any) -> list[Any]:
    """Answers to try for a question: every choice, or amounts from nothing to a great deal."""
    if item.type == "bool":
        return ["yes", "no"]
    if item.type == "choice":
        return [c.value for c in item.choices]
    if item.type == "choices":
        return [[], *([c.value] for c in item.choices)]
    return ["0", "1", "300", "80万", "5000万"] if item.type == "money" else ["0", "1", "300"]


def said(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(json.dumps("0.00" if row[k] is None else row[k], sort_keys=True)
                  for k in SAID) for row in report["rows"]]


@pytest.mark.parametrize("name", sorted(profiles()))
def test_a_question_calc_does_not_ask_changes_nothing_whatever_the_answer(name: str) -> None:
    data, on = profiles()[name]
    report = calc.assess(data, on)
    asked = set(report["asks"])
    known = fields()
    assert asked <= set(known)
    for field, item in known.items():
        if field in asked:
            continue
        for answer in answers(item):
            other = calc.assess({**data, field: answer}, on)
            assert said(other) == said(report), (name, field, answer)
            assert other["totals"] == report["totals"], (name, field, answer)


def test_issue_22s_profile_is_asked_what_can_still_pay() -> None:
    asks = set(calc.assess(ISSUE_22, ON)["asks"])
    # 5.1 and 5.2 are for IC design enterprises: a software and data company is not asked
    assert "has_ic_expenses" not in asks
    # a project not yet said to be selected may still pay: its investment is asked...
    assert {"dataset_project_selected", "dataset_project_investment"} <= asks
    # ...once it is not selected, its investment cannot change anything
    after = set(calc.assess({**ISSUE_22, "dataset_project_selected": "no"}, ON)["asks"])
    assert "dataset_project_selected" in after and "dataset_project_investment" not in after
    # 1.4's "in use and producing benefits?" matters only for a contest award won
    assert "data_contest_project_in_use" not in asks
    won = {**ISSUE_22, "data_contest_award_levels": ["city"]}
    assert "data_contest_project_in_use" in calc.assess(won, ON)["asks"]


def test_before_any_answer_every_gate_is_asked() -> None:
    spec = calc.catalog().documents[calc.catalog().default]["profile"]
    gates = {s["gate"] for s in spec["sections"] if s.get("gate")}
    assert gates <= set(calc.assess({}, ON)["asks"])


# ---- short names in share links


def test_every_field_and_answer_has_a_short_name_of_its_own() -> None:
    keys = link_keys(fields())
    names = list(keys["fields"].values())
    assert len(set(names)) == len(names) and not set(names) & set(RESERVED)
    for field, codes in keys["values"].items():
        assert len(set(codes.values())) == len(codes), field
    # shorter than the names they stand for, and derived from each name alone: a field
    # added or taken away changes no other field's short name
    assert sum(map(len, names)) < sum(map(len, keys["fields"])) / 3
    some = dict(list(fields().items())[::2])
    assert link_keys(some)["fields"] == {n: keys["fields"][n] for n in some}


def clashing(name: str) -> str:
    """A made-up name of the same shape whose short name is the one ``name`` has."""
    words = name.split("_")
    for n in range(10_000):
        other = "_".join([f"{words[0][0]}{n}", *words[1:]])
        if link_key(other) == link_key(name) and other != name:
            return other
    raise AssertionError(f"no clash found for {name}")


def load_edited(tmp_path: Path, *edits: tuple[str, str]) -> tuple[list[str], str]:
    """The loader's problems with a copy of the real data whose profile.yaml had ``edits``
    made, and the edited profile.yaml."""
    root = tmp_path / "policy_data"
    shutil.copytree(REAL.parent, root)
    target = root / REAL.name / "profile.yaml"
    text = target.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    target.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_all(root)
    return [str(p) for p in error.value.problems], text


def line_with(text: str, part: str) -> int:
    return text[: text.index(part)].count("\n") + 1


def test_two_fields_with_one_short_name_are_refused_at_file_line(tmp_path: Path) -> None:
    clash = clashing("has_platform_projects")
    field = (f"  - name: {clash}\n    type: bool\n    label:\n      zh: 示例问题\n"
             f"      en: An example question\n    help:\n      zh: 示例\n      en: Example\n")
    (found,), text = load_edited(
        tmp_path, ("sections:\n", field + "sections:\n"),
        ("has_platform_projects]", f"has_platform_projects, {clash}]"))
    where = f"profile.yaml:{line_with(text, f'has_platform_projects, {clash}]')}:"
    assert where in found, found
    assert (f"profile field '{clash}' has the same short name in share links "
            f"({link_key(clash)}) as 'has_platform_projects'") in found
    assert "分享链接中的短名" in found


def test_two_answers_with_one_short_name_are_refused(tmp_path: Path) -> None:
    clash = clashing("sme_pilot")
    choice = (f"      - value: {clash}\n        label:\n          zh: 示例类型\n"
              f"          en: An example type\n      - value: park_committee\n")
    (found,), _ = load_edited(tmp_path, ("      - value: park_committee\n", choice))
    assert (f"choice '{clash}' has the same short name in share links ({link_key(clash)}) "
            "as choice 'sme_pilot'") in found
    assert "profile.yaml:" in found and "分享链接中的短名" in found
