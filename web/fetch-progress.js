// Counts the bytes the worker downloads and tells the page, so the page can show a real
// progress bar and tell a slow download (bytes still arriving) from a stalled one (nothing for a
// while). Imported by calc-worker.js, which calls `fetch` from here at each of its fetch sites.
//
// The page shows what the phone downloads: the bytes on the wire (nginx sends the .br siblings:
// 3.3 MB for the start, not the 12.3 MB they unpack to). A body is read after HTTP decoding, so
// each file's decoded bytes are scaled by its wire size over its decoded size: the wire size is
// Content-Length when the body is encoded, the decoded size (config.sizes, from the build, or
// Content-Length) when it is not. A file whose sizes are not both known counts decoded bytes.
// Messages: {type: "progress", loaded, total} — total is null until every file's is known.

const INTERVAL_MS = 100; // at most ten messages a second

export function progressReporter(post, sizes = {}) {
  const files = new Map(); // url → { read: decoded bytes so far, size, wire } (null: unknown)
  let last = 0;
  let timer = null;

  function send() {
    clearTimeout(timer);
    timer = null;
    last = Date.now();
    let loaded = 0;
    let total = 0;
    for (const { read, size, wire } of files.values()) {
      loaded += size && wire ? read * (wire / size) : read;
      total = total === null || wire === null ? null : total + wire;
    }
    post({ type: "progress", loaded: Math.round(loaded), total });
  }

  function soon() {
    if (timer !== null) return;
    timer = setTimeout(send, Math.max(0, INTERVAL_MS - (Date.now() - last)));
  }

  function known(url) {
    const size = sizes[new URL(url).pathname.split("/").pop()];
    return Number.isFinite(size) ? size : null;
  }

  // [decoded size, wire size] of a response, each null when unknown.
  function measured(url, response) {
    const length = Number(response.headers.get("content-length")) || null;
    const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
    const size = known(url) ?? (encoded ? null : length);
    if (!encoded) return [size, size];
    return [size, size === null ? null : length ?? size]; // no length: counted decoded
  }

  // A fetch already under way (started before this module arrived), with the response's body
  // counted as it is read (headers and status kept, so WebAssembly.compileStreaming still sees
  // application/wasm). `done` is called once the whole body has been read.
  async function track(url, pending, done = () => {}) {
    // In the total from the start (unknown until it answers), not only once it answers.
    const file = { read: 0, size: known(url), wire: null };
    files.set(url, file);
    const response = await pending;
    if (!response.ok || !response.body) {
      file.wire = file.size = 0;
      done();
      return response;
    }
    [file.size, file.wire] = measured(url, response);
    soon();
    const counter = new TransformStream({
      transform(chunk, controller) {
        file.read += chunk.byteLength;
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
