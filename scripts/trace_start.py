"""Where a calculator start spends the processor: a Chromium trace of one visit on the phone CPU
profile (scripts/bench_net.py's ``phone-cpu``: nginx + brotli on loopback, the browser in a
cgroup capped at a quarter of one core), summed by thread and by task.

CDP's CPU throttling does not reach the calculator's worker, and a whole-machine profiler does
not tell the page from the worker or the service worker: the trace's thread times (``tdur``) do.
A first (cold) visit runs, then, once the service worker and the snapshot are kept, the warm
visit is traced (``--cold`` traces the first visit instead).

    python scripts/trace_start.py [--site site] [--cold] [--page measures/3.1/] [--out t.json]
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_net import (  # noqa: E402
    KEPT,
    NO_SERVICE_WORKER,
    PHONE_CPU,
    STAGES,
    build_root,
    nginx_with_timed_log,
)
from cpulimit import Group, cpu_limited, load_average  # noqa: E402

from generator.serve.preview import free_port  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

KEPT_NO_SW = """async () => (await (await caches.open("qz-calc-snapshot")).keys()).length > 0"""
CATEGORIES = ",".join([
    "toplevel", "v8", "v8.execute", "v8.wasm", "blink", "loading", "devtools.timeline",
    "ServiceWorker", "disabled-by-default-v8.compile", "disabled-by-default-devtools.timeline",
    "disabled-by-default-v8.wasm.detailed", "disabled-by-default-v8.cpu_profiler",
])


def _driver_ns() -> int:
    """CPU time of this process and its Playwright driver (not the browser), in ns."""
    import os
    total = 0
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == me or (ppid == me and "node" in (stat.parent / "comm").read_text()):
            total += (int(fields[11]) + int(fields[12])) * 10_000_000
    return total


def _first_result(page: Page, url: str, group: Group) -> dict[str, int]:
    page.goto("about:blank")
    time.sleep(0.5)
    used = group.used_ns()
    driver = round(_driver_ns() / 1e6)
    page.goto(url, timeout=180_000)
    page.wait_for_selector("[data-qz-calc] [data-result][data-award]", state="attached",
                           timeout=300_000)
    stages: dict[str, int] = page.evaluate(STAGES)
    stages["first-result"] = round(page.evaluate(
        "performance.getEntriesByName('qz-calc:first-result')[0].startTime"))
    stages["cpu"] = round((group.used_ns() - used) / 1e6)  # ms of CPU, all processes
    stages["driver"] = round(_driver_ns() / 1e6) - driver
    return stages


LOADED = """() => { const n = performance.getEntriesByType("navigation")[0];
  return { DOMContentLoaded: Math.round(n.domContentLoadedEventStart),
           load: Math.round(n.loadEventEnd) }; }"""


def _page_only(page: Page, url: str, group: Group) -> dict[str, int]:
    """A page without a calculator (or before its first result): DOMContentLoaded, load, and
    the CPU the browser used until the load event."""
    page.goto("about:blank")
    time.sleep(0.5)
    used = group.used_ns()
    page.goto(url, wait_until="load", timeout=180_000)
    times: dict[str, int] = page.evaluate(LOADED)
    times["cpu"] = round((group.used_ns() - used) / 1e6)
    return times


def summarize(events: list[dict[str, Any]], top: int = 12) -> str:
    """Per thread: its CPU time (top-level tasks' ``tdur``) and the costliest events in it
    (self-nested events counted once, by their outermost occurrence)."""
    names: dict[tuple[int, int], str] = {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            names[(e["pid"], e["tid"])] = e["args"]["name"]
    by_thread: dict[tuple[int, int], list[dict[str, Any]]] = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "tdur" in e:
            by_thread[(e["pid"], e["tid"])].append(e)
    lines = []
    totals = []
    for key, items in by_thread.items():
        items.sort(key=lambda e: (e["ts"], -e["dur"]))
        outer_end = -1.0
        cpu = 0.0
        for e in items:  # the outermost events: their thread times add up to the thread's
            if e["ts"] >= outer_end:
                cpu += e["tdur"]
                outer_end = e["ts"] + e["dur"]
        totals.append((cpu, key))
    for cpu, key in sorted(totals, reverse=True)[:top]:
        lines.append(f"{names.get(key, '?'):28} pid {key[0]:>7} tid {key[1]:>7}: "
                     f"{cpu / 1000:8.0f} ms CPU")
        per_name: dict[str, float] = collections.defaultdict(float)
        open_until: dict[str, float] = {}
        for e in by_thread[key]:
            if e["ts"] >= open_until.get(e["name"], -1.0):
                per_name[e["name"]] += e["tdur"]
                open_until[e["name"]] = e["ts"] + e["dur"]
        for name, t in sorted(per_name.items(), key=lambda kv: -kv[1])[:top]:
            if t >= 5000:
                lines.append(f"    {t / 1000:8.0f} ms  {name}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--page", default="measures/3.1/#calc=3.1&fee=60000")
    parser.add_argument("--cold", action="store_true", help="trace the first visit")
    parser.add_argument("--cpus", type=float, default=PHONE_CPU[1])
    parser.add_argument("--no-sw", action="store_true",
                        help="without the service worker (the runtime from the HTTP cache)")
    parser.add_argument("--untraced", type=int, default=0, metavar="N",
                        help="first time N more warm visits without tracing (their medians)")
    parser.add_argument("--page-only", metavar="PATH",
                        help="after the first visit, time this page's own load (no result)")
    parser.add_argument("--out", help="also write the raw trace here")
    args = parser.parse_args()
    site = Path(args.site).resolve()
    with tempfile.TemporaryDirectory(prefix="qz-trace-") as tmp:
        work = Path(tmp)
        www = build_root(site, "3.1", work)
        with nginx_with_timed_log(www) as nginx:
            print(f"load average before: {load_average()}")
            port = free_port()
            with cpu_limited(args.cpus) as group:
                browser_process = subprocess.Popen(
                    [CHROMIUM, *CHROMIUM_ARGS, "--lang=zh-CN", f"--remote-debugging-port={port}",
                     f"--user-data-dir={work / 'profile'}", "about:blank"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    with sync_playwright() as pw:
                        for _ in range(100):
                            try:
                                browser = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
                                break
                            except Exception:  # not listening yet
                                time.sleep(0.2)
                        context = browser.contexts[0]
                        # Each visit starts Python in a worker of its own: the calculator's
                        # shared worker (qz-head.js) would keep the first visit's Python running
                        # for the next, and a warm visit would trace no start at all.
                        context.add_init_script("delete window.SharedWorker;")
                        if args.no_sw:
                            context.add_init_script(NO_SERVICE_WORKER)
                        page = context.pages[0] if context.pages else context.new_page()
                        url = nginx.url + args.page
                        if not args.cold:
                            print("cold", _first_result(page, url, group))
                            deadline = time.monotonic() + 180
                            while time.monotonic() < deadline and not page.evaluate(
                                    KEPT_NO_SW if args.no_sw else KEPT, True):
                                time.sleep(0.25)
                        runs = [_page_only(page, nginx.url + args.page_only, group)
                                if args.page_only else _first_result(page, url, group)
                                for _ in range(args.untraced)]
                        for name in runs[0] if runs else ():
                            times = [r[name] for r in runs]
                            print(f"  {name:16} median {statistics.median(times):6.0f}  {times}")
                        browser.start_tracing(categories=CATEGORIES.split(","))
                        stages = _first_result(page, url, group)
                        trace = browser.stop_tracing()
                        print("traced", stages)
                        browser.close()
                finally:
                    browser_process.terminate()
                    browser_process.wait(30)
            print(f"load average after: {load_average()}")
    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    if args.out:
        Path(args.out).write_bytes(trace)
    print(summarize(events))
    return 0


if __name__ == "__main__":
    sys.exit(main())
