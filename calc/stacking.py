"""How a supplement and the measure it adds to are paid together, as the supplement's text
states (``supplements.stacking`` in the bundle): the self-check computes each on its own, then
this combines each pair.

* ``cumulative`` — both are paid;
* ``exclusive`` — the supplement only where the measure it adds to pays nothing;
* ``highest`` — only the higher of the two (就高不重复; on a tie, the measure added to);
* ``combined_cap`` — both, the supplement cut so that the two together stay within its
  parameter named by ``cap`` (bound on the self-check's date, like every figure).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .catalog import Catalog
from .engine import MeasureRules, split
from .fmt import Label, Money, to_fen
from .messages import bilingual
from .parameters import values_on

ZERO = Decimal("0.00")


def stack(catalog: Catalog, rows: list[dict[str, Any]], day: dt.date) -> None:
    """Combine each supplement's row with the row of the measure it adds to (both computed),
    in place; each combined row says how (``stacking``)."""
    by_key = {row["key"]: row for row in rows}
    for row in rows:
        measure = catalog.get(row["key"])
        relation = measure.data.get("supplements")
        if not relation:
            continue
        target = catalog.get(f"{relation['document']}/{relation['measure']}")
        other = by_key.get(catalog.key(target))
        names = {"measure": _named(target), "number": catalog.docs[target.document].number}
        row["stacking"] = {"rule": relation["stacking"], "with": catalog.key(target),
                           **bilingual(f"stack.{relation['stacking']}", **names)}
        if other is None or not _paid(row) or not _paid(other):
            continue
        _combine(relation, measure, row, target, other, day)


def _named(measure: MeasureRules) -> Label:
    return Label(f"{measure.id} {measure.title.zh}", f"{measure.id} {measure.title.en}")


def _paid(row: dict[str, Any]) -> bool:
    return row["status"] == "may_qualify" and row["award"] is not None


def _combine(relation: dict[str, Any], measure: MeasureRules, row: dict[str, Any],
             target: MeasureRules, other: dict[str, Any], day: dt.date) -> None:
    mine, theirs = Decimal(row["award"]), Decimal(other["award"])
    rule = relation["stacking"]
    if rule == "exclusive" and theirs > 0:
        _set(row, measure, ZERO, "stack.exclusive_zero", target, other)
    elif rule == "highest":
        if mine > theirs:
            _set(other, target, ZERO, "stack.highest_zero", measure, row)
        else:
            _set(row, measure, ZERO, "stack.highest_zero", target, other)
    elif rule == "combined_cap":
        cap = Decimal(values_on(measure.parameters, day)[relation["cap"]].value)
        allowed = max(ZERO, cap - theirs)
        if mine > allowed:
            _set(row, measure, allowed, "stack.capped", target, other, cap=Money(cap))


def _set(row: dict[str, Any], measure: MeasureRules, award: Decimal, code: str,
         kept: MeasureRules, kept_row: dict[str, Any], **values: object) -> None:
    """The row's award as the stacking rule leaves it, split as its measure splits awards."""
    city, county = split(measure, award)
    why = bilingual(code, measure=_named(kept), award=Money(Decimal(kept_row["award"])),
                    **values)
    # the part of the award that is a ceiling keeps its share (the totals count it apart)
    before, ceiling = Decimal(row["award"]), Decimal(row["up_to"])
    up_to = to_fen(ceiling * award / before) if before else ZERO
    row.update(award=str(award), city=str(city), county=str(county), up_to=str(up_to),
               entitled=str(award - up_to))
    if award == 0:
        row.update(status="not_qualified", why=why, hints=[], alternatives=[])
    else:
        row["warnings"] = [*row["warnings"], why]
