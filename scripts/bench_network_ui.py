"""Benchmark of the calculator's start-up on emulated networks and of instant navigation, against
the built site behind nginx with deploy/nginx.conf (a benchmark that reports, not a test).

For each profile, in a fresh browser profile: navigation → first result on measure 3.1 (cold),
how often the progress bar moved, then the same page again (warm) — with the service worker
blocked and allowed. Then, in one visit, instant navigation through the measure pages: click →
first result on each (the worker booted once).

    python scripts/bench_network_ui.py [--site site] [--profiles loopback,4g,slow,1.6]
                                       [--hops 12] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.serve.preview import running  # noqa: E402
from tests.browser.calcpage import example_on, policy  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.test_network import state_of  # noqa: E402

PROFILES: dict[str, tuple[float, int] | None] = {  # bits per second, latency ms
    "loopback": None, "4g": (20e6, 40), "slow": (5e6, 150), "1.6": (1.6e6, 150)}
START = "measures/3.1/#calc=3.1&fee=60000&on=2026-06-01"
RECORD = """addEventListener("DOMContentLoaded", () => {
  window.__moves = 0;
  const root = document.querySelector("[data-qz-calc]");
  if (root) new MutationObserver(() => window.__moves++).observe(
    root, {attributes: true, attributeFilter: ["data-loaded"]});
});"""
# Click a link to `href` in the article; resolve with the ms until the new page's calculator
# shows its first answer.
HOP = """(href) => new Promise((resolve) => {
  const id = href.split("/")[1];
  const a = Object.assign(document.createElement("a"), {href});
  document.querySelector("article").append(a);
  const t0 = performance.now();
  const check = () => {
    const root = document.querySelector(`[data-qz-calc][data-measure="${id}"]`);
    const answered = root && root.dataset.state === "ready" && !root.hasAttribute("data-busy")
      && (root.querySelector("[data-result]").dataset.award !== undefined
          || root.querySelector("[data-error-for]:not([hidden])")
          || !root.querySelector('[data-slot="general"]').hidden);
    if (answered) resolve(performance.now() - t0); else setTimeout(check, 1);
  };
  a.click();
  check();
})"""


def throttle(context: BrowserContext, page: Page, profile: tuple[float, int] | None) -> None:
    if profile is None:
        return
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    bits, latency = profile
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": latency, "downloadThroughput": bits / 8,
        "uploadThroughput": bits / 8})


def first_result(page: Page) -> float:
    page.wait_for_selector("[data-qz-calc] [data-result][data-award]", state="attached",
                           timeout=600_000)
    return float(page.evaluate(
        "() => performance.getEntriesByName('qz-calc:first-result')[0].startTime"))


def hops(count: int) -> list[str]:
    links = []
    for measure in policy().measures:
        if measure.examples and measure.id != "3.1":
            example = measure.examples[0]
            links.append(f"../{measure.id}/" + state_of(measure.id, example.inputs,
                                                        example_on(example)))
    return links[:count]


def run(args: argparse.Namespace) -> dict[str, Any]:
    site = Path(args.site).resolve()
    out: dict[str, Any] = {}
    with running(site) as nginx, sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        for name in args.profiles.split(","):
            for sw in (False, True):
                context = pw.chromium.launch_persistent_context(
                    str(Path(tmp) / f"{name}-{sw}"), executable_path=CHROMIUM,
                    args=CHROMIUM_ARGS, headless=True, locale="zh-CN",
                    service_workers="allow" if sw else "block")
                context.add_init_script(RECORD)
                page = context.pages[0] if context.pages else context.new_page()
                throttle(context, page, PROFILES[name])
                page.goto(nginx.url + START)
                cold = first_result(page)
                moves = int(page.evaluate("window.__moves"))
                page.wait_for_timeout(2000)  # the service worker installs (or not)
                times = [float(page.evaluate(HOP, href)) for href in hops(args.hops)]
                boots = int(page.evaluate("performance.getEntriesByName('qz-calc:boot').length"))
                page.goto("about:blank")
                page.goto(nginx.url + START)
                warm = first_result(page)
                key = f"{name}{' sw' if sw else ''}"
                out[key] = {"cold_ms": round(cold), "progress_moves": moves,
                            "warm_ms": round(warm), "instant_median_ms":
                            round(statistics.median(times)), "instant_max_ms": round(max(times)),
                            "boots_in_visit": boots}
                print(key, out[key], flush=True)
                context.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default="site")
    parser.add_argument("--profiles", default="loopback,4g,slow,1.6")
    parser.add_argument("--hops", type=int, default=12)
    parser.add_argument("--json")
    args = parser.parse_args()
    result = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
