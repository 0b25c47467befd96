"""Compile validated policies into the JSON bundle that ``calc`` reads (no YAML in the browser)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from calc import FORMAT  # calc owns the format: the build writes the version it reads

from .crosscheck import profile_fields
from .model import Measure, Policy
from .yaml_source import Path_

# Long prose (and search words) the calculator never shows; the pages read it from the model.
PROSE = {"text", "readings", "notes", "summary", "beneficiary", "eligibility", "parameters",
         "aliases"}


def _measure(policy: Policy, measure: Measure) -> dict[str, Any]:
    return measure_data(measure, policy.bindings.get(measure.id, []))


def measure_data(measure: Measure, bindings: list[tuple[Path_, str]]) -> dict[str, Any]:
    """A measure as ``calc`` reads it: each figure a rule takes from a parameter is the
    parameter's name again, the parameters carry their dated values, and the alternative
    readings that change the amount come along (``calc.alternatives``)."""
    data = measure.model_dump(mode="json", exclude=PROSE)
    for path, name in bindings:
        holder: Any = data["parts"]
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = {"param": name}
    data["parameters"] = {name: {"ref": p.ref, "rate": p.is_rate, "values": [
        {"from": None, "value": str(p.number)},
        *({"from": c.start.isoformat(), "value": str(_number(c.value))} for c in p.changes)]}
        for name, p in measure.parameters.items()}
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


def _profile(policy: Policy) -> dict[str, Any] | None:
    if policy.profile is None:
        return None
    fields = profile_fields(policy.profile, policy.measures)
    return {"sections": [s.model_dump(mode="json") for s in policy.profile.sections],
            "fields": {name: f.model_dump(mode="json") for name, f in fields.items()}}


def _number(figure: str) -> Decimal:
    """A parameter value as ``calc`` reads it: rates as fractions (``30%`` → ``0.3``)."""
    return Decimal(figure[:-1]) / 100 if figure.endswith("%") else Decimal(figure)


def bundle(policies: list[Policy]) -> dict[str, Any]:
    return {"format": FORMAT, "documents": [{
        "document": p.document.model_dump(mode="json"),
        "glossary": p.glossary.model_dump(mode="json"),
        "measures": [_measure(p, m) for m in p.measures],
        "profile": _profile(p),
    } for p in policies]}


def write(policies: list[Policy], target: Path) -> Path:
    """Write the bundle atomically, so a failed build never leaves half a file."""
    text = json.dumps(bundle(policies), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target
