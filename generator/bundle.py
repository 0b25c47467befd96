"""Compile validated policies into the JSON bundle that ``calc`` reads (no YAML in the browser)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .crosscheck import profile_fields
from .model import Policy

# Long prose the calculator never shows; the pages read it from the model instead.
PROSE = {"text", "readings", "notes", "summary", "beneficiary", "eligibility"}


def _profile(policy: Policy) -> dict[str, Any] | None:
    if policy.profile is None:
        return None
    fields = profile_fields(policy.profile, policy.measures)
    return {"sections": [s.model_dump(mode="json") for s in policy.profile.sections],
            "fields": {name: f.model_dump(mode="json") for name, f in fields.items()}}


def bundle(policies: list[Policy]) -> dict[str, Any]:
    return {"documents": [{
        "document": p.document.model_dump(mode="json"),
        "glossary": p.glossary.model_dump(mode="json"),
        "measures": [m.model_dump(mode="json", exclude=PROSE) for m in p.measures],
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
