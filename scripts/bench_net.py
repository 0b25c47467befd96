"""Network and CPU benchmark of the in-browser calculator: what a visitor on a phone pays.

The built site and, beside it, the naive integration (stock ``loadPyodide()`` +
``loadPackage(wheel)`` in a module worker, started on the first input: the one scripts/bench.py
builds) are served together by nginx with the production deploy/nginx.conf and its ``.br``
files (generator/serve/preview.py). Headless Chromium on a fresh persistent profile opens measure
3.1 on an emulated phone link, cold (empty profile) and warm (second visit, same profile), and
times navigation → first computed result. The links are emulated below the browser by
default (scripts/netlink.py: a proxy whose connections share one link), because Chromium's own
emulation (``--emulation cdp``: CDP ``Network.emulateNetworkConditions``) does not throttle a
service worker's fetches: a page the service worker controls looked faster than it is. Bytes are
counted from nginx's access log (``$body_bytes_sent`` of every request logged before the first
result), and every throttled run is checked against the link: time ≥ bytes / bandwidth.

Right after each cold visit's first result the project's visitor opens another page (a full
load, the same measure in the other language): what that page waits for its own result shows
whether the first visit's background work (the snapshot it keeps, the service worker's install)
yields to it, and whether it finds Python running (the calculator's shared worker, engine
"running") or starts its own. The time until the service worker controls the page is reported
too. The warm visit comes in the browser started again on the same profile: a returning
visitor's, with nothing of the first visit still running.

A phone's processor (``phone-cpu``): loopback, with the browser in a cgroup capped at a
quarter of one core (scripts/cpulimit.py; Chromium's CPU throttling does not reach the
calculator's worker). Each stage comes from the page's ``qz-calc:*`` User Timing marks and
DOMContentLoaded from its navigation timing; the load average of the machine is recorded
before and after, since other work on the machine competes for the quota's core.

Test-only: the measure page is served with a larger ``watchdogMs`` in its calculator config so
the 20 s start-up watchdog of web/calculator.js cannot cut a slow start short; nothing else in
the served files differs from the build.

    python scripts/bench_net.py [--site site] [--runs 3] [--profiles slow phone-cpu]
                                [--json reports/net-bench.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, CDPSession, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "scripts"))
from bench import NAIVE_PAGE_JS as NAIVE_PAGE  # noqa: E402 - the naive page and worker, once
from bench import NAIVE_WORKER  # noqa: E402
from cpulimit import cpu_limited, load_average, unavailable  # noqa: E402
from netlink import Link  # noqa: E402

from generator.serve import preview, service_worker  # noqa: E402
from generator.serve.precompress import precompress  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# name → (download bits/s, round-trip ms); None: no emulation.
PROFILES: dict[str, tuple[float, int] | None] = {
    "loopback": None, "4g": (20e6, 40), "slow": (5e6, 150)}
CRAWL = ("1.6mbit", (1.6e6, 150))  # must complete; the project only, cold then warm
PHONE_CPU = ("phone-cpu", 0.25)  # loopback, the browser capped at this many CPUs
# issue 25: on the phone CPU profile
CPU_TARGETS = {"warm_ms": 2000, "warm_dcl_ms": 600, "cold_ms": 8000, "cold_ratio": 0.45}
NEXT_PAGE_TARGET_MS = {"slow": 1500}  # issue 22: a second page's result, right after the first
UPLOAD = 2e6
BYTES_TARGET = 4.0e6  # bytes to the first result, cold
COLD_TARGETS = {"loopback": 0.35, "4g": 0.35, "slow": 0.5}  # × naive
WARM_TARGET = 0.25  # × naive, every profile
NAIVE_DIR = "assets/pyodide/naive"  # under assets/pyodide/: nginx caches it like the site's
WATCHDOG_MS = 600_000
SNAPSHOT_WAIT_S = 120
NO_SERVICE_WORKER = """Object.defineProperty(Navigator.prototype, "serviceWorker", {
  configurable: true, get() { return undefined; } });
"""
# What the naive page must never download: the project's runtime and its service worker.
PROJECT_ONLY = re.compile(
    r"^(sw\.js|snapshot\.bin|calc_stdlib\.zip|calc-worker\..*|calculator\..*\.js)$")

STAGES = """() => ({
  DOMContentLoaded: Math.round(performance.getEntriesByType("navigation")[0]
                                 .domContentLoadedEventStart),
  ...Object.fromEntries(performance.getEntriesByType("mark")
    .filter((m) => m.name.startsWith("qz-calc:"))
    .map((m) => [m.name.slice(8), Math.round(m.startTime)]))})"""
# When the site's service worker took control of a page (epoch ms), or null.
CONTROLLED = """navigator.serviceWorker?.addEventListener("controllerchange", () => {
  window.__qzControlledAt ??= performance.timeOrigin + performance.now(); });"""
CONTROLLED_AT = """() => window.__qzControlledAt
  ?? (navigator.serviceWorker?.controller ? performance.timeOrigin : null)"""
# The access log as the benchmark writes it: when each response was done, to the millisecond, so
# a visit counts exactly the bytes sent before its first result.
LOG_FORMAT = """log_format qzbench '$msec $status $body_bytes_sent "$request"';"""
LOG_LINE = re.compile(
    r'^(?P<done>\d+\.\d+) (?P<status>\d{3}) (?P<bytes>\d+) "(?:GET|HEAD) (?P<path>\S+) ')


@dataclass
class Visit:
    ms: float
    bytes: int
    files: dict[str, int]  # file name → bytes, for the requests before the first result
    stages: dict[str, int]  # DOMContentLoaded, the project's boot stages: ms after navigation
    engine: str | None  # the project's worker: how it started (core, snapshot, full)
    began: float = 0.0  # epoch ms of the navigation
    cpu_ms: float | None = None  # CPU time the browser used (the phone CPU profile's cgroup)


def _overlay(site: Path, www: Path, files: dict[str, bytes]) -> None:
    """``www`` serves ``site`` (symlinks) with ``files`` (relative path → bytes) added or put
    in place of the site's own; a replaced file's stale compressed siblings are left out."""
    dirs = {Path(rel).parents[i].as_posix() for rel in files
            for i in range(len(Path(rel).parents) - 1)} | {"."}
    replaced = set(files) | {f"{rel}{suffix}" for rel in files for suffix in (".br", ".gz")}
    for rel in sorted(dirs):
        target = www / rel
        target.mkdir(parents=True, exist_ok=True)
        source = site / rel
        for child in source.iterdir() if source.is_dir() else ():
            child_rel = (Path(rel) / child.name).as_posix()
            if child_rel not in dirs and child_rel not in replaced:
                (target / child.name).symlink_to(child)
    for rel, data in files.items():
        (www / rel).parent.mkdir(parents=True, exist_ok=True)
        (www / rel).write_bytes(data)


def _sealed_service_worker(site: Path, changed: dict[str, bytes]) -> bytes:
    """The site's sw.js with the digests of the pages the benchmark changed: its install keeps
    a page only if its bytes are the manifest's (generator/serve/service_worker.py)."""
    source = (site / service_worker.SW_NAME).read_text(encoding="utf-8")
    found = service_worker.BUILD_LINE.search(source)
    if not found:
        sys.exit(f"{site}/sw.js: no build manifest")
    build = json.loads(found[0].removeprefix("const BUILD = ").removesuffix(";"))
    for relative, data in changed.items():
        url = relative.removesuffix("index.html")
        if url in build.get("digests", {}):
            build["digests"][url] = hashlib.sha256(data).hexdigest()[:service_worker.DIGEST_CHARS]
    line = "const BUILD = " + json.dumps(build, ensure_ascii=False, separators=(",", ":")) + ";"
    return (source[:found.start()] + line + source[found.end():]).encode()


def build_root(site: Path, measure: str, work: Path, snapshot: bool = True) -> Path:
    """The folder nginx serves: the site, the naive integration, the test-only watchdog (and,
    with ``snapshot=False``, a page that never keeps the snapshot: to see what it is worth)."""
    page = site / "measures" / measure / "index.html"
    html = page.read_text(encoding="utf-8")
    ours, count = re.subn(r'"watchdogMs":\d+', f'"watchdogMs":{WATCHDOG_MS}', html)
    english = site / "en" / "measures" / measure / "index.html"  # the next page (_next_page_url)
    theirs, count_en = re.subn(r'"watchdogMs":\d+', f'"watchdogMs":{WATCHDOG_MS}',
                               english.read_text(encoding="utf-8"))
    if count != 1 or count_en != 1:
        sys.exit(f"{page}, {english}: no calculator config with a watchdog")
    if not snapshot:
        ours = re.sub(r'"snapshot":"[^"]*"', '"snapshot":null', ours)
        theirs = re.sub(r'"snapshot":"[^"]*"', '"snapshot":null', theirs)
    naive = re.sub(r'<script type="application/json" id="qz-calc-config">.*?</script>\n?', "",
                   html, flags=re.S)
    naive = re.sub(r'<script type="module" src="[^"]*/calculator\.[0-9a-f]+\.js"></script>\n?',
                   "", naive)
    naive = re.sub(r'<link rel="modulepreload" href="[^"]*/calc-worker\.[0-9a-f]+\.js">\n?', "",
                   naive)
    naive = naive.replace("</body>", f'<script type="module" src="/{NAIVE_DIR}/page.js">'
                                      "</script>\n</body>")
    # The naive integration has no service worker: the theme's would precache the project's
    # runtime (and pages) while the naive page downloads its own, on the same link.
    naive, count = re.subn(r'(<script src="[^"]*/qz-head\.js")',
                           f'<script src="/{NAIVE_DIR}/no-sw.js"></script>\n\\1', naive)
    if count != 1:
        sys.exit(f"{page}: no qz-head.js script to put the naive page's no-sw.js before")
    stock = ROOT / "node_modules" / "pyodide"
    wheel = next(site.glob("assets/pyodide/*/calc-*.whl"))
    files = {f"measures/{measure}/index.html": ours.encode(),
             f"en/measures/{measure}/index.html": theirs.encode(),
             f"measures/{measure}/naive.html": naive.encode(),
             f"{NAIVE_DIR}/worker.js": NAIVE_WORKER.replace("WHEEL", wheel.name).encode(),
             f"{NAIVE_DIR}/page.js": NAIVE_PAGE.replace("NAIVE_DIR", f"/{NAIVE_DIR}").encode(),
             f"{NAIVE_DIR}/no-sw.js": NO_SERVICE_WORKER.encode(),
             f"{NAIVE_DIR}/{wheel.name}": wheel.read_bytes()}
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json"):
        files[f"{NAIVE_DIR}/pyodide/{name}"] = (stock / name).read_bytes()
    files["sw.js"] = _sealed_service_worker(site, files)
    www = work / "www"
    _overlay(site, www, files)
    # The same .br/.gz treatment the build gives the site (generator/serve/precompress.py, cached).
    precompress(www / NAIVE_DIR)
    precompress(www / "measures" / measure)
    precompress(www / "en" / "measures" / measure)
    return www


class AccessLog:
    def timed_since_mark(self) -> list[tuple[float, str, int]]:
        """(done, epoch s; path; body bytes) of each request logged since :meth:`mark`."""
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            text = handle.read().decode("utf-8", "replace")
        return [(float(m["done"]), m["path"], int(m["bytes"]))
                for m in map(LOG_LINE.search, text.splitlines()) if m]

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def since_mark(self, until_ms: float | None = None) -> list[tuple[str, int, int]]:
        """(path, status, body bytes) of each request logged since :meth:`mark` (and done by
        ``until_ms``, epoch ms, if given)."""
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            text = handle.read().decode("utf-8", "replace")
        return [(m["path"], int(m["status"]), int(m["bytes"]))
                for m in map(LOG_LINE.search, text.splitlines())
                if m and (until_ms is None or float(m["done"]) * 1000 <= until_ms)]


def _launch(pw: Playwright, profile: Path) -> tuple[BrowserContext, Page, CDPSession]:
    context = pw.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        locale="zh-CN")
    page = context.pages[0] if context.pages else context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    return context, page, cdp


def _emulate(cdp: CDPSession, link: tuple[float, int] | None) -> None:
    if link is None:
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                      "downloadThroughput": -1,
                                                      "uploadThroughput": -1})
        return
    bits, rtt = link
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": rtt, "downloadThroughput": bits / 8,
        "uploadThroughput": UPLOAD / 8})


def _visit(page: Page, log: AccessLog, url: str, naive: bool, field: str, value: str,
           at_once: bool = False, cpu: Callable[[], int] | None = None) -> Visit:
    """Navigation → first result; ``at_once``: straight from the page before (a visitor going
    on), not from a blank page after a pause."""
    if not at_once:
        page.goto("about:blank")
        time.sleep(0.5)
    log.mark()
    used = cpu() if cpu else 0
    page.goto(url, timeout=180_000)
    if naive:
        page.fill(f'[data-qz-calc] [name="{field}"]', value)  # the first input starts Python
    page.wait_for_selector("[data-qz-calc] [data-result][data-award]", state="attached",
                           timeout=300_000)
    mark = "naive:first-result" if naive else "qz-calc:first-result"
    ms, epoch = page.evaluate(f"""() => {{
      const start = performance.getEntriesByName('{mark}')[0].startTime;
      return [start, performance.timeOrigin + start];
    }}""")
    cpu_ms = (cpu() - used) / 1e6 if cpu else None
    time.sleep(0.2)  # nginx writes its log line as the last byte goes
    requests = log.since_mark(until_ms=float(epoch))
    if os.environ.get("QZ_BENCH_TRACE"):
        start = float(epoch) - float(ms)
        for done, path, size in log.timed_since_mark():
            print(f"    {done * 1000 - start:8.0f} ms {size:9d} {path}", flush=True)
    files: dict[str, int] = {}
    for path, _status, size in requests:
        name = path.split("?")[0].rsplit("/", 1)[-1] or "/"
        files[name] = files.get(name, 0) + size
    stages: dict[str, int] = page.evaluate(STAGES)
    engine = None if naive else page.get_attribute("[data-qz-calc]", "data-engine")
    return Visit(float(ms), sum(size for _, _, size in requests), files, stages, engine,
                 float(epoch) - float(ms), cpu_ms)


KEPT = """async (snapshot) => navigator.serviceWorker.controller !== null
  && (!snapshot || (await (await caches.open("qz-calc-snapshot")).keys()).length > 0)"""


def _wait_for_later_visits(page: Page, log: AccessLog, timeout: float,
                           snapshot: bool, since: int) -> tuple[int, int]:
    """After the first result the site's service worker installs (it keeps this build's runtime
    and pages) and the project's worker keeps the snapshot (if the page has one): wait until
    both are done (the visitor stays on the page; a returning one comes back later), so the
    warm visit starts as a returning visitor's does and shares the link with neither. Returns
    the bytes nginx logged for the snapshot and for everything since the log's offset
    ``since``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not page.evaluate(KEPT, snapshot):
        time.sleep(0.25)
    time.sleep(0.2)  # nginx writes its log line as the last byte goes
    log.offset = since
    done = log.since_mark()
    kept = sum(size for path, status, size in done
               if path.endswith("/snapshot.bin") and status == 200)
    return kept, sum(size for _, _, size in done)


def _summary(got: list[Visit], link: tuple[float, int] | None, naive: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "median_ms": statistics.median(v.ms for v in got),
        "all_ms": [round(v.ms) for v in got],
        "bytes": int(statistics.median(v.bytes for v in got)),
        "files": got[len(got) // 2].files,
    }
    if not naive:
        entry["engine"] = sorted({str(v.engine) for v in got})
    if got[0].cpu_ms is not None:  # the browser's CPU time: what the machine's load leaves alone
        entry["cpu_median_ms"] = statistics.median(v.cpu_ms or 0.0 for v in got)
    entry["stages_median_ms"] = {k: statistics.median(v.stages[k] for v in got if k in v.stages)
                                 for k in got[0].stages}
    if link is not None:
        # The emulation must have throttled every request, the worker's included.
        floor = [v.bytes * 8 / link[0] * 1000 for v in got]
        entry["throttled"] = all(v.ms >= f for v, f in zip(got, floor, strict=True))
        entry["floor_ms"] = round(statistics.median(floor))
    return entry


@contextmanager
def origin(nginx: preview.Nginx, link: tuple[float, int] | None, emulation: str) -> Iterator[str]:
    """The base URL a profile's browser uses: nginx itself, or (``emulation == "proxy"`` and a
    throttled profile) an emulated link in front of it."""
    if link is None or emulation != "proxy":
        yield nginx.url
        return
    port = urllib.parse.urlsplit(nginx.url).port
    assert port is not None, nginx.url
    with Link(port, link[0], UPLOAD, link[1]).running() as proxy:
        yield f"http://127.0.0.1:{proxy.port}/"


def _next_page_url(url: str) -> str:
    """The same measure in the other language: another page, the same figures."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.removeprefix("/en/") if parts.path.startswith("/en/") else \
        "/en" + parts.path
    return urllib.parse.urlunsplit(parts._replace(path="/" + path.lstrip("/")))


def measure_profile(pw: Playwright, log: AccessLog, work: Path, base: str, name: str,
                    link: tuple[float, int] | None, runs: int, variants: tuple[str, ...],
                    field: str, value: str, no_snapshot: bool = False,
                    emulation: str = "proxy",
                    cpu: Callable[[], int] | None = None) -> dict[str, Any]:
    """``runs`` rounds, each: every variant cold then warm in a fresh profile. The variants
    alternate so that the load of a shared machine weighs on both alike. The project's cold
    visit is followed at once by another page (``next``), then the warm visit comes once the
    first visit's background work is done."""
    out: dict[str, Any] = {"link": None if link is None else
                           {"mbit_s": link[0] / 1e6, "rtt_ms": link[1]}}
    visits: dict[str, dict[str, list[Visit]]] = {
        v: {"cold": [], "next": [], "warm": []} if v == "ours" else {"cold": [], "warm": []}
        for v in variants}
    idle: list[int] = []
    total: list[int] = []
    controlled: list[float] = []
    for i in range(runs):
        for variant in variants:
            naive = variant == "naive"
            url = f"{base}measures/3.1/naive.html" if naive else \
                f"{base}measures/3.1/#calc=3.1&{field}={value}"
            profile = work / f"profile-{name}-{variant}-{i}"
            context, page, cdp = _launch(pw, profile)
            context.add_init_script(CONTROLLED)
            try:
                _emulate(cdp, link if emulation == "cdp" else None)
                for kind in visits[variant]:
                    at_once = kind == "next"
                    if kind == "warm":
                        # A returning visitor: the browser started again, so nothing of the first
                        # visit still runs (the calculator's shared worker outlives its pages).
                        context.close()
                        context, page, cdp = _launch(pw, profile)
                        context.add_init_script(CONTROLLED)
                        _emulate(cdp, link if emulation == "cdp" else None)
                    if kind == "cold":
                        since = log.path.stat().st_size if log.path.exists() else 0
                    visit = _visit(page, log, _next_page_url(url) if at_once else url, naive,
                                   field, value, at_once, cpu)
                    visits[variant][kind].append(visit)
                    extra = ""
                    if kind == "next":
                        cold = visits[variant]["cold"][-1]
                        snapshot, everything = _wait_for_later_visits(
                            page, log, SNAPSHOT_WAIT_S, not no_snapshot, since)
                        idle.append(snapshot)
                        # after the first result, the next page's own requests left out
                        total.append(everything - cold.bytes - visit.bytes)
                        at = page.evaluate(CONTROLLED_AT)
                        controlled.append(float("nan") if at is None else at - cold.began)
                        extra = (f", then {idle[-1] / 1e6:.2f} MB snapshot, "
                                 f"{total[-1] / 1e6:.2f} MB in all; the service worker "
                                 f"controls {controlled[-1]:.0f} ms after the first visit "
                                 "began")
                    used = "" if visit.cpu_ms is None else f" ({visit.cpu_ms:.0f} ms CPU)"
                    print(f"{name:9} {variant:7} run {i + 1} {kind}: {visit.ms:8.0f} ms{used} "
                          f"{visit.bytes / 1e6:6.2f} MB{extra} {visit.engine or ''} "
                          f"{visit.stages or ''}", flush=True)
            finally:
                context.close()
    for variant in variants:
        naive = variant == "naive"
        out[variant] = {kind: _summary(got, link, naive)
                        for kind, got in visits[variant].items()}
        if not naive and idle:
            # Downloaded after the first result (logged once the visits counted their bytes).
            out[variant]["snapshot_after_first_result_bytes"] = int(statistics.median(idle))
            # The snapshot and the service worker's install (this build's runtime and pages).
            out[variant]["after_first_result_bytes"] = int(statistics.median(total))
            out[variant]["service_worker_controls_ms"] = statistics.median(controlled)
    return out


@contextmanager
def nginx_with_timed_log(root: Path) -> Iterator[preview.Nginx]:
    """generator/serve/preview.py's nginx (deploy/nginx.conf) with the benchmark's log format."""
    render = preview.render

    def timed(conf: str, site: Path, port: int, scratch: Path) -> str:
        text = render(conf, site, port, scratch)
        line = f"access_log {scratch / 'access.log'};"
        if text.count(line) != 1:
            raise preview.PreviewError(f"no single {line!r} in the rendered configuration")
        return text.replace(line, f"{LOG_FORMAT}\n    access_log {scratch / 'access.log'} qzbench;")

    preview.render = timed
    try:
        with preview.running(root) as nginx:
            yield nginx
    finally:
        preview.render = render


def _network_profiles(args: argparse.Namespace, nginx: preview.Nginx, log: AccessLog,
                      work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    profiles = [(n, link) for n, link in PROFILES.items()
                if not args.profiles or n in args.profiles]
    if not args.profiles or CRAWL[0] in args.profiles:
        profiles.append(CRAWL)
    if not profiles:
        return out
    variants = ("ours",) if args.ours_only else ("ours", "naive")
    with sync_playwright() as pw:
        for name, link in profiles:
            crawl = name == CRAWL[0]
            with origin(nginx, link, args.emulation) as base:
                out[name] = measure_profile(
                    pw, log, work, base, name, link, 1 if crawl else args.runs,
                    ("ours",) if crawl else variants, args.field, args.value,
                    args.no_snapshot, args.emulation)
    return out


def _cpu_profile(args: argparse.Namespace, nginx: preview.Nginx, log: AccessLog,
                 work: Path) -> dict[str, Any]:
    """The phone CPU profile: nginx runs outside the group; this process joins it before
    Playwright starts its driver, which starts the browser: both inherit the quota."""
    name, cpus = PHONE_CPU
    variants = ("ours",) if args.ours_only else ("ours", "naive")
    before = load_average()
    with cpu_limited(cpus) as group, sync_playwright() as pw:
        out = measure_profile(pw, log, work, nginx.url, name, None, args.runs, variants,
                              args.field, args.value, args.no_snapshot, cpu=group.used_ns)
        out["cgroup"] = group.throttling()  # the quota bound: most periods were cut short
    out["cpus"] = cpus
    out["load_average"] = {"before": before, "after": load_average()}
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    site = Path(args.site).resolve()
    if not (site / "measures" / args.measure / "index.html").is_file():
        sys.exit(f"{site} has no measure page {args.measure}: run `make site` first")
    results: dict[str, Any] = {"runs": args.runs, "measure": args.measure,
                               "emulation": args.emulation, "profiles": {}}
    with tempfile.TemporaryDirectory(prefix="qz-bench-net-") as tmp:
        work = Path(tmp)
        www = build_root(site, args.measure, work, snapshot=not args.no_snapshot)
        with nginx_with_timed_log(www) as nginx:
            log = AccessLog(nginx.scratch / "access.log")
            results["profiles"] = _network_profiles(args, nginx, log, work)
            why = unavailable()
            if (not args.profiles or PHONE_CPU[0] in args.profiles) and why:
                print(f"{PHONE_CPU[0]}: skipped, {why}", file=sys.stderr)
            elif not args.profiles or PHONE_CPU[0] in args.profiles:
                results["profiles"][PHONE_CPU[0]] = _cpu_profile(args, nginx, log, work)
        shutil.rmtree(www, ignore_errors=True)
    return summarize(results)


def _cpu_verdicts(profile: dict[str, Any], cold_ratio: float) -> dict[str, bool]:
    ours = profile["ours"]
    t = CPU_TARGETS
    return {
        f"phone-cpu warm ≤ {t['warm_ms']} ms": ours["warm"]["median_ms"] <= t["warm_ms"],
        f"phone-cpu warm DOMContentLoaded ≤ {t['warm_dcl_ms']} ms":
            ours["warm"]["stages_median_ms"]["DOMContentLoaded"] <= t["warm_dcl_ms"],
        f"phone-cpu cold ≤ {t['cold_ms']} ms": ours["cold"]["median_ms"] <= t["cold_ms"],
        f"phone-cpu cold ≤ {t['cold_ratio']}× naive": cold_ratio <= t["cold_ratio"],
    }


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    verdicts: dict[str, bool] = {}
    for name, profile in results["profiles"].items():
        if "naive" not in profile:
            verdicts[f"{name} completes"] = profile["ours"]["cold"]["median_ms"] > 0
            continue
        ours, naive = profile["ours"], profile["naive"]
        cold = ours["cold"]["median_ms"] / naive["cold"]["median_ms"]
        warm = ours["warm"]["median_ms"] / naive["warm"]["median_ms"]
        ratios[name] = {"cold": round(cold, 3), "warm": round(warm, 3)}
        if name == PHONE_CPU[0]:
            verdicts.update(_cpu_verdicts(profile, cold))
        else:
            verdicts[f"{name} cold ≤ {COLD_TARGETS[name]}× naive"] = cold <= COLD_TARGETS[name]
            verdicts[f"{name} warm ≤ {WARM_TARGET}× naive"] = warm <= WARM_TARGET
        if name in NEXT_PAGE_TARGET_MS:
            target = NEXT_PAGE_TARGET_MS[name]
            verdicts[f"{name}: a page opened right after the first result answers in ≤ "
                     f"{target} ms"] = ours["next"]["median_ms"] <= target
        stray = sorted(name for kind in ("cold", "warm") for name in naive[kind]["files"]
                       if PROJECT_ONLY.match(name))
        verdicts[f"{name}: the naive page fetched none of the project's files {stray}"] = \
            not stray
        for kind in ("cold", "warm"):
            if "throttled" in ours[kind]:
                verdicts[f"{name} {kind}: emulation throttled the worker"] = (
                    ours[kind]["throttled"] and naive[kind]["throttled"])
    # What a phone pays: the throttled profiles. On loopback a first visit takes the snapshot
    # too (web/calc-worker.js: a fast link starts from it), reported but not held to this.
    phone = [p["ours"]["cold"]["bytes"] for p in results["profiles"].values() if p["link"]]
    first = max(phone, default=0)
    if phone:
        verdicts[f"bytes to first result on a phone link ≤ {BYTES_TARGET / 1e6} MB"] = \
            first <= BYTES_TARGET
    return {**results, "bytes_to_first_result": first, "ratios": ratios, "verdicts": verdicts}


def table(r: dict[str, Any]) -> str:
    """The Markdown table for reports/README.md."""
    lines = ["| profile | bytes to first result (project / naive) | cold ms (project / naive, "
             "ratio) | warm ms (project / naive, ratio) | next page ms | service worker "
             "controls at |", "|---|---|---|---|---|---|"]
    for name, p in r["profiles"].items():
        ours = p["ours"]
        link = f"{p['cpus']:g} CPU" if "cpus" in p else "no emulation" if p["link"] is None \
            else f"{p['link']['mbit_s']:g} Mbit/s, {p['link']['rtt_ms']} ms"
        after = (f"{ours['next']['median_ms']:.0f} | "
                 f"{ours.get('service_worker_controls_ms', float('nan')) / 1000:.1f} s |")
        if "naive" in p:
            naive = p["naive"]
            ratio = r["ratios"][name]
            lines.append(
                f"| {name} ({link}) | {ours['cold']['bytes'] / 1e6:.2f} / "
                f"{naive['cold']['bytes'] / 1e6:.2f} MB | {ours['cold']['median_ms']:.0f} / "
                f"{naive['cold']['median_ms']:.0f} ({ratio['cold']:.2f}×) | "
                f"{ours['warm']['median_ms']:.0f} / {naive['warm']['median_ms']:.0f} "
                f"({ratio['warm']:.2f}×) | {after}")
        else:
            lines.append(f"| {name} ({link}) | {ours['cold']['bytes'] / 1e6:.2f} MB / — | "
                         f"{ours['cold']['median_ms']:.0f} / — | "
                         f"{ours['warm']['median_ms']:.0f} / — | {after}")
    return "\n".join(lines)


def stage_table(r: dict[str, Any], name: str = PHONE_CPU[0]) -> str:
    """Each stage of one profile, median ms after navigation (the page's User Timing marks)."""
    p = r["profiles"].get(name)
    if not p:
        return ""
    rows = [("project cold", p["ours"]["cold"]), ("project warm", p["ours"]["warm"])]
    rows += [(f"naive {kind}", p["naive"][kind]) for kind in ("cold", "warm") if "naive" in p]
    names = list(dict.fromkeys(k for _, e in rows for k in e["stages_median_ms"]))
    lines = [f"| {name} | {' | '.join(names)} | first result | CPU used |",
             "|---" * (len(names) + 3) + "|"]
    for label, entry in rows:
        stages = entry["stages_median_ms"]
        cells = [f"{stages[k]:.0f}" if k in stages else "" for k in names]
        lines.append(f"| {label} | {' | '.join(cells)} | {entry['median_ms']:.0f} | "
                     f"{entry.get('cpu_median_ms', float('nan')):.0f} |")
    return "\n".join(lines)


def report(r: dict[str, Any]) -> None:
    print(f"\nMedians of {r['runs']} runs (the 1.6 Mbit/s run: 1), measure {r['measure']}, "
          f"links emulated by {r.get('emulation', 'cdp')}, "
          "navigation → first result, bytes from nginx's log\n")
    print(table(r))
    if PHONE_CPU[0] in r["profiles"]:
        load = r["profiles"][PHONE_CPU[0]]["load_average"]
        cgroup = r["profiles"][PHONE_CPU[0]]["cgroup"]
        print(f"\n{stage_table(r)}\n\nload average (1, 5, 15 min) before {load['before']}, "
              f"after {load['after']}; the quota cut {cgroup['throttled']} of "
              f"{cgroup['periods']} periods short")
    for verdict, ok in r["verdicts"].items():
        print(f"  {'meets' if ok else 'MISSES'}: {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", default="3.1")
    parser.add_argument("--field", default="fee", help="a money input of that measure")
    parser.add_argument("--value", default="60000")
    parser.add_argument("--profiles", nargs="*",
                        help=f"a subset of {[*PROFILES, CRAWL[0], PHONE_CPU[0]]}")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="serve the page without the snapshot (what is it worth warm?)")
    parser.add_argument("--ours-only", action="store_true", help="skip the naive page")
    parser.add_argument("--emulation", choices=("proxy", "cdp"), default="proxy",
                        help="emulate the phone links below the browser (scripts/netlink.py) "
                             "or with Chromium's CDP emulation, which misses the service worker")
    parser.add_argument("--markdown", help="also write the table here")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = run(args)
    report(results)
    if args.markdown:
        Path(args.markdown).write_text(f"{table(results)}\n\n{stage_table(results)}\n",
                                       encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
