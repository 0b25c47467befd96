"""The ``qz-pyodide`` MkDocs plugin: the calculator's runtime in the site (config, plugin)."""
