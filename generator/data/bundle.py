"""Compile validated policies into the JSON bundle that ``calc`` reads (no YAML in the browser)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from calc import FORMAT  # calc owns the format: the build writes the version it reads

from .crosscheck import profile_fields
from .model import Document, Measure, Policy
from .yaml_source import Path_

# Long prose (and search words) the calculator never shows; the pages read it from the model.
PROSE = {"text", "readings", "notes", "summary", "beneficiary", "eligibility", "parameters",
         "aliases"}


def measure_data(measure: Measure) -> dict[str, Any]:
    """A measure as ``calc`` reads it: each figure of a rule names its parameter (the model's
    rule trees dump them so), the parameters carry the values the measure states (amending
    documents add theirs, merged by calc), and the alternative readings that change the amount
    come along (``calc.alternatives``)."""
    data = measure.model_dump(mode="json", exclude=PROSE)
    data["parameters"] = {name: {"ref": p.ref, "rate": p.is_rate, "values": [
        {"from": None, "value": str(p.number)}]} for name, p in measure.parameters.items()}
    data["alternatives"] = [alt for _, alt in alternatives(measure)]
    return data


def alternatives(measure: Measure) -> list[tuple[Path_, dict[str, Any]]]:
    """Each alternative reading's rule patch in bundle form, with where it is in the YAML."""
    found: list[tuple[Path_, dict[str, Any]]] = []
    only = measure.parts[0].id if len(measure.parts) == 1 else None
    for r, reading in enumerate(measure.readings):
        for j, rule in enumerate(reading.alternative.rules if reading.alternative else []):
            label = rule.label.model_dump() if rule.label else None
            found.append((("readings", r, "alternative", "rules", j), {
                "ref": reading.ref, "label": label, "part": rule.part or only, "at": rule.at,
                "node": rule.node, "funding": None}))
        if reading.alternative and reading.alternative.funding:
            found.append((("readings", r, "alternative", "funding"), {
                "ref": reading.ref, "label": None, "part": None, "at": "", "node": None,
                "funding": reading.alternative.funding}))
    return found


def _profile(policy: Policy, measures: list[Measure]) -> dict[str, Any] | None:
    """The self-check profile (the root document's), its fields defined by the inputs of the
    measures of every document that link to them."""
    if policy.profile is None:
        return None
    fields = profile_fields(policy.profile, measures)
    return {"sections": [s.model_dump(mode="json") for s in policy.profile.sections],
            "fields": {name: f.model_dump(mode="json") for name, f in fields.items()}}


def _number(figure: str) -> Decimal:
    """A parameter value as ``calc`` reads it: rates as fractions (``30%`` → ``0.3``)."""
    return Decimal(figure[:-1]) / 100 if figure.endswith("%") else Decimal(figure)


def document_data(document: Document) -> dict[str, Any]:
    """A document as ``calc`` reads it: an amendment's values as calc reads figures."""
    data = document.model_dump(mode="json", by_alias=True)
    if document.amends is not None:
        for change, dumped in zip(document.amends.changes, data["amends"]["changes"],
                                  strict=True):
            if change.value is not None:
                dumped["value"] = str(_number(change.value))
    return data


def bundle(policies: list[Policy]) -> dict[str, Any]:
    # the root document's inputs define the profile's fields before any other document's
    ordered = sorted(policies, key=lambda p: not p.document.default)
    measures = [m for p in ordered for m in p.measures]
    return {"format": FORMAT, "documents": [{
        "document": document_data(p.document),
        "glossary": p.glossary.model_dump(mode="json"),
        "measures": [measure_data(m) for m in p.measures],
        "profile": _profile(p, measures),
    } for p in policies]}


def write(policies: list[Policy], target: Path) -> Path:
    """Write the bundle atomically, so a failed build never leaves half a file."""
    text = json.dumps(bundle(policies), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target
