"""Run every named example through ``calc`` — the same code the pages and the browser use."""

from __future__ import annotations

from dataclasses import dataclass

import calc
from calc.engine import Estimate

from .bundle import bundle
from .model import Example, Measure, Policy


@dataclass(frozen=True)
class Worked:
    """A named example with what ``calc`` computed for it (or the error it gave)."""

    example: Example
    result: Estimate | None
    error: calc.CalcError | None

    @property
    def matches(self) -> bool:
        r, e = self.result, self.example.expect
        return r is not None and (r.award, r.city, r.county) == (e.award, e.city, e.county)


def work(policy: Policy, measure: Measure, catalog: calc.Catalog) -> list[Worked]:
    found: list[Worked] = []
    for example in measure.examples:
        on = example.on or policy.document.window.start
        try:
            inputs = {k: v for k, v in example.inputs.items()}
            result = calc.engine.estimate(catalog.get(f"{policy.document.id}/{measure.id}"),
                                          inputs, on)
            found.append(Worked(example, result, None))
        except calc.CalcError as error:
            found.append(Worked(example, None, error))
    return found


def failures(policies: list[Policy]) -> list[str]:
    """One line per example whose computed award, city or county share differs from its YAML."""
    catalog = calc.Catalog(bundle(policies))
    lines: list[str] = []
    for policy in policies:
        for measure in policy.measures:
            for worked in work(policy, measure, catalog):
                if worked.matches:
                    continue
                e = worked.example.expect
                got = (f"{worked.result.award}/{worked.result.city}/{worked.result.county}"
                       if worked.result else f"error: {worked.error}")
                lines.append(
                    f"policy_data/{policy.document.id}/measures/{measure.id}.yaml: examples: "
                    f"“{worked.example.name.zh}” 期望 expected {e.award}/{e.city}/{e.county}, "
                    f"计算得 computed {got}")
    return lines
