"""Benchmark of the in-browser calculator against the built site, in headless Chromium on
127.0.0.1 (a benchmark that reports, not a test that fails).

For the site's calculator and, in the same run, a naive integration of the same wheel (stock
``loadPyodide()`` + ``loadPackage(wheel)`` in a module worker, started on the first input), it
measures navigation → first computed result, cold (a new browser profile) and warm (the same
profile, second visit); then, on the site's page, input → result latency and the main thread's
long tasks.

    python scripts/bench.py [--site site] [--runs 5] [--measure 3.1] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.serve.precompress import precompress  # noqa: E402
from generator.serve.static_server import serving  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

NAIVE = "/__naive__/"
TARGETS = {"cold": 0.35, "warm": 0.2, "input_ms": 30.0, "long_task_ms": 50.0}

# The naive integration: what the Pyodide docs suggest, with nothing tuned.
NAIVE_WORKER = """\
import { loadPyodide } from "./pyodide/pyodide.mjs";
const ready = (async () => {
  const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href });
  await pyodide.loadPackage(new URL("./WHEEL", import.meta.url).href);
  return pyodide.pyimport("calc.api").handle;
})();
self.onmessage = async ({ data }) => self.postMessage((await ready)(data));
"""
# The naive page script (scripts/bench_net.py serves the same one as a file); NAIVE_DIR is the
# folder of its worker.
NAIVE_PAGE_JS = """\
const root = document.querySelector("[data-qz-calc]");
const form = root.querySelector("form");
let worker = null;
form.addEventListener("input", () => {
  if (!worker) {
    worker = new Worker("NAIVE_DIR/worker.js", { type: "module" });
    worker.onmessage = ({ data }) => {
      const answer = JSON.parse(data);
      if (!answer.ok) return;
      const { award, city, county } = answer.result;
      Object.assign(root.querySelector("[data-result]").dataset, { award, city, county });
      if (!performance.getEntriesByName("naive:first-result").length) {
        performance.mark("naive:first-result");
      }
    };
  }
  const inputs = {};
  for (const el of form.elements) {
    if (el.name && el.name !== "on" && el.value) inputs[el.name] = el.value;
  }
  worker.postMessage(JSON.stringify({ type: "estimate", measure: root.dataset.key, inputs,
                                      on: form.elements.on.value || undefined }));
});
"""
NAIVE_PAGE_SCRIPT = ('<script type="module">\n'
                     + NAIVE_PAGE_JS.replace("NAIVE_DIR", NAIVE.rstrip("/")) + "</script>\n")
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push([e.startTime, Math.round(e.duration)]);
}).observe({ type: "longtask", buffered: true });
"""
INPUT_LATENCY = """async ([name, values]) => {
  const root = document.querySelector("[data-qz-calc]");
  const field = root.querySelector(`[name="${name}"]`);
  const times = [];
  for (const value of values) {
    const idle = new Promise((resolve) => {
      const watch = new MutationObserver(() => {
        if (!root.hasAttribute("data-busy")) { watch.disconnect(); resolve(); }
      });
      watch.observe(root, { attributes: true, attributeFilter: ["data-busy"] });
    });
    const start = performance.now();
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    await idle;
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return times;
}"""
STAGES = """() => Object.fromEntries(performance.getEntriesByType("mark")
  .filter((m) => m.name.startsWith("qz-calc:"))
  .map((m) => [m.name.slice(8), Math.round(m.startTime)]))"""


def naive_files(site: Path, measure: str, work: Path) -> tuple[dict[str, Path], int]:
    """The naive integration's files (stock Pyodide, the site's wheel) and its page."""
    # Under assets/.../pyodide/: the site's pipeline gives it the runtime's .br/.gz settings.
    folder = work / "assets" / "naive"
    (folder / "pyodide").mkdir(parents=True)
    stock = ROOT / "node_modules" / "pyodide"
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json"):
        shutil.copyfile(stock / name, folder / "pyodide" / name)
    precompress(folder)  # the same .br/.gz siblings the site's files get: a fair comparison
    wheel = next(site.glob("assets/pyodide/*/calc-*.whl"))
    shutil.copyfile(wheel, folder / wheel.name)
    (folder / "worker.js").write_text(NAIVE_WORKER.replace("WHEEL", wheel.name), encoding="utf-8")
    html = (site / "measures" / measure / "index.html").read_text(encoding="utf-8")
    html = re.sub(r'<script type="application/json" id="qz-calc-config">.*?</script>\n?', "",
                  html, flags=re.S)
    html = re.sub(r'<script type="module" src="[^"]*/calculator\.[0-9a-f]+\.js"></script>\n?', "",
                  html)
    page = work / "naive.html"
    page.write_text(html.replace("</body>", NAIVE_PAGE_SCRIPT + "</body>"), encoding="utf-8")
    transfer = sum((folder / "pyodide" / f"{n}.br").stat().st_size for n in
                   ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                    "pyodide-lock.json")) + wheel.stat().st_size
    return {NAIVE: folder, f"/measures/{measure}/naive.html": page}, transfer


def site_transfer(site: Path) -> int:
    """Bytes (brotli) the site's worker fetches on a first visit (the snapshot comes after the
    first result; the full stdlib only if the core zip lacks a module)."""
    runtime = next(site.glob("assets/pyodide/*/"))
    names = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "calc_stdlib.zip",
             "pyodide-lock.json")
    return sum((runtime / f"{n}.br").stat().st_size for n in names if (runtime / n).exists())


def launch(pw: Playwright, profile: Path) -> BrowserContext:
    context = pw.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        locale="zh-CN")
    context.add_init_script(LONG_TASKS)
    return context


def visit(page: Page, url: str, naive: bool, field: str, value: str) -> tuple[float, list[int]]:
    """Navigation → first computed result, in ms (User Timing marks, from navigation start),
    and for the naive page the long tasks before its first input: the page's own, as it is
    without a calculator."""
    page.goto("about:blank")
    time.sleep(0.5)  # let the browser settle between visits
    page.goto(url)
    baseline: list[int] = []
    if naive:
        page.wait_for_timeout(300)  # what the page itself does after load, before any input
        typed = float(page.evaluate("performance.now()"))
        baseline = [d for start, d in page.evaluate("window.__longTasks") if start < typed]
        page.fill(f'[data-qz-calc] [name="{field}"]', value)  # the first input starts Python
    page.wait_for_selector("[data-qz-calc] [data-result][data-award]", state="attached",
                           timeout=60_000)
    mark = "naive:first-result" if naive else "qz-calc:first-result"
    ms = float(page.evaluate(f"() => performance.getEntriesByName('{mark}')[0].startTime"))
    return ms, baseline


def run(args: argparse.Namespace) -> dict[str, Any]:
    site = Path(args.site).resolve()
    if not (site / "measures" / args.measure / "index.html").is_file():
        sys.exit(f"{site} has no measure page {args.measure}: run `make site` first")
    field, value = args.field, args.value
    results: dict[str, list[float]] = {k: [] for k in
                                       ("naive_cold", "naive_warm", "ours_cold", "ours_warm")}
    latencies: list[float] = []
    long_tasks: list[int] = []
    baseline_tasks: list[int] = []
    stages: list[dict[str, int]] = []
    modes: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        mounts, naive_bytes = naive_files(site, args.measure, work)
        with serving(site, mounts=mounts, immutable=(NAIVE,)) as server, \
                sync_playwright() as pw:
            ours_url = f"{server.url}measures/{args.measure}/#calc={args.measure}&{field}={value}"
            naive_url = f"{server.url}measures/{args.measure}/naive.html"
            for i in range(args.runs):
                for variant in ("naive", "ours"):
                    profile = work / f"profile-{variant}-{i}"
                    context = launch(pw, profile)
                    page = context.pages[0] if context.pages else context.new_page()
                    url = naive_url if variant == "naive" else ours_url
                    for kind in ("cold", "warm"):
                        ms, baseline = visit(page, url, variant == "naive", field, value)
                        results[f"{variant}_{kind}"].append(ms)
                        baseline_tasks += baseline
                        line = f"run {i + 1} {variant:5} {kind}: {ms:7.0f} ms"
                        if variant == "ours":
                            stages.append(page.evaluate(STAGES))
                            modes.add(str(page.get_attribute("[data-qz-calc]", "data-engine")))
                            values = [str(int(value) + 1000 * (n + 1)) for n in range(args.inputs)]
                            times = page.evaluate(INPUT_LATENCY, [field, values])
                            latencies += times
                            tasks = [d for _, d in page.evaluate("window.__longTasks")]
                            long_tasks += tasks
                            line += (f"   input→result median {statistics.median(times):.1f} ms"
                                     f"   long tasks {tasks or 'none'}")
                        print(line, flush=True)
                    context.close()
    medians = {k: statistics.median(v) for k, v in results.items()}
    return {
        "runs": args.runs, "measure": args.measure, "medians_ms": medians, "all_ms": results,
        "ratio_cold": medians["ours_cold"] / medians["naive_cold"],
        "ratio_warm": medians["ours_warm"] / medians["naive_warm"],
        "ratio_warm_to_naive_cold": medians["ours_warm"] / medians["naive_cold"],
        "input_ms": {"median": statistics.median(latencies), "max": max(latencies),
                     "count": len(latencies)},
        "long_tasks_ms": sorted(long_tasks, reverse=True),
        "page_without_calculator_long_tasks_ms": sorted(baseline_tasks, reverse=True),
        "stages_median_ms": {k: statistics.median(s[k] for s in stages if k in s)
                             for k in stages[0]},
        "engine": sorted(modes),
        "transfer_br_bytes": {"ours": site_transfer(site), "naive": naive_bytes},
    }


def report(r: dict[str, Any]) -> None:
    m = r["medians_ms"]

    def verdict(ok: bool) -> str:
        return "meets target" if ok else "MISSES target"

    print(f"\nMedians of {r['runs']} runs, measure {r['measure']} (ms, navigation → first result)")
    print(f"  {'':36} {'cold':>8} {'warm':>8}")
    for label, key in (("naive: stock loadPyodide, on input", "naive"),
                       ("site: core zip (+ snapshot warm)", "ours")):
        print(f"  {label:36} {m[key + '_cold']:8.0f} {m[key + '_warm']:8.0f}")
    print(f"  ratio cold {r['ratio_cold']:.2f} (target ≤ {TARGETS['cold']}: "
          f"{verdict(r['ratio_cold'] <= TARGETS['cold'])}), "
          f"warm {r['ratio_warm']:.2f} (target ≤ {TARGETS['warm']}: "
          f"{verdict(r['ratio_warm'] <= TARGETS['warm'])}; "
          f"{r['ratio_warm_to_naive_cold']:.2f} of the naive cold figure)")
    i = r["input_ms"]
    print(f"  input → result: median {i['median']:.1f} ms, max {i['max']:.1f} ms over {i['count']} "
          f"inputs (target median ≤ {TARGETS['input_ms']:.0f}: "
          f"{verdict(i['median'] <= TARGETS['input_ms'])})")
    over = [t for t in r["long_tasks_ms"] if t > TARGETS["long_task_ms"]]
    base = [t for t in r["page_without_calculator_long_tasks_ms"] if t > TARGETS["long_task_ms"]]
    print(f"  main-thread long tasks > 50 ms with the calculator: {len(over)} {over[:10]}; "
          f"the same page without it (naive page before input): {len(base)} {base[:10]}")
    print(f"  worker start engine: {', '.join(r['engine'])}; boot stages (median ms after "
          f"navigation): {r['stages_median_ms']}")
    t = r["transfer_br_bytes"]
    print(f"  transfer (br): site {t['ours'] / 1e6:.1f} MB, naive {t['naive'] / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure", default="3.1")
    parser.add_argument("--field", default="fee", help="a money input of that measure")
    parser.add_argument("--value", default="60000")
    parser.add_argument("--inputs", type=int, default=20, help="inputs timed per visit")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = run(args)
    report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
