"""The JSON Schema of rule trees, written from calc's own kind declarations: every rule of the
real bundle meets it, and a broken rule does not."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from calc.rules import kinds
from calc.schema import rules_schema
from generator.data.bundle import bundle
from generator.data.load import load_all
from tests.data.test_policy import ROOT


def rule_validator() -> jsonschema.Draft202012Validator:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$ref": "#/$defs/rule", "$defs": rules_schema()}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def rules() -> list[dict[str, Any]]:
    return [part["rule"] for doc in bundle(load_all(ROOT / "policy_data"))["documents"]
            for m in doc["measures"] for part in m["parts"]]


def test_every_kind_is_in_the_schema() -> None:
    titles = {entry["title"] for entry in rules_schema()["rule"]["oneOf"]}
    assert titles == set(kinds())


def test_every_rule_of_the_data_meets_the_schema() -> None:
    validator = rule_validator()
    found = rules()
    assert len(found) > 22
    for rule in found:
        validator.validate(rule)


@pytest.mark.parametrize("mistake", ["kind", "figure", "extra", "missing ref"])
def test_a_broken_rule_is_refused(mistake: str) -> None:
    rule = copy.deepcopy(next(r for r in rules() if r["kind"] == "require"
                              and r["then"]["kind"] == "cap"))
    if mistake == "kind":
        rule["then"]["kind"] = "bonus"
    elif mistake == "figure":
        rule["then"]["max"] = "30%"
    elif mistake == "extra":
        rule["then"]["maximum"] = "1"
    else:
        del rule["ref"]
    with pytest.raises(jsonschema.ValidationError):
        rule_validator().validate(rule)
