"""Documents in time (issue 23), in calc: the one place a status is derived (``Window``), on
the dates its timeline lists; the engine refuses exactly the days a status calls not in force;
an amended window end counts from its date."""

from __future__ import annotations

import datetime as dt

import pytest

import calc
from calc import Window

DAY = dt.timedelta(days=1)
START, END = dt.date(2026, 2, 1), dt.date(2026, 12, 31)


def window(**kw: object) -> Window:
    args: dict[str, object] = {"start": START, "ends": ((None, END),), "warn_days": 90}
    return Window(**{**args, **kw})  # type: ignore[arg-type]


def test_a_window_moves_through_its_states_on_its_dates() -> None:
    w = window(ends_early=True)
    assert w.state(START - DAY) == "not_yet"
    assert w.state(START) == "ends_early"
    assert w.state(END - dt.timedelta(days=91)) == "ends_early"
    assert w.state(END - dt.timedelta(days=90)) == "ends_soon"
    assert w.state(END) == "ends_soon"
    assert w.state(END + DAY) == "expired"


def test_a_successor_replaces_from_its_start() -> None:
    takeover = dt.date(2026, 7, 1)
    w = window(replaced_on=takeover)
    assert w.state(takeover - DAY) == "in_force"
    assert w.state(takeover) == w.state(END + DAY) == "replaced"


def test_an_amended_end_counts_from_its_date() -> None:
    later = END + dt.timedelta(days=365)
    w = window(ends=((None, END), (END - dt.timedelta(days=10), later)))
    assert w.end_on(END - dt.timedelta(days=11)) == END
    assert w.state(END + DAY) == "in_force"
    assert w.state(later + DAY) == "expired"
    assert w.last_end == later


MOVED = ((None, END), (dt.date(2026, 11, 1), dt.date(2027, 6, 30)))


@pytest.mark.parametrize("kw", [{}, {"ends_early": True}, {"replaced_on": dt.date(2026, 7, 1)},
                                {"ends": MOVED}, {"warn_days": 0}])
def test_the_timeline_is_the_state_of_every_day(kw: dict[str, object]) -> None:
    """The pages carry the timeline and the browser picks from it: it must agree with
    ``state`` on every single day, not only on the boundaries."""
    w = window(**kw)
    timeline = w.timeline()
    day = START - dt.timedelta(days=40)
    while day < dt.date(2028, 1, 1):
        picked = [state for start, state in timeline if start is None or start <= day][-1]
        assert picked == w.state(day), day
        day += DAY


def _catalog(replaced_by: str | None = None) -> calc.Catalog:
    from .conftest import DOC, measure, money

    rule = {"kind": "fixed", "amount": "100", "ref": "r"}
    data = measure(rule, [money("x", "0")], validity={"start": "2026-02-01", "end": "2026-12-31",
                                                      "ref": "v"})
    documents = [{"document": DOC, "glossary": {"terms": []}, "measures": [data]}]
    if replaced_by:
        documents.append({"document": {**DOC, "id": "next", "default": False,
                                       "window": {**DOC["window"], "start": replaced_by},
                                       "replaces": [{"document": DOC["id"]}]},
                          "glossary": {"terms": []}, "measures": []})
    return calc.Catalog({"format": calc.FORMAT, "documents": documents})


@pytest.mark.parametrize("replaced_by", [None, "2026-07-01"])
def test_the_engine_refuses_exactly_the_days_the_status_calls_not_in_force(
        replaced_by: str | None) -> None:
    catalog = _catalog(replaced_by)
    measure = catalog.get("9.9")
    day = START - dt.timedelta(days=3)
    while day < END + dt.timedelta(days=3):
        try:
            calc.engine.estimate(measure, {}, day)
            refused = None
        except calc.CalcError as error:
            refused = error.code
        state = measure.status(day)
        assert (refused is None) == (state in calc.IN_FORCE), (day, state, refused)
        if refused:
            assert refused == f"error.{state}", (day, state)
        day += DAY
