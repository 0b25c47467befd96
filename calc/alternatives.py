"""Alternative readings that change the amount: a reading's other interpretation, written in the
data as a patch of one part's rule tree (``at`` names the node, ``node`` is what stands there
instead), so the same primitives compute it and the page can say "under the alternative
reading: …" beside the primary award.

Bundle form of a measure's ``alternatives``::

    [{"ref": "A-3.1b", "label": {"zh": …, "en": …} | null, "part": "main",
      "at": "then.of", "node": {"kind": "rate", …}, "funding": null},
     {"ref": "A-8.2b", "label": null, "part": null, "at": "", "node": null,
      "funding": "city_only"}]

``at`` is a dotted path of fields and list indexes below the part's rule (``""`` is the rule
itself); figures in ``node`` name the measure's parameters like the rule's own. A reading with
``funding`` and no ``node`` keeps the amount and has another pay it (``city_only``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .rules import Node, Path, Problem, check, inputs_of, references
from .rules import _zeroed as zeroed

FUNDING = ("city_only",)  # who pays under a reading: so far, only the city alone


def steps(at: str) -> Path:
    """``then.of`` → ``("then", "of")``; ``items.1`` → ``("items", 1)``; ``""`` → ``()``."""
    return tuple(int(s) if s.isdigit() else s for s in at.split(".") if s) if at else ()


def find(rule: Any, path: Path) -> Any:
    """The node at ``path`` in a raw rule tree, or None when the path leads nowhere."""
    node = rule
    for step in path:
        in_list = isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node)
        in_map = isinstance(step, str) and isinstance(node, Mapping) and step in node
        if not (in_list or in_map):
            return None
        node = node[step]
    return node if isinstance(node, Mapping) and "kind" in node else None


def patched(rule: Any, at: str, node: Any) -> Any:
    """A copy of a raw rule tree with the node at ``at`` replaced by ``node``."""
    path = steps(at)
    if not path:
        return copy.deepcopy(node)
    tree = copy.deepcopy(rule)
    holder = tree
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = copy.deepcopy(node)
    return tree


def part_rule(data: Mapping[str, Any], part: str) -> Any:
    """The raw rule of the part with this id (None if there is none)."""
    for item in data.get("parts") or []:
        if isinstance(item, Mapping) and item.get("id") == part:
            return item.get("rule")
    return None


def check_alternatives(data: Mapping[str, Any], path: Path = ()) -> list[Problem]:
    """Each alternative names a part of the measure and a node of its rule, and its new node is
    a valid rule (figures naming parameters) that reads existing inputs of the right types."""
    found: list[Problem] = []
    alternatives = data.get("alternatives")
    if alternatives is None:
        return []
    if not isinstance(alternatives, list):
        return [Problem.of(path + ("alternatives",), "rules.not_list")]
    params = set(data.get("parameters") or {})
    inputs = inputs_of(data)
    for i, alt in enumerate(alternatives):
        at = path + ("alternatives", i)
        if not isinstance(alt, Mapping):
            found.append(Problem.of(at, "rules.not_mapping"))
            continue
        if alt.get("node") is None:  # a reading that only splits the award another way
            if alt.get("funding") not in FUNDING:
                found.append(Problem.of(at + ("funding",), "rules.alt_funding"))
            continue
        rule = part_rule(data, str(alt.get("part")))
        if rule is None:
            known = "/".join(str(p.get("id")) for p in data.get("parts") or []
                             if isinstance(p, Mapping))
            name = alt.get("part")
            found.append(Problem.of(at + ("part",), "rules.no_part", name=repr(name), known=known))
            continue
        where = alt.get("at")
        if not isinstance(where, str) or find(rule, steps(where)) is None:
            found.append(Problem.of(at + ("at",), "rules.not_a_node", where=repr(where)))
            continue
        structural = check(alt.get("node"), at + ("node",), params)
        found += structural
        if not structural:
            found += references(Node.build(zeroed(alt["node"])), inputs, at + ("node",))
    return found
