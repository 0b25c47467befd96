"""Run every named example through ``calc`` — the same code the pages and the browser use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import calc

from .bundle import bundle
from .model import Example, Measure, Policy
from .yaml_source import SourceDoc, load


@dataclass(frozen=True)
class Worked:
    """A named example with what ``calc`` computed for it (or the error it gave)."""

    example: Example
    result: calc.Estimate | None
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
            result = calc.estimate(f"{policy.document.id}/{measure.id}", inputs, on,
                                   using=catalog)
            found.append(Worked(example, result, None))
        except calc.CalcError as error:
            found.append(Worked(example, None, error))
    return found


def _where(root: Path, policy: Policy, measure: Measure) -> tuple[str, SourceDoc | None]:
    """The measure file as editors name it, and its positions (to give each example a line)."""
    path = root / policy.document.id / "measures" / f"{measure.id}.yaml"
    shown = str(path.relative_to(root.parent))
    return shown, (load(path, root.parent) if path.is_file() else None)


def failures(policies: list[Policy], root: Path) -> list[str]:
    """One line per example whose computed award, city or county share differs from its YAML:
    ``file:line:column: example N`` (counted from 1, as editors count) in both languages.
    ``root`` is the policy data folder the policies were loaded from."""
    catalog = calc.Catalog(bundle(policies))
    lines: list[str] = []
    for policy in policies:
        for measure in policy.measures:
            file, source = _where(root, policy, measure)
            try:
                worked_examples = work(policy, measure, catalog)
            except Exception as error:  # a calc bug must still name the file, not crash the check
                lines.append(f"{file}:1:1: examples: " + calc.both(
                    "check.example_crashed", kind=type(error).__name__, error=error))
                continue
            for number, worked in enumerate(worked_examples, start=1):
                if worked.matches:
                    continue
                line, column = source.position(("examples", number - 1)) if source else (1, 1)
                e = worked.example.expect
                got = (f"{worked.result.award}/{worked.result.city}/{worked.result.county}"
                       if worked.result else f"error: {worked.error}")
                lines.append(f"{file}:{line}:{column}: " + calc.both(
                    "check.example_mismatch", number=number, name=calc.Label(
                        worked.example.name.zh, worked.example.name.en),
                    expected=f"{e.award}/{e.city}/{e.county}", got=got))
    return lines
