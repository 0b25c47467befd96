// Runs in <head>, before Material's bundle (a classic, blocking script).
//
// 1. Material for MkDocs' inline head script (partials/javascripts/base.html, 9.8.2) as a file,
//    so the Content-Security-Policy needs no 'unsafe-inline'. The scope comes from data-scope.
// 2. The search index is built only when the search is used. Material sends the index to its
//    search worker on every page load, and the worker spends ≈ 350 ms of CPU building it —
//    while a measure page's calculator starts Pyodide on the same (often two) cores. Material
//    itself waits for the search to open when a page is opened from file:; this holds the
//    worker's first message (the index) the same way over http, until the search field gets
//    focus, the search toggle opens (phones) or the URL carries a query (?q=).
// 3. A page with a calculator starts its worker here, from the JSON config the build puts just
//    before this script (generator/pyodide_plugin.py): Pyodide boots while the page is still
//    parsed and laid out, instead of after it. web/calculator.js takes the worker over with
//    the messages it sent meanwhile (and calls qzStartCalcWorker itself if this did not run).
//    Nothing here computes: it only sends the boot message.
(function () {
  "use strict";
  var scope = document.currentScript.getAttribute("data-scope") || ".";
  window.__md_scope = new URL(scope, location);
  window.__md_hash = function (value) {
    return Array.from(value).reduce(function (hash, ch) {
      return (hash << 5) - hash + ch.charCodeAt(0);
    }, 0);
  };
  window.__md_get = function (key, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    return JSON.parse(storage.getItem(base.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    try {
      storage.setItem(base.pathname + "." + key, JSON.stringify(value));
    } catch (error) {
      // Storage full or blocked: Material works without it.
    }
  };
})();

(function () {
  "use strict";
  var NativeWorker = window.Worker;
  if (typeof NativeWorker !== "function") return;
  var SEARCH_WORKER = /\/assets\/javascripts\/workers\/search\.[^/]*\.js$/;
  var waiting = [];
  var used = /[?&]q=/.test(location.search);

  function release() {
    if (used) return;
    used = true;
    waiting.splice(0).forEach(function (send) { send(); });
  }
  function isSearchField(target) {
    return target instanceof Element &&
      target.matches("[data-md-component=search-query], #__search");
  }
  document.addEventListener("focusin", function (event) {
    if (isSearchField(event.target)) release();
  }, true);
  document.addEventListener("change", function (event) {
    if (isSearchField(event.target) && event.target.checked) release();
  }, true);

  function DeferredWorker(url, options) {
    var worker = new NativeWorker(url, options);
    var href = new URL(String(url), location.href).pathname;
    if (used || !SEARCH_WORKER.test(href)) return worker;
    var post = worker.postMessage;
    worker.postMessage = function () {
      var args = arguments;
      if (used) return post.apply(worker, args);
      waiting.push(function () { post.apply(worker, args); });
    };
    return worker;
  }
  DeferredWorker.prototype = NativeWorker.prototype;
  window.Worker = DeferredWorker;
})();

(function () {
  "use strict";
  function startCalcWorker(config) {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
      return null; // the page reports that the browser cannot run the calculator
    }
    var early = { worker: null, messages: [], error: null };
    try {
      early.worker = new Worker(new URL(config.worker, document.baseURI), { type: "module" });
    } catch (error) {
      early.error = error;
      return early;
    }
    early.worker.onmessage = function (event) { early.messages.push(event.data); };
    early.worker.onerror = function (event) {
      event.preventDefault();
      early.error = event.message || "worker error";
    };
    early.worker.postMessage({
      type: "boot",
      runtime: new URL(config.runtime, document.baseURI).href,
      stdlib: config.stdlib,
      lock: config.lock,
      snapshot: config.snapshot,
    });
    return early;
  }
  window.qzStartCalcWorker = startCalcWorker;
  var element = document.getElementById("qz-calc-config");
  if (element) window.qzCalcWorker = startCalcWorker(JSON.parse(element.textContent));
})();
