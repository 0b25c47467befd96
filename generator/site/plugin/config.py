"""The options of the ``qz-policy`` plugin (mkdocs.yml)."""

from __future__ import annotations

import datetime as dt

from mkdocs.config import base
from mkdocs.config import config_options as c


class PolicyConfig(base.Config):  # type: ignore[no-untyped-call]
    policy_data = c.Dir(exists=True, default="policy_data")
    # The day the pages' statuses are first shown for (default: the day of the build); the
    # browser shows the visitor's day's (qz-status.js). YAML reads 2026-12-07 as a date.
    today = c.Optional(c.Type((str, dt.date)))
