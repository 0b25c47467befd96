// Counts the bytes the worker downloads and tells the page, so the page can show a real
// progress bar and tell a slow download (bytes still arriving) from a stalled one (nothing for a
// while). Imported by calc-worker.js, which calls `fetch` from here at each of its fetch sites.
//
// Bytes are counted as the body is read, after HTTP decoding: the totals are the files' own
// sizes (config.sizes, written by the build), or Content-Length when the body is not encoded.
// Messages: {type: "progress", loaded, total} — total is null while a size is unknown.

const INTERVAL_MS = 100; // at most ten messages a second

export function progressReporter(post, sizes = {}) {
  let loaded = 0;
  const totals = new Map(); // url → expected bytes, or null when unknown
  let last = 0;
  let timer = null;

  function send() {
    clearTimeout(timer);
    timer = null;
    last = Date.now();
    const values = [...totals.values()];
    const total = values.includes(null) ? null : values.reduce((a, b) => a + b, 0);
    post({ type: "progress", loaded, total });
  }

  function soon() {
    if (timer !== null) return;
    timer = setTimeout(send, Math.max(0, INTERVAL_MS - (Date.now() - last)));
  }

  function known(url) {
    const size = sizes[new URL(url).pathname.split("/").pop()];
    return Number.isFinite(size) ? size : null;
  }

  function expected(url, response) {
    if (known(url) !== null) return known(url);
    const length = Number(response.headers.get("content-length"));
    const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
    return !encoded && length > 0 ? length : null;
  }

  // A fetch already under way (started before this module arrived), with the response's body
  // counted as it is read (headers and status kept, so WebAssembly.compileStreaming still sees
  // application/wasm). `done` is called once the whole body has been read.
  async function track(url, pending, done = () => {}) {
    totals.set(url, known(url)); // counted in the total from the start, not once it answers
    const response = await pending;
    if (!response.ok || !response.body) {
      done();
      return response;
    }
    totals.set(url, expected(url, response));
    soon();
    const counter = new TransformStream({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        soon();
        controller.enqueue(chunk);
      },
      flush() {
        send();
        done();
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status, statusText: response.statusText, headers: response.headers });
  }

  // A boot stage passed without a byte (compiling, starting Python): still alive.
  function alive() {
    send();
  }

  return { fetch: (url, init) => track(url, fetch(url, init)), track, alive };
}
