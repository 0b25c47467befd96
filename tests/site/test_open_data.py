"""The rules as open data (issue 13): the built site publishes each document's rules bundle at a
stable URL with its hash, and a JSON Schema that the bundle meets and a broken one does not."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import jsonschema
import pytest

import calc
from calc.catalog import FORMAT
from generator.data.open_data import FOLDER, INDEX

from .conftest import DOCUMENT, Build, text_of


def published(site: Build) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    folder = site.site / FOLDER
    index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    schema = json.loads((folder / index["schema"]).read_text(encoding="utf-8"))
    (entry,) = index["documents"]
    bundle = json.loads((folder / entry["url"]).read_text(encoding="utf-8"))
    return index, schema, bundle


def test_the_index_names_each_bundle_with_its_hash(site: Build) -> None:
    index = json.loads((site.site / FOLDER / INDEX).read_text(encoding="utf-8"))
    (entry,) = index["documents"]
    assert entry["id"] == DOCUMENT and entry["url"] == f"{DOCUMENT}/rules.json"
    body = (site.site / FOLDER / entry["url"]).read_bytes()
    assert entry["sha256"] == hashlib.sha256(body).hexdigest()
    assert entry["bytes"] == len(body)
    assert index["format"] == FORMAT


def test_the_bundle_meets_its_schema_and_computes_every_worked_example(site: Build) -> None:
    _, schema, bundle = published(site)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(bundle)
    catalog = calc.Catalog(bundle)  # what another platform would load
    count = 0
    for measure in bundle["documents"][0]["measures"]:
        for example in measure["examples"]:
            result = calc.engine.estimate(catalog.get(measure["id"]), example["inputs"],
                                          example["on"])
            assert str(result.award) == example["expect"]["award"], measure["id"]
            count += 1
    assert count == sum(len(m["examples"]) for m in bundle["documents"][0]["measures"]) > 100


def _first_rule(bundle: dict[str, Any]) -> dict[str, Any]:
    rule: dict[str, Any] = bundle["documents"][0]["measures"][0]["parts"][0]["rule"]
    return rule


@pytest.mark.parametrize("mistake", ["unknown kind", "literal rate", "unknown key",
                                     "missing parameter values", "wrong format"])
def test_the_schema_refuses_a_broken_bundle(site: Build, mistake: str) -> None:
    _, schema, bundle = published(site)
    broken = copy.deepcopy(bundle)
    measure = broken["documents"][0]["measures"][0]
    if mistake == "unknown kind":
        _first_rule(broken)["kind"] = "bonus"
    elif mistake == "literal rate":  # a figure is a decimal string or a parameter, never "30%"
        name = next(iter(measure["parameters"]))
        measure["parameters"][name]["values"][0]["value"] = "30%"
    elif mistake == "unknown key":
        _first_rule(broken)["maximum"] = "1"
    elif mistake == "missing parameter values":
        del measure["parameters"][next(iter(measure["parameters"]))]["values"]
    else:
        broken["format"] = FORMAT + 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


def test_the_editors_page_points_to_the_open_data(site: Build) -> None:
    for path in ("for-editors/", "en/for-editors/"):
        page = text_of(site.page(path))
        assert f"data/{DOCUMENT}/rules.json" in page and "rules.schema.json" in page
