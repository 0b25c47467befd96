// The module worker that runs Python for the page: one per page, shared by its calculators.
// It boots Pyodide from the site's own files and answers {type: "call", id, request} with
// calc.api.handle(request): a JSON string in, a JSON string out, whatever the request type.
// While it boots it reports {type: "progress", loaded, total} (fetch-progress.js): the page
// shows the bytes and tells a slow download from a stalled one.
//
// Boot, fastest first: the memory snapshot (taken at build time with calc imported; Pyodide's
// private _loadSnapshot), else the stock start with calc loaded from the site's
// pyodide-lock.json (sha256-checked). The wasm download and compile start at once, beside the
// JavaScript imports; a download that fails reports at once instead of hanging.

let handle = null;
const queue = [];
const stages = {}; // boot stage → epoch ms, shown as User Timing marks by the page

let progress = { fetch: (...args) => fetch(...args), alive() {} }; // counting: fetch-progress.js

function stage(name) {
  stages[name] = performance.timeOrigin + performance.now();
  progress.alive();
}

function post(message) {
  self.postMessage(message);
}

function answer({ id, request }) {
  try {
    post({ type: "result", id, response: handle(request) });
  } catch (error) {
    console.error("qz-calc: calc.api.handle raised", error); // a bug in calc: it never should
    post({ type: "result", id });
  }
}

self.onmessage = ({ data }) => {
  if (data.type === "boot") {
    boot(data).then(
      (mode) => {
        stage("ready");
        post({ type: "ready", mode, stages });
        for (const message of queue.splice(0)) answer(message);
      },
      (error) => {
        console.warn("qz-calc: the calculator cannot start", error);
        post({ type: "failed", reason: "blocked" });
      });
  } else if (data.type === "call") {
    if (handle) answer(data);
    else queue.push(data);
  }
};

function quiet(promise) {
  promise.catch(() => {}); // awaited later; this only keeps an early failure from being "unhandled"
  return promise;
}

async function bytes(url) {
  const response = await progress.fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

// The build stores the snapshot without its zero pages (generator/pyodide_build.py, sparse):
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

async function blobURL(url) {
  const response = await progress.fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

// Pyodide instantiates with WebAssembly.instantiateStreaming(<its own fetch>, imports); hand it
// the module compiled above instead, for this one start.
async function withModule(module, start) {
  const original = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (_response, imports) =>
    ({ module, instance: await WebAssembly.instantiate(module, imports) });
  try {
    return await start();
  } finally {
    WebAssembly.instantiateStreaming = original;
  }
}

async function boot(config) {
  if (config.progress) {
    const { progressReporter } = await import(config.progress);
    progress = progressReporter(post, config.sizes);
  }
  stage("boot");
  const url = (name) => new URL(name, config.runtime).href;
  const wasm = quiet(WebAssembly.compileStreaming(progress.fetch(url("pyodide.asm.wasm"))));
  const snapshot = config.snapshot
    ? quiet(bytes(url(config.snapshot)).then((data) => { stage("snapshot"); return unpack(data); }))
    : null;
  const stdlib = quiet(blobURL(url(config.stdlib)));
  const [{ loadPyodide }, { default: createPyodideModule }] = await Promise.all([
    import(url("pyodide.mjs")), import(url("pyodide.asm.mjs"))]);
  stage("imports");
  const module = await wasm;
  stage("compiled");
  const options = {
    indexURL: config.runtime,
    stdLibURL: await stdlib,
    lockFileURL: url(config.lock),
    packageBaseUrl: config.runtime,
    createPyodideModule,
  };
  if (snapshot) {
    try {
      const pyodide = await withModule(module,
                                       () => loadPyodide({ ...options, _loadSnapshot: snapshot }));
      stage("python");
      const api = pyodide.pyimport("calc.api");
      // A snapshot restored into a browser it was not made for could fail only later: ask once.
      if (!JSON.parse(api.handle(JSON.stringify({ type: "list" }))).ok) {
        throw new Error("calc does not answer from the snapshot");
      }
      handle = api.handle;
      return "snapshot";
    } catch (error) {
      console.warn("qz-calc: the snapshot did not load; starting from the lock file", error);
    }
  }
  const pyodide = await withModule(module, () => loadPyodide({ ...options, packages: ["calc"] }));
  stage("python");
  handle = pyodide.pyimport("calc.api").handle;
  return "lock";
}
