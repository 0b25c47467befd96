// The page's side of the calc worker (web/calc-worker.js, which runs the Python package `calc`):
// takes over the worker the theme's head script started, passes requests and answers, tracks
// the start (progress, ready, stalled, failed, retry) and tells every form that uses it.
// Importing this module does nothing: a page script calls sharedWorkerClient().

// The config the build put in this page's head. Read again at each start: after instant
// navigation (Material's navigation.instant) the head is the new page's, whose relative URLs
// may differ from the first page's.
export function pageConfig() {
  return JSON.parse(document.getElementById("qz-calc-config").textContent);
}

// One worker per visit, shared by every form on the page (calculators, the self-check) and,
// with instant navigation, by those of the pages that follow: Python boots once. Where the
// browser keeps a shared worker alive across page loads (qz-head.js), a full page load joins
// the worker the page before started, ready at once (mode "running").
export class WorkerClient {
  constructor() {
    this.listeners = new Map(); // request id → callback
    this.forms = [];
    this.lastId = 0;
    this.state = "loading"; // loading → ready, or stalled / failed (retry → loading)
    this.reason = null;
    this.mode = null;
    this.progress = { loaded: 0, total: null };
  }

  // Take over the worker the theme's head script started (qz-head.js, before the page was
  // parsed) with what it has said so far; start it now if that did not happen.
  start(early = window.qzCalcWorker ?? window.qzStartCalcWorker?.(pageConfig())) {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
      return this.fail("no_wasm");
    }
    window.qzCalcWorker = early;
    if (!early?.worker) {
      console.warn("qz-calc: the worker cannot start", early?.error ?? "qz-head.js did not run");
      return this.fail("blocked");
    }
    this.state = "loading";
    this.worker = early.worker;
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      console.warn("qz-calc: worker error", event.message);
      this.fail("blocked");
    };
    // Not a limit on the whole start (a slow link needs minutes): a limit on silence. The
    // worker reports every few kilobytes and every boot step; nothing for this long means the
    // download stalled, or Python hangs (a CSP without 'wasm-unsafe-eval' never settles).
    this.stallMs = pageConfig().watchdogMs;
    this.alive();
    if (early.error) {
      console.warn("qz-calc: worker error", early.error);
      return this.fail("blocked");
    }
    for (const message of early.messages.splice(0)) this.receive(message);
  }

  alive() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.fail("stalled"), this.stallMs);
  }

  // A form joins: it is told at once what the others already know.
  attach(form) {
    this.forms = this.forms.filter((f) => f.root.isConnected);
    this.forms.push(form);
    if (this.state === "ready") form.ready(this.mode);
    else if (this.state === "loading") {
      if (this.progress.loaded) form.progress(this.progress);
    }
    else form.failed(this.reason);
  }

  call(request, callback) {
    const id = ++this.lastId;
    this.listeners.set(id, callback);
    this.worker?.postMessage({ type: "call", id, request: JSON.stringify(request) });
  }

  receive(message) {
    if (message.type === "progress") {
      this.alive();
      this.progress = { loaded: message.loaded, total: message.total };
      for (const form of this.forms) form.progress(this.progress);
    } else if (message.type === "ready") {
      clearTimeout(this.watchdog);
      for (const [name, epoch] of Object.entries(message.stages)) {
        const startTime = Math.max(0, epoch - performance.timeOrigin);
        performance.mark(`qz-calc:${name}`, { startTime });
      }
      this.state = "ready";
      this.mode = message.mode;
      for (const form of this.forms) form.ready(message.mode);
      window.dispatchEvent(new Event("qz-calc-settled")); // qz-head.js: the service worker
      // The worker keeps the snapshot for later visits once the service worker has installed
      // (not if that is a newer build's).
      const worker = this.worker;
      Promise.resolve(window.qzServiceWorkerInstalled)
        .then((keep) => keep !== false && worker?.postMessage({ type: "keep" }));
    } else if (message.type === "failed") {
      this.fail(message.reason);
    } else if (message.type === "result") {
      const callback = this.listeners.get(message.id);
      this.listeners.delete(message.id);
      callback?.(message.response === undefined ? null : JSON.parse(message.response));
    }
  }

  fail(reason) {
    if (this.state === "failed" || this.state === "stalled") return;
    this.state = reason === "stalled" ? "stalled" : "failed";
    this.reason = reason;
    clearTimeout(this.watchdog);
    this.worker?.terminate();
    this.worker = null;
    window.qzCalcWorker = null;
    this.listeners.clear();
    for (const form of this.forms) form.failed(reason);
    window.dispatchEvent(new Event("qz-calc-settled"));
  }

  // A new worker from scratch; what the browser (or the service worker) already holds of the
  // runtime is not downloaded again.
  retry() {
    if (this.state !== "failed" && this.state !== "stalled") return;
    this.progress = { loaded: 0, total: null };
    this.start(window.qzStartCalcWorker?.(pageConfig(), true)); // a worker of its own
    if (this.state !== "loading") return;
    for (const form of this.forms) {
      form.loading();
      form.update();
    }
  }
}

// The visit's worker client, made and started on first use (not on import); kept on window so
// the calculator and self-check scripts share it across instant navigation.
export function sharedWorkerClient() {
  if (!window.qzWorkerClient) {
    window.qzWorkerClient = new WorkerClient();
    window.qzWorkerClient.start();
  }
  return window.qzWorkerClient;
}

// Run `mount` for this page and again for each page instant navigation brings in.
export function onEachPage(mount) {
  mount();
  window.document$?.subscribe?.(() => mount());
}
