// The module worker that runs Python for the page: one per page, shared by its calculators, or
// (a shared worker, where the browser keeps one alive across page loads) one for every page
// of the site, so that the next page does not start Python again.
// It boots Pyodide from the site's own files and answers {type: "call", id, request} with
// calc.api.handle(request): a JSON string in, a JSON string out, whatever the request type.
// While it boots it reports {type: "progress", loaded, total} (fetch-progress.js): the page
// shows the bytes and tells a slow download from a stalled one.
//
// Boot: the wasm and the core stdlib zip (calc and only the stdlib modules it was seen to
// import at build time, ≈0.55 MB br). The memory snapshot (taken at build time with calc
// imported; Pyodide's private _loadSnapshot) is for later visits: after the first answer the
// worker keeps it in Cache Storage, and later visits restore it. Only a first visit on a fast
// link (its start's downloads came quickly) downloads it at once and starts from it. A module the core zip
// lacks is loaded from the full stdlib zip (qz_fallback). The wasm download and compile start
// at once, beside the JavaScript imports and the byte counter; a download that fails reports at
// once.

let handle = null;
const IDLE_MS = 1000; // after the first answer, before the snapshot download starts
const queue = []; // calls that came before Python was ready: { data, port }
const stages = {}; // boot stage → epoch ms, shown as User Timing marks by the page

// Where the browser keeps a shared worker alive across page loads (qz-head.js asks for
// SharedWorker's extendedLifetime), every page of the site connects to this one worker: the
// next page finds Python running and answers at once, not after a start of its own (on a
// phone link ~2.4 s of processor, the memory snapshot not kept yet). Each page is a port;
// what concerns the start goes to every port, an answer to the port that asked.
const shared = typeof SharedWorkerGlobalScope === "function"
  && self instanceof SharedWorkerGlobalScope;
const ports = new Set();
let outcome = null; // the start's {type: "ready"} or {type: "failed"}: for pages that join later

// Counts downloaded bytes for the page's progress bar: fetch-progress.js, once it has arrived.
let progress = {
  fetch: (...args) => fetch(...args), track: (_url, pending) => pending, alive() {} };

function stage(name) {
  stages[name] = performance.timeOrigin + performance.now();
  progress.alive();
}

// To the page that asked (`port`), or to every page.
function post(message, port = null) {
  if (port) port.postMessage(message);
  else if (shared) for (const each of ports) each.postMessage(message);
  else self.postMessage(message);
}

function answer({ id, request }, port) {
  try {
    post({ type: "result", id, response: handle(request) }, port);
  } catch (error) {
    console.error("qz-calc: calc.api.handle raised", error); // a bug in calc: it never should
    post({ type: "result", id }, port);
  }
  answered = true;
  keepWhenDue();
}

// What makes the next visit faster is fetched once the first answer is out and — if the page
// asked for it in the boot settings (`keepWhenTold`) — once the page says so ({type: "keep"}:
// qz-head.js's service worker has installed, so the two downloads do not share the link).
let answered = false;
let told = true;

function keepWhenDue() {
  if (!keepSnapshot || !answered || !told) return;
  const keep = keepSnapshot;
  keepSnapshot = null;
  setTimeout(() => keep().catch((error) => console.info("qz-calc: snapshot not kept", error)),
             IDLE_MS);
}

let started = false;

function start(settings) {
  if (started) return;
  started = true;
  told = !settings.keepWhenTold;
  boot(settings).then(
    (mode) => {
      stage("ready");
      outcome = { type: "ready", mode, stages };
      post(outcome);
      for (const { data, port } of queue.splice(0)) answer(data, port);
    },
    (error) => {
      console.warn("qz-calc: the calculator cannot start", error);
      outcome = { type: "failed", reason: "blocked" };
      post(outcome);
      closeWhenTold();
    });
}

function receive(data, port) {
  if (data.type === "boot") {
    start(data);
  } else if (data.type === "keep") {
    told = true;
    keepWhenDue();
  } else if (data.type === "call") {
    if (handle) answer(data, port);
    else queue.push({ data, port });
  }
}

self.onmessage = ({ data }) => receive(data, null);

// A page connects as the worker starts (the page that made it) or later (the next pages): one
// that joins a ready worker is told so at once (mode "running", its one stage this moment),
// one that joins a failed start is told it failed.
self.onconnect = ({ ports: [port] }) => {
  ports.add(port);
  port.addEventListener("close", () => ports.delete(port)); // where MessagePort has one
  port.onmessage = ({ data }) => receive(data, port);
  if (outcome?.type === "ready") {
    port.postMessage({ type: "ready", mode: "running",
                       stages: { ready: performance.timeOrigin + performance.now() } });
  } else if (outcome) {
    port.postMessage(outcome);
    closeWhenTold();
  }
};

// A shared worker whose start failed ends once a page has heard it (a start can fail before the
// page that made the worker has connected): the next page starts a worker of its own, not this.
function closeWhenTold() {
  if (shared && ports.size > 0) self.close();
}

function quiet(promise) {
  promise.catch(() => {}); // awaited later; this only keeps an early failure from being "unhandled"
  return promise;
}

// The build stores the snapshot without its zero pages (generator/runtime/pyodide_build.py, sparse):
// put the runs of non-zero pages back in place.
function unpack(buffer) {
  const view = new DataView(buffer);
  const magic = new TextDecoder().decode(new Uint8Array(buffer, 0, 8));
  if (magic !== "QZSNAP1\0") throw new Error("not a qz-calc snapshot");
  const memory = new Uint8Array(view.getUint32(8, true));
  const runs = view.getUint32(12, true);
  let data = 20 + runs * 8;
  for (let i = 0; i < runs; i++) {
    const offset = view.getUint32(20 + i * 8, true);
    const length = view.getUint32(24 + i * 8, true);
    memory.set(new Uint8Array(buffer, data, length), offset);
    data += length;
  }
  return memory;
}

async function blobURL(url, integrity = undefined, pending = progress.fetch(url, { integrity })) {
  const response = await pending;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

// PRIVATE API (Pyodide's internals): Pyodide instantiates its wasm with
// WebAssembly.instantiateStreaming(<its own fetch>, imports); for this one start the patch hands
// it the module compiled while the other files downloaded. If an upgrade stops calling it, the
// start still works but downloads and compiles the wasm twice: that is logged as an error, which
// fails every browser test that starts the calculator (tests/browser/conftest.py's Guard).
async function withModule(module, start) {
  const original = WebAssembly.instantiateStreaming;
  let used = false;
  WebAssembly.instantiateStreaming = async (_response, imports) => {
    used = true;
    stage("instantiate");
    const instance = await WebAssembly.instantiate(module, imports);
    stage("instantiated");
    return { module, instance };
  };
  try {
    return await start();
  } finally {
    WebAssembly.instantiateStreaming = original;
    if (!used) console.error("qz-calc: Pyodide did not call WebAssembly.instantiateStreaming");
  }
}

// PRIVATE API (loadPyodide's _loadSnapshot option): start from a memory snapshot (calc already
// imported). An upgrade that ignores the option would start Python afresh and look like a
// restore: restored() asks Python, and a start that did not restore fails (the worker then
// starts without the snapshot and reports mode "core", which the tests that expect "snapshot"
// catch: tests/browser/test_calculator.py).
function fromSnapshot(memory) {
  return { _loadSnapshot: memory };
}

function restored(pyodide) {
  return pyodide.runPython("import sys; 'calc.api' in sys.modules") === true;
}

// The memory snapshot is for later visits: a first visit never waits for it. After the first
// answer the worker downloads it (low priority) into its own Cache Storage entry; a later visit
// restores it if — and only if — it is already there. Its URL names the build, so a new build
// never restores an old snapshot, and older entries are deleted.
const SNAPSHOT_CACHE = "qz-calc-snapshot";
let keepSnapshot = null; // set by boot: downloads the snapshot once (keepWhenDue)

async function savedSnapshot(href) {
  if (!self.caches) return null; // no Cache Storage (an insecure origin): start without one
  const cache = await caches.open(SNAPSHOT_CACHE);
  const response = await cache.match(href);
  return response ? response.arrayBuffer() : null;
}

// Keeps the snapshot for later visits: `body` if the start already downloaded it, else fetched.
async function saveSnapshot(href, body = null) {
  if (!self.caches) return;
  const cache = await caches.open(SNAPSHOT_CACHE);
  for (const old of await cache.keys()) {
    if (old.url !== href) await cache.delete(old);
  }
  if (await cache.match(href)) return;
  if (body) return cache.put(href, new Response(body));
  const response = await fetch(href, { priority: "low" });
  if (response.ok) await cache.put(href, response);
}

// Did `href` come from the network, not from a cache (the browser's or the service worker's)?
// Files from a cache come fast on any link: their speed says nothing about the link's (a second
// page opened on a phone link before the snapshot was kept took them for a fast link and
// downloaded the 3.7 MB snapshot before its first answer).
function cameOverTheNetwork(href) {
  const timing = performance.getEntriesByName(href).at(-1);
  return Boolean(timing) && timing.transferSize > 0 && timing.workerStart === 0;
}

async function downloadSnapshot(href) {
  const response = await fetch(href);
  return response.ok ? response.arrayBuffer() : null;
}

// qz_fallback (in the core zip) calls this, synchronously, the first time Python imports a
// module the core zip lacks: the full stdlib zip goes into Pyodide's file system.
const FULL_STDLIB_PATH = "/lib/qz_full_stdlib.zip";
const CORE_PATH = "/lib/qz_core.zip"; // the core zip, when Python had to start on the full one

function fullStdlibLoader(pyodide, href) {
  return () => {
    const request = new XMLHttpRequest(); // synchronous: the import is waiting for it
    request.open("GET", href, false);
    request.responseType = "arraybuffer";
    request.send();
    if (request.status !== 200) throw new Error(`${href}: HTTP ${request.status}`);
    pyodide.FS.writeFile(FULL_STDLIB_PATH, new Uint8Array(request.response));
    console.info("qz-calc: a module was missing from the core stdlib; loaded the full one");
    return FULL_STDLIB_PATH;
  };
}

async function boot(config) {
  stage("boot");
  // Every download starts now; the byte counter (a module of its own, one round trip away on a
  // first visit) joins each one when it arrives, before any body is read.
  const counter = config.progress
    ? quiet(import(config.progress).then(({ progressReporter }) => {
      progress = progressReporter(post, config.sizes);
      return progress;
    }))
    : Promise.resolve(progress);
  const download = (href, init = undefined, done = undefined) => {
    const pending = quiet(fetch(href, init)); // may fail before the counter takes it over
    return counter.then((counting) => counting.track(href, pending, done));
  };
  const url = (name) => new URL(name, config.runtime).href;
  let wasmIn;
  const wasmBytes = new Promise((resolve) => { wasmIn = resolve; });
  const wasm = quiet(WebAssembly.compileStreaming(
    download(url("pyodide.asm.wasm"), undefined, wasmIn)));
  wasm.then(wasmIn, wasmIn); // without the byte counter: once compiled, its bytes are in
  const snapshotURL = config.snapshot ? url(config.snapshot) : null;
  // 3.5 MB for a faster start: not for a visitor who asked the browser to save data.
  const saveData = config.saveData ?? self.navigator.connection?.saveData;
  const mayFetchSnapshot = Boolean(snapshotURL) && !saveData;
  const saved = snapshotURL
    ? quiet(savedSnapshot(snapshotURL).catch(() => null).then((data) => {
      stage("snapshot");
      return data && unpack(data);
    }))
    : null;
  // "name#sha256-…": the build's hash of the core zip; fetch refuses any other bytes.
  const [coreName, coreIntegrity] = config.stdlib.split("#");
  const integrity = coreIntegrity || undefined;
  const stdlib = quiet(blobURL(url(coreName), integrity, download(url(coreName), { integrity })));
  // Fetched now, beside the rest, not by loadPyodide one round trip later.
  const lock = quiet(download(url(config.lock)).then((response) => {
    if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
    return response.text();
  }));
  const imports = quiet(Promise.all([import(url("pyodide.mjs")), import(url("pyodide.asm.mjs"))]));
  // A first visit on a fast link starts from the memory snapshot: once every byte the start
  // needs is in, if they came over the network in less than earlySnapshotMs (the snapshot is
  // about as big as they are, so it will come as fast), the snapshot is downloaded and the
  // start waits for it: restoring it is quicker than Python's own start. On a slower link
  // nothing more is downloaded before the first answer.
  const early = mayFetchSnapshot && config.earlySnapshotMs > 0
    ? quiet(Promise.all([saved, wasmBytes, stdlib, lock]).then(([kept]) =>
      !kept && cameOverTheNetwork(url("pyodide.asm.wasm"))
        && performance.timeOrigin + performance.now() - stages.boot < config.earlySnapshotMs
        ? downloadSnapshot(snapshotURL) : null))
    : null;
  const [{ loadPyodide }, { default: createPyodideModule }] = await imports;
  stage("imports");
  const module = await wasm;
  stage("compiled");
  const options = {
    indexURL: config.runtime,
    stdLibURL: await stdlib,
    lockFileContents: lock,
    packageBaseUrl: config.runtime,
    createPyodideModule,
  };
  const full = url(config.fullStdlib ?? "python_stdlib.zip");
  const start = async (extra, onFull = false) => {
    const pyodide = await withModule(module, () => loadPyodide({ ...options, ...extra }));
    stage("python");
    if (extra._loadSnapshot && !restored(pyodide)) {
      throw new Error("loadPyodide did not restore the snapshot (_loadSnapshot)");
    }
    if (onFull) { // calc is in the core zip only: put it behind the full stdlib
      const core = await fetch(url(coreName), { integrity: coreIntegrity || undefined });
      if (!core.ok) throw new Error(`${core.url}: HTTP ${core.status}`);
      pyodide.FS.writeFile(CORE_PATH, new Uint8Array(await core.arrayBuffer()));
      pyodide.pyimport("sys").path.append(CORE_PATH);
    } else {
      pyodide.pyimport("qz_fallback").install(fullStdlibLoader(pyodide, full));
    }
    const api = pyodide.pyimport("calc.api");
    stage("imported");
    // A start that cannot answer (a snapshot restored into a browser it was not made for)
    // could fail only later: ask once.
    if (!JSON.parse(api.handle(JSON.stringify({ type: "list" }))).ok) {
      throw new Error("calc does not answer");
    }
    handle = api.handle;
  };
  const snapshot = saved && await saved;
  if (snapshot) {
    try {
      await start(fromSnapshot(snapshot));
      return "snapshot";
    } catch (error) {
      console.warn("qz-calc: the snapshot did not load; starting without it", error);
      caches.delete(SNAPSHOT_CACHE).catch(() => {});
    }
  }
  const arrived = early && await early.catch(() => null);
  if (arrived) {
    try {
      await start(fromSnapshot(unpack(arrived)));
      keepSnapshot = () => saveSnapshot(snapshotURL, arrived);
      return "early-snapshot";
    } catch (error) {
      console.warn("qz-calc: the snapshot did not load; starting without it", error);
    }
  }
  if (mayFetchSnapshot) keepSnapshot = () => saveSnapshot(snapshotURL);
  try {
    await start({});
    return "core";
  } catch (error) {
    // Pyodide itself needed a module the core zip lacks (a browser that starts differently
    // from the build's Node): start on the full stdlib.
    console.warn("qz-calc: the core stdlib did not start; starting on the full one", error);
    await start({ stdLibURL: await blobURL(full) }, true);
    return "full";
  }
}

// The boot settings may come as the worker's name (qz-head.js does so): the start then begins as
// this module runs, not when the page's main thread — busy with the page's own scripts — gets
// round to forwarding a message (measured on a 4G link: 80 ms later).
if (self.name.startsWith("{")) start(JSON.parse(self.name));
