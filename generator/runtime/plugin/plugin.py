"""MkDocs plugin: ship the calculator's runtime with the site and hook it into the pages.

- ``on_config``: build (or take from the cache) the ``calc`` wheel with the current rules, the
  site's pyodide-lock.json, the precompiled stdlib, the core zip and the memory snapshot
  (:mod:`generator.runtime.pyodide_build`). Runs once per plugin instance: static-i18n's second
  language build reuses it.
- ``on_post_page``: a page that holds a calculator (``data-qz-calc``) gets the stylesheet and a
  small JSON config with the asset URLs (relative to the page) in its head — placed before the
  theme's head script, which starts the worker from it — and the page script in its body.
- ``on_serve``: ``mkdocs serve`` rebuilds when a file under ``web/`` changes.
- ``on_post_build``: copy the runtime to ``assets/pyodide/<version>-<hash>/`` and the page script,
  worker and stylesheet to ``assets/calc/<name>.<hash>.<ext>``: every URL names its content, so
  a server may cache all of them as immutable. Their ``.br``/``.gz`` siblings are written after,
  with every other file's (generator/serve/precompress.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from generator.data.bundle import bundle
from generator.data.load import DataError, load_all
from generator.data.model import Policy
from generator.runtime import pyodide_build as pb
from generator.runtime.plugin.config import PyodideConfig

log = get_plugin_logger(__name__)

MARKER = "data-qz-calc"
SELFCHECK_MARKER = "data-qz-selfcheck"  # the self-check page
RUNTIME_DIR = "assets/pyodide"
WEB_DIR = "assets/calc"
# web/: one module per job — the worker, its byte counter, the worker client, the form both pages
# share, and the two page scripts.
WEB_FILES = {"script": "calculator.js", "worker": "calc-worker.js", "style": "calculator.css",
             "selfcheck": "selfcheck.js", "progress": "fetch-progress.js",
             "client": "worker-client.js", "form": "worker-form.js"}
# The theme's head script (generator/site/theme/assets/javascripts/qz-head.js) starts the worker
# when the config precedes it: before the page is parsed, long before the page script runs.
HEAD_SCRIPT = re.compile(r'<script src="[^"]*qz-head\.js"')


class PyodidePlugin(BasePlugin[PyodideConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.runtime: pb.Runtime | None = None
        self.web: dict[str, str] = {}  # role → site path
        self.web_files: dict[str, Path] = {}  # site path → source

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.runtime is None:
            root = pb.ROOT  # calc/ and node_modules/, wherever the config file is
            inputs = pb.Inputs(root=root, cache=root / self.config.cache_dir,
                               optimize=self.config.optimize, snapshot=self.config.snapshot)
            try:
                self.runtime = pb.build_runtime(inputs, self._rules(config, root))
            except pb.BuildError as error:
                raise PluginError(f"qz-pyodide: {error}") from None
            for role, name in WEB_FILES.items():
                source = pb.WEB / name
                digest = pb.sha256(source)
                path = f"{WEB_DIR}/{source.stem}.{digest[:10]}{source.suffix}"
                self.web[role] = path
                self.web_files[path] = source
            log.info(f"calculator runtime: Pyodide {self.runtime.version}, "
                     f"{self.runtime.wheel}, snapshot {'on' if self.runtime.snapshot else 'off'}")
        return config

    @staticmethod
    def _rules(config: MkDocsConfig, root: Path) -> str:
        """The rules bundle the wheel carries: the same policies the pages were made from."""
        policy_plugin = config.plugins.get("qz-policy")
        policies: list[Policy] = list(getattr(policy_plugin, "policies", None) or [])
        if not policies:
            try:
                policies = load_all(root / "policy_data")
            except DataError as error:
                raise PluginError(error.report()) from None
        return json.dumps(bundle(policies), ensure_ascii=False, separators=(",", ":"),
                          sort_keys=True)

    def _runtime(self) -> pb.Runtime:
        if self.runtime is None:  # pragma: no cover - on_config always runs first
            raise PluginError("qz-pyodide: the runtime was not built")
        return self.runtime

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        selfcheck = SELFCHECK_MARKER in output
        if MARKER not in output and not selfcheck:
            return output
        runtime = self._runtime()

        def url(path: str) -> str:
            return get_relative_url(path, page.url)

        settings = {
            "worker": url(self.web["worker"]),
            "runtime": url(f"{RUNTIME_DIR}/{runtime.dirname}") + "/",
            # The worker starts with the core zip alone; the fragment is its SRI hash (a fetch
            # never sends it; the worker checks the bytes against it, as Pyodide checked the
            # wheel's sha256 before calc moved into this zip).
            "stdlib": f"{runtime.core}#{runtime.core_integrity}",
            "fullStdlib": runtime.full,  # … and loads a module it lacks from this one
            "lock": pb.LOCK,
            "snapshot": runtime.snapshot,  # for later visits (and a first one on a fast link)
            # A first visit whose start downloads took less than this waits for the snapshot.
            "earlySnapshotMs": self.config.early_snapshot_ms if runtime.snapshot else 0,
            "watchdogMs": self.config.watchdog_seconds * 1000,
            # The page scripts import the worker client and the form by these (hashed) URLs.
            "client": url(self.web["client"]),
            "form": url(self.web["form"]),
            # The worker's byte counter and the runtime files' sizes (its progress bar's total):
            # every file the worker may ask for, by name, decoded (it counts bytes after HTTP
            # decoding). Their .br/.gz siblings are not URLs: the server picks one per request.
            "progress": url(self.web["progress"]),
            "sizes": {name: path.stat().st_size for name, path in runtime.files.items()},
        }
        script = "selfcheck" if selfcheck else "script"
        settings["page"] = url(self.web[script])  # run by qz-head.js after instant navigation
        # JSON inside <script>: "<" is escaped so no value can close the element.
        blob = json.dumps(settings, separators=(",", ":")).replace("<", "\\u003c")
        config_json = f'<script type="application/json" id="qz-calc-config">{blob}</script>\n'
        # The worker's script is asked for beside the head script that starts the worker, not
        # one round trip after it (the browser's HTTP cache hands it to the worker).
        config_json = (f'<link rel="modulepreload" href="{escape(url(self.web["worker"]))}">\n'
                       + config_json)
        head = f'<link rel="stylesheet" href="{escape(url(self.web["style"]))}">\n'
        # Fetched beside the page script, not one round trip after it imports them.
        head += "".join(f'<link rel="modulepreload" href="{escape(url(self.web[role]))}">\n'
                        for role in ("client", "form"))
        body = f'<script type="module" src="{escape(url(self.web[script]))}"></script>\n'
        found = HEAD_SCRIPT.search(output)
        if found:
            output = output[:found.start()] + config_json + output[found.start():]
        else:  # another theme: the page script starts the worker itself, after parsing
            head += config_json
        output = output.replace("</head>", head + "</head>", 1)
        return output.replace("</body>", body + "</body>", 1)

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer:
        server.watch(str(pb.WEB))  # the page script, worker and build scripts
        return server

    def on_post_build(self, config: MkDocsConfig) -> None:
        runtime = self._runtime()
        site = Path(config.site_dir)
        pb.install(runtime.files, site / RUNTIME_DIR / runtime.dirname)
        pb.install(self.web_files, site)


__all__ = ["PyodidePlugin"]
