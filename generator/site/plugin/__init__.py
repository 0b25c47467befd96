"""The ``qz-policy`` MkDocs plugin: the site's pages from ``policy_data/`` (config, plugin)."""
