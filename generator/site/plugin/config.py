"""The options of the ``qz-policy`` plugin (mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class PolicyConfig(base.Config):  # type: ignore[no-untyped-call]
    policy_data = c.Dir(exists=True, default="policy_data")
    # The date that "ends soon" is measured from (default: the day of the build).
    today = c.Optional(c.Type(str))
