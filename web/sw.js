// The site's service worker, served as /sw.js so its scope is the whole site. Hand-written, no
// library; it only ever talks to this origin.
//
// - Content-hashed files (the Pyodide runtime under assets/pyodide/<version>-<hash>/, the
//   calculator's assets/calc/<name>.<hash>.js, Material's bundles) come from the cache with no
//   round trip: their URL changes whenever their bytes do.
// - This build's pages and its other unhashed files (the search index, the theme's scripts,
//   the open data) come from the cache the install filled, also with no round trip: a repeat
//   visit starts from the cache, on a phone link too. They change only with a new build, and a
//   new build is a new sw.js (its manifest below names them all, with a version that changes
//   with any of them): the browser asks for sw.js at each visit, the new worker keeps the new
//   build and takes over, and the page says that a newer version is there (qz-head.js). A page
//   and the runtime it uses always come from one build.
// - Anything else goes to the network first and falls back to the cache when offline. (No
//   navigation preload: Firefox ESR 153 then fails an offline page outright — "NetworkError:
//   AutoCancel" — instead of letting it fall back to the cache; tests/engines/test_offline.py.)
// - Install keeps this build's runtime, assets and every page, so after one visit the
//   calculators and the self-check work offline; the files no page starts with (BUILD.later:
//   the fallback stdlib, the wheel) are kept only once asked for. Activate deletes what older
//   builds kept: a page of this build never meets another build's runtime, and a new runtime
//   replaces the old one.
// - Each unhashed file is kept only if its bytes are this build's (BUILD.digests): a deploy that
//   lands during the install serves the next build's pages, and an install that met one fails
//   whole and leaves nothing behind (the next visit installs the new build's worker). A cache
//   never holds two builds' pages.
// - The memory snapshot (BUILD.unkept) is never kept here: the calculator's worker keeps its own
//   copy (qz-calc-snapshot), and fetches none for a visitor with Save-Data.
//
// - A hashed file whose download broke off (connection lost, or the page gave up on a stall)
//   keeps what had arrived; the next request asks for the rest with a Range request. nginx's
//   brotli_static serves no ranges, and a Range request makes the browser ask for the plain
//   file: the rest comes uncompressed, so it resumes only when that rest is smaller than the
//   whole compressed file, and starts over otherwise.
//
// generator/serve/service_worker.py replaces the next line with the build's manifest.
const BUILD = { version: "dev", immutable: [], later: [], precache: [], sizes: {} };

const IMMUTABLE = "qz-immutable";
const PARTIAL = "qz-partial"; // bodies cut short, by URL: x-qz-received bytes of the plain file
const PAGES = `qz-pages-${BUILD.version}`;
const scope = new URL(self.registration.scope);
const absolute = (path) => new URL(path, scope).href;
const immutable = new Set(BUILD.immutable.map(absolute));
const later = new Set((BUILD.later ?? []).map(absolute)); // kept once asked for, not at install
const precached = new Set(BUILD.precache.map(absolute));
const unkept = new Set((BUILD.unkept ?? []).map(absolute)); // to the network, never kept
const digests = new Map(Object.entries(BUILD.digests ?? {}).map(([p, d]) => [absolute(p), d]));
const sizes = new Map(Object.entries(BUILD.sizes ?? {}).map(([path, n]) => [absolute(path), n]));
const HASHED = /\.[0-9a-f]{8,}\.|\/\d+\.\d+\.\d+-[0-9a-f]{10}\//; // as the build's rule
const MATCH = { ignoreVary: true };

async function keep(cache, href) {
  // The page that registered this worker downloaded the runtime moments ago: the HTTP cache
  // (hashed files are immutable there too) answers most of these without the network.
  const response = await fetch(href);
  if (!response.ok) throw new Error(`${href}: HTTP ${response.status}`);
  await cache.put(href, response);
}

// Is `response` (not read) this build's file `href`? Only unhashed files have a digest; a hashed
// file's name is its content.
async function ofThisBuild(href, response) {
  const want = digests.get(href);
  if (want === undefined) return true;
  const digest = await crypto.subtle.digest("SHA-256", await response.clone().arrayBuffer());
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return hex.startsWith(want);
}

async function keepOfThisBuild(cache, href) {
  const response = await fetch(href);
  if (!response.ok) throw new Error(`${href}: HTTP ${response.status}`);
  if (!(await ofThisBuild(href, response))) {
    throw new Error(`${href}: the server has another build's (deployed during the install)`);
  }
  await cache.put(href, response);
}

// The whole build or nothing: when any file fails (or is another build's), this install's
// pages are dropped once every download has settled, and the install fails.
async function installBuild() {
  const hashed = await caches.open(IMMUTABLE);
  const missing = [];
  for (const href of immutable) {
    if (!later.has(href) && !(await hashed.match(href, MATCH))) missing.push(href);
  }
  const pages = await caches.open(PAGES);
  const done = await Promise.allSettled([
    ...missing.map((href) => keep(hashed, href)),
    ...BUILD.precache.map((path) => keepOfThisBuild(pages, absolute(path)))]);
  const failed = done.find((outcome) => outcome.status === "rejected");
  if (failed) {
    await caches.delete(PAGES);
    throw failed.reason;
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    await installBuild();
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if ((name.startsWith("qz-pages-") && name !== PAGES) || name === PARTIAL) {
        await caches.delete(name);
      }
    }
    const hashed = await caches.open(IMMUTABLE);
    for (const request of await hashed.keys()) {
      if (!immutable.has(request.url)) await hashed.delete(request);
    }
    await self.clients.claim();
  })());
});

// Is asking for the rest cheaper than starting over? A Range answer is the plain file.
function worthResuming(partial, href) {
  const received = Number(partial.headers.get("x-qz-received"));
  const encoded = Number(partial.headers.get("x-qz-encoded-length")); // 0: it came plain
  const size = sizes.get(href);
  if (!received || !size || received >= size) return false;
  return !encoded || size - received < encoded;
}

function concat(chunks) {
  const whole = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}

// The body to the page as it arrives (after `head`, what an earlier try kept), and to the
// cache once whole; if it breaks off or the page stops reading, what arrived is kept.
function keepWhileStreaming(event, href, response, head, encoded) {
  const chunks = head ? [head] : [];
  const headers = new Headers({ "content-type": response.headers.get("content-type") ?? "" });
  const reader = response.body.getReader();
  let settle;
  const settled = new Promise((resolve) => { settle = resolve; });
  event.waitUntil(settled);
  downloads.set(href, settled);
  settled.then(() => downloads.delete(href));
  const keepPart = async () => {
    const body = concat(chunks);
    const partHeaders = new Headers(headers);
    partHeaders.set("x-qz-received", String(body.byteLength));
    partHeaders.set("x-qz-encoded-length", String(encoded));
    await (await caches.open(PARTIAL)).put(href, new Response(body, { headers: partHeaders }));
  };
  const stream = new ReadableStream({
    start(controller) {
      if (head) controller.enqueue(head.slice());
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          const whole = new Response(concat(chunks), { headers });
          await (await caches.open(IMMUTABLE)).put(href, whole);
          await (await caches.open(PARTIAL)).delete(href);
          settle();
          return;
        }
        chunks.push(value);
        controller.enqueue(value);
      } catch (error) {
        controller.error(error);
        await keepPart().catch(() => {});
        settle();
      }
    },
    async cancel() {
      reader.cancel().catch(() => {});
      await keepPart().catch(() => {});
      settle();
    },
  });
  return new Response(stream, { status: 200, headers });
}

// href → settles when its download ends. Pyodide fetches the wasm a second time (the worker
// hands it the module it compiled already): that request waits for the first download.
const downloads = new Map();

async function cacheFirst(event) {
  const cache = await caches.open(IMMUTABLE);
  const href = event.request.url;
  await downloads.get(href);
  const hit = await cache.match(event.request, MATCH);
  if (hit) return hit;
  const partial = await (await caches.open(PARTIAL)).match(href);
  let head = null;
  let response = null;
  if (partial && worthResuming(partial, href)) {
    const kept = new Uint8Array(await partial.arrayBuffer());
    const rest = await fetch(href, { headers: { range: `bytes=${kept.byteLength}-` } });
    const range = rest.headers.get("content-range") ?? "";
    if (rest.status === 206 && range.startsWith(`bytes ${kept.byteLength}-`)) {
      head = kept;
      response = rest;
    }
  }
  response ??= await fetch(href);
  if (!response.ok || response.type !== "basic" || !response.body) return response;
  const coding = response.headers.get("content-encoding") ?? "identity";
  const encoded = !head && coding !== "identity"
    ? Number(response.headers.get("content-length")) || 0 : 0;
  return keepWhileStreaming(event, href, response, head, encoded);
}

// This build's copy, kept at install; the network only if it is missing (an install that was
// cut short never activates, so this is rare: a cache the browser evicted), kept again only if
// the server still has this build's.
async function fromBuild(event) {
  const cache = await caches.open(PAGES);
  const hit = await cache.match(event.request, { ...MATCH, ignoreSearch: true });
  if (hit) return hit;
  const url = new URL(event.request.url);
  const href = url.origin + url.pathname;
  const response = await fetch(event.request);
  if (response.ok && response.type === "basic" && !response.redirected) {
    const copy = response.clone(); // read (and kept) beside the page's own reading
    event.waitUntil(ofThisBuild(href, copy).then((same) => same && cache.put(href, copy))
      .catch(() => {}));
  }
  return response;
}

async function networkFirst(event) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === "basic" && !response.redirected) {
      event.waitUntil(cache.put(event.request, response.clone()).catch(() => {}));
    }
    return response;
  } catch (error) {
    const hit = await cache.match(event.request, { ...MATCH, ignoreSearch: true });
    if (hit) return hit;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  if (!request.url.startsWith(scope.href) || unkept.has(request.url)) return;
  const url = new URL(request.url);
  const hashed = immutable.has(request.url) || HASHED.test(url.pathname);
  const page = precached.has(url.origin + url.pathname);
  event.respondWith(hashed ? cacheFirst(event) : page ? fromBuild(event) : networkFirst(event));
});
