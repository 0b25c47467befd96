"""Results that say which rules they used, and what changed since.

An estimate or a self-check names the documents it computed with (its own document, and each
amending document in force on its date) with their SHA-256, as ``data/index.json`` lists them,
and a short token of them a share link can carry: ``qz-2025-18:8e2d2b31,example-amend-2026:…``.
A link opened after the data changed gives that token back (with the figure it showed, and the
parameter values it was computed with); :func:`changes_since` says so, names each parameter that
changed on the link's date (old → new, from which date, which clause) and the engine gives the
figure under the current rules beside the stored one.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .catalog import Catalog
from .engine import MeasureRules
from .fmt import Amount, Day, Label, Money, Percent
from .messages import bilingual
from .parameters import Value, values_on

SHORT = 8  # hex digits of each document's SHA-256 in a token: enough to tell versions apart
TOKEN = re.compile(rf"^[a-z0-9-]+:[0-9a-f]{{{SHORT}}}$")


def used(catalog: Catalog, measures: list[MeasureRules], day: dt.date) -> list[dict[str, Any]]:
    """The documents ``measures`` computed with on ``day``: each one's own and each amending
    document in force then, with number, title and SHA-256 (once each, in bundle order)."""
    ids = {d["document"] for m in measures for d in catalog.rules_for(m, day)}
    return [{"document": d, "number": catalog.docs[d].number,
             "title": {"zh": catalog.docs[d].title.zh, "en": catalog.docs[d].title.en},
             "sha256": catalog.rules_sha256[d]} for d in catalog.docs if d in ids]


def token(documents: list[dict[str, Any]]) -> str:
    return ",".join(f"{d['document']}:{d['sha256'][:SHORT]}" for d in documents)


def parse_token(text: Any) -> dict[str, str] | None:
    """A link's token as {document: short hash}; None if it is not one (it is then ignored)."""
    if not isinstance(text, str) or not text:
        return None
    items = text.split(",")
    if not all(TOKEN.match(item) for item in items):
        return None
    return dict(item.split(":", 1) for item in items)


def changes_since(catalog: Catalog, stored: Any, measure: MeasureRules, day: dt.date,
                  award: Decimal) -> dict[str, Any] | None:
    """What changed in the rules of ``measure`` on ``day`` since a link stored ``stored``
    (``{"rules": token, "award": "…", "parameters": {name: value}}``): None when nothing did
    or the link carries no token. Otherwise the documents now used that the link did not know
    (or knew at another version), the stored and the current award, and each parameter whose
    value on ``day`` differs, with the clause it now comes from."""
    if not isinstance(stored, dict):
        return None
    before = parse_token(stored.get("rules"))
    now = used(catalog, [measure], day)
    if before is None or before == {d["document"]: d["sha256"][:SHORT] for d in now}:
        return None
    current = values_on(measure.parameters, day)
    given = stored.get("parameters")
    old: dict[str, Any] = given if isinstance(given, dict) else {}
    changed = [_parameter(name, old.get(name), value, measure)
               for name, value in current.items() if _differs(old.get(name), value)]
    stored_award = _amount(stored.get("award"))
    return {"documents": [d for d in now if before.get(d["document"]) != d["sha256"][:SHORT]],
            "stored_award": None if stored_award is None else str(stored_award),
            "award": str(award), "parameters": changed,
            **bilingual("changed.notice", stored=_money(stored_award), award=Money(award))}


def _differs(old: Any, value: Value) -> bool:
    number = _amount(old)
    return number is not None and number != Decimal(value.value)


def _amount(text: Any) -> Decimal | None:
    try:
        found = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() else None


def _money(value: Decimal | None) -> Label:
    return Label("—", "—") if value is None else Label(Money(value).local("zh"),
                                                        Money(value).local("en"))


def _parameter(name: str, old: Any, value: Value, measure: MeasureRules) -> dict[str, Any]:
    rate = bool(measure.data.get("parameters", {}).get(name, {}).get("rate"))

    def shown(number: Decimal) -> Label:
        figure = Percent(number) if rate else Amount(number)
        return Label(figure.local("zh"), figure.local("en"))

    source = value.source
    cited = source.cited if source else Label(measure.data["parameters"][name]["ref"],
                                              measure.data["parameters"][name]["ref"])
    when = Day(value.start) if value.start else Label("—", "—")
    texts = bilingual("changed.parameter", name=name, old=shown(Decimal(str(old))),
                      new=shown(Decimal(value.value)), date=when, clause=cited)
    return {"name": name, "old": str(old), "new": value.value,
            "from": value.start.isoformat() if value.start else None,
            "document": source.document if source else measure.document,
            "ref": cited.zh, "ref_en": cited.en, **texts}


def assess_changes(catalog: Catalog, stored: Any, measures: list[MeasureRules], day: dt.date,
                   totals: dict[str, str]) -> dict[str, Any] | None:
    """What changed since a self-check link stored ``stored`` (``{"rules": token, "totals":
    {…}}``): the documents now used that it did not know, its totals beside today's, and each
    parameter of the measures checked that an amending document among them changed by the
    link's date (old: the value before that change)."""
    if not isinstance(stored, dict):
        return None
    before = parse_token(stored.get("rules"))
    now = used(catalog, measures, day)
    if before is None or before == {d["document"]: d["sha256"][:SHORT] for d in now}:
        return None
    new = [d for d in now if before.get(d["document"]) != d["sha256"][:SHORT]]
    ids = {d["document"] for d in new}
    changed = []
    for measure in measures:
        for name, values in measure.parameters.items():
            current = values_on({name: values}, day)[name]
            if current.source is not None and current.source.document in ids:
                previous = values[values.index(current) - 1]
                changed.append({"measure": catalog.key(measure),
                                **_parameter(name, previous.value, current, measure)})
    found = stored.get("totals")
    stored_totals: dict[str, Any] = found if isinstance(found, dict) else {}
    old = _amount(stored_totals.get("entitlements"))
    award = Decimal(totals["entitlements"])
    return {"documents": new, "stored_totals": stored_totals, "totals": totals,
            "parameters": changed,
            **bilingual("changed.notice", stored=_money(old), award=Money(award))}
