"""Lighthouse (npm, pinned) against the built site on 127.0.0.1 with Debian's Chromium, offline:
category scores and the main metrics of one run.

    python -m tests.quality.lighthouse [--site site]   # writes reports/lighthouse.{md,json}
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from generator.serve.static_server import serving
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {"FCP": "first-contentful-paint", "LCP": "largest-contentful-paint",
           "TBT": "total-blocking-time", "CLS": "cumulative-layout-shift", "SI": "speed-index"}
PAGES = {"home": "", "measure": "measures/3.1/", "self-check": "self-check/"}
# Each preset in both colour schemes: Chromium's --force-dark-mode makes the page see
# prefers-color-scheme: dark (the site follows it, mkdocs.yml's palette).
RUNS = {"desktop": ("desktop", "light"), "mobile": ("mobile", "light"),
        "desktop dark": ("desktop", "dark"), "mobile dark": ("mobile", "dark")}
SCHEME_FLAGS = {"light": [], "dark": ["--force-dark-mode"]}
TARGETS = {"desktop": dict.fromkeys(CATEGORIES, 100), "mobile": {"performance": 95}}


def audit(url: str, preset: str, categories: tuple[str, ...] = CATEGORIES,
          scheme: str = "light") -> dict[str, Any]:
    """One Lighthouse run: scores ×100 and the metrics (ms; CLS unitless)."""
    if not LIGHTHOUSE.is_file():
        raise SystemExit("lighthouse is not installed: run `npm ci` (make setup)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        flags = " ".join(CHROMIUM_ARGS + SCHEME_FLAGS[scheme])
        args = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
                f"--only-categories={','.join(categories)}", f"--chrome-flags={flags}"]
        if preset == "desktop":
            args.append("--preset=desktop")
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=180,
                              env={**os.environ, "CHROME_PATH": CHROMIUM})
        if done.returncode != 0 or not out.is_file():
            raise RuntimeError(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
        report = json.loads(out.read_text("utf-8"))
    audits = report["audits"]
    return {
        "scores": {c: round(100 * report["categories"][c]["score"]) for c in categories},
        "metrics": {name: round(audits[key]["numericValue"], 3) if name == "CLS"
                    else round(audits[key]["numericValue"]) for name, key in METRICS.items()},
        "failing": sorted(key for key, a in audits.items()
                          if a.get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"}
                          and a.get("score") is not None and a["score"] < 0.9),
        "lighthouse": report["lighthouseVersion"],
    }


def markdown(results: dict[str, dict[str, dict[str, Any]]], version: str) -> str:
    lines = [
        "# Lighthouse report",
        "",
        f"Lighthouse {version}, Debian Chromium, offline, the built site served on 127.0.0.1 by "
        "`generator/serve/static_server.py`; one run per page and preset (simulated throttling). "
        "Regenerate with `make lighthouse`.",
        "",
        "Targets: desktop 100 in every category; mobile performance ≥ 95; in the light and the "
        "dark colour scheme (\"dark\": Chromium's --force-dark-mode, prefers-color-scheme: dark).",
        "",
        "| page | preset | performance | accessibility | best practices | SEO "
        "| FCP ms | LCP ms | TBT ms | CLS | SI ms | audits below 0.9 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page, presets in results.items():
        for preset, r in presets.items():
            s, m = r["scores"], r["metrics"]
            lines.append(f"| {page} | {preset} | " + " | ".join(str(s[c]) for c in CATEGORIES)
                         + " | " + " | ".join(str(m[k]) for k in METRICS) + " | "
                         + (", ".join(r["failing"]) or "—") + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--out", default=str(ROOT / "reports" / "lighthouse"))
    args = parser.parse_args()
    site = Path(args.site)
    results: dict[str, dict[str, dict[str, Any]]] = {}
    with serving(site) as server:
        for page, path in PAGES.items():
            if not (site / path / "index.html").is_file():
                print(f"skipped {page}: {path} is not built", file=sys.stderr)
                continue
            results[page] = {run: audit(server.url + path, preset, scheme=scheme)
                             for run, (preset, scheme) in RUNS.items()}
            print(page, {p: r["scores"] for p, r in results[page].items()}, flush=True)
    version = next(iter(next(iter(results.values())).values()))["lighthouse"]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    out.with_suffix(".md").write_text(markdown(results, version), "utf-8")
    missed = [f"{page} {run} {c} {r['scores'][c]} < {want}"
              for page, runs in results.items() for run, r in runs.items()
              for c, want in TARGETS[RUNS[run][0]].items() if r["scores"][c] < want]
    print("\n".join(missed) or "all targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
