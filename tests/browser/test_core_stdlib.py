"""The worker starts on the core stdlib zip alone (calc and the stdlib modules the build saw it
import): every worked example and the self-check answer exactly as CPython's ``calc`` does
without the full zip ever being fetched; a module missing from the core is loaded from the full
zip; the memory snapshot is fetched only after the first result and restored on the next visit.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

import calc.api
from generator.runtime import pyodide_build as pb
from generator.serve.static_server import Server

from .calcpage import policy
from .conftest import Guard, guarded_context

pytestmark = pytest.mark.browser

# A worker of our own, started like qz-head.js starts the page's (same boot message), on a
# page without a calculator, so no other worker fetches anything meanwhile.
START = """async ([measurePage, requests, unchecked]) => {
  let first;
  window.__qzFirstResult = new Promise((resolve) => { first = resolve; });
  const html = await (await fetch(measurePage)).text();
  const doc = new DOMParser().parseFromString(html, "text/html");
  const config = JSON.parse(doc.getElementById("qz-calc-config").textContent);
  const worker = new Worker(new URL(config.worker, measurePage), { type: "module" });
  const answers = {};
  const done = new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === "failed") reject(new Error("failed"));
      if (data.type === "ready") answers.mode = data.mode;
      if (data.type === "result") {
        first();
        answers[data.id] = data.response;
        if (Object.keys(answers).length === requests.length + 1) resolve(answers);
      }
    };
  });
  worker.postMessage({ type: "boot", runtime: new URL(config.runtime, measurePage).href,
                       stdlib: unchecked ? config.stdlib.split("#")[0] : config.stdlib,
                       lock: config.lock, snapshot: config.snapshot });
  requests.forEach((request, id) => worker.postMessage({ type: "call", id, request }));
  return done;
}"""


def _runtime(site: Path) -> Path:
    (folder,) = list((site / "assets" / "pyodide").iterdir())
    return folder


def _requests() -> list[str]:
    """Every worked example of every measure, the self-check and a few errors, as JSON."""
    asks: list[dict[str, Any]] = [{"type": "list"}]
    for measure in policy().measures:
        asks.append({"type": "describe", "measure": measure.id})
        for example in measure.examples:
            asks.append({"type": "estimate", "measure": measure.id, "inputs": example.inputs,
                         "on": str(example.on) if example.on else "2026-06-01"})
        asks.append({"type": "estimate", "measure": measure.id, "inputs": {}, "on": "2026-06-01"})
    asks += [{"type": "assess", "profile": {}, "on": "2026-06-01"},
             {"type": "assess", "profile": {"no_such_field": "1"}, "on": "2026-06-01"},
             {"type": "estimate", "measure": "0.0", "inputs": {}}]
    return [json.dumps(a, ensure_ascii=False, default=str) for a in asks]


@pytest.fixture
def fresh(browser: Browser) -> Iterator[tuple[BrowserContext, Guard]]:
    """A context of its own: empty HTTP cache and Cache Storage."""
    context, guard = guarded_context(browser)
    yield context, guard
    context.close()
    guard.check()


def _fetched(context: BrowserContext, name: str) -> list[str]:
    seen: list[str] = []
    context.on("request", lambda r: seen.append(r.url) if r.url.endswith("/" + name) else None)
    return seen


def _ask(page: Page, server: Server, requests: list[str], unchecked: bool = False,
         at_first_answer: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """``unchecked``: boot without the core zip's SRI hash (a test that serves other bytes);
    ``at_first_answer`` runs once the first answer is in, before Playwright reports anything
    that came later."""
    page.goto(server.url)  # the home page: no calculator, no worker of its own
    measure_page = f"{server.url}measures/{policy().measures[0].id}/"
    page.evaluate("(args) => { window.__qzAnswers = (" + START + ")(args); }",
                  [measure_page, requests, unchecked])
    page.evaluate("() => Promise.race([window.__qzFirstResult, window.__qzAnswers])")
    at_first_answer()
    answers: dict[str, Any] = page.evaluate("() => window.__qzAnswers")
    return answers


def test_the_core_zip_is_a_small_part_of_the_full_one(built_site: Path) -> None:
    runtime = _runtime(built_site)
    with zipfile.ZipFile(runtime / pb.CORE) as core, zipfile.ZipFile(runtime / pb.STDLIB) as full:
        names, every = set(core.namelist()), set(full.namelist())
        listed = set(core.read("qz_fallback.txt").decode().split())
    assert {"calc/__init__.pyc", "calc/api.pyc", "calc/rules.json", "qz_fallback.pyc",
            "json/decoder.pyc", "decimal.pyc"} <= names
    assert not any(n.endswith(".py") for n in names)
    stdlib = {n for n in names if not n.startswith(("calc/", "qz_fallback"))}
    assert stdlib <= every and len(stdlib) < len(every) / 3
    assert (runtime / pb.CORE).stat().st_size < (runtime / pb.STDLIB).stat().st_size / 3
    assert {"decimal", "json.decoder", "email", "email.mime.text", "tomllib"} <= listed


def test_every_example_answers_from_the_core_zip_alone(
        fresh: tuple[BrowserContext, Guard], server: Server) -> None:
    context, guard = fresh
    full = _fetched(context, pb.STDLIB)
    snapshot = _fetched(context, pb.SNAPSHOT)
    page = guard.open_page(context)
    requests = _requests()
    before_first_answer: list[str] = []
    answers = _ask(page, server, requests,
                   at_first_answer=lambda: before_first_answer.extend(snapshot))
    assert answers.pop("mode") == "core"  # a first visit: no snapshot
    for i, request in enumerate(requests):
        assert json.loads(answers[str(i)]) == json.loads(calc.api.handle(request)), request
    assert full == []  # the core zip was enough
    # Nothing for later visits before the first answer (a second after it, the snapshot may
    # come: answering every example takes longer than that on a busy machine).
    assert before_first_answer == []


def _core_without(built_site: Path, dropped: Callable[[str], bool]) -> bytes:
    """The site's core stdlib zip without the entries ``dropped`` names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(_runtime(built_site) / pb.CORE) as core, \
            zipfile.ZipFile(buffer, "w") as damaged:
        for info in core.infolist():
            if not dropped(info.filename):
                damaged.writestr(info, core.read(info))
    return buffer.getvalue()


def test_a_module_missing_from_the_core_is_loaded_from_the_full_zip(
        fresh: tuple[BrowserContext, Guard], server: Server, built_site: Path) -> None:
    context, guard = fresh
    # calc imports decimal; Pyodide's start does not
    body = _core_without(built_site, lambda name: name == "decimal.pyc")

    def serve(route: Route) -> None:
        route.fulfill(status=200, body=body, content_type="application/zip")

    context.route(f"**/{pb.CORE}", serve)
    full = _fetched(context, pb.STDLIB)
    page = guard.open_page(context)
    requests = _requests()
    answers = _ask(page, server, requests, unchecked=True)
    assert answers.pop("mode") == "core"
    for i, request in enumerate(requests):
        assert json.loads(answers[str(i)]) == json.loads(calc.api.handle(request)), request
    assert len(full) == 1  # fetched once, on the first import that needed it


def test_a_core_zip_pyodide_cannot_start_on_falls_back_to_the_full_zip(
        fresh: tuple[BrowserContext, Guard], server: Server, built_site: Path) -> None:
    context, guard = fresh
    # Python cannot start without its encodings
    body = _core_without(built_site, lambda name: name.startswith("encodings/"))
    context.route(f"**/{pb.CORE}", lambda route: route.fulfill(
        status=200, body=body, content_type="application/zip"))
    page = guard.open_page(context)
    guard.allow(r"^")  # anything: Pyodide prints the failed start (a fatal error), blank lines
    requests = _requests()[:3]
    answers = _ask(page, server, requests, unchecked=True)
    assert answers.pop("mode") == "full"
    for i, request in enumerate(requests):
        assert json.loads(answers[str(i)]) == json.loads(calc.api.handle(request)), request


def test_the_snapshot_is_kept_after_the_first_result_and_restored_next_time(
        fresh: tuple[BrowserContext, Guard], server: Server) -> None:
    context, guard = fresh
    snapshot = _fetched(context, pb.SNAPSHOT)
    page = guard.open_page(context)
    requests = _requests()[:3]
    first = _ask(page, server, requests)
    assert first.pop("mode") == "core"
    kept = """async () => (await (await caches.open("qz-calc-snapshot")).keys()).length"""
    for _ in range(150):  # the worker waits a second after its first answer, then downloads
        if page.evaluate(kept):
            break
        page.wait_for_timeout(200)
    assert page.evaluate(kept) == 1
    assert len(snapshot) == 1
    page.close()
    again = guard.open_page(context)
    second = _ask(again, server, requests)
    assert second.pop("mode") == "snapshot"
    assert second == first
    assert len(snapshot) == 1  # restored from Cache Storage, not downloaded again
