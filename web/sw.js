// The site's service worker, served as /sw.js so its scope is the whole site. Hand-written, no
// library; it only ever talks to this origin.
//
// - Content-hashed files (the Pyodide runtime under assets/pyodide/<version>-<hash>/, the
//   calculator's assets/calc/<name>.<hash>.js, Material's bundles) come from the cache with no
//   round trip: their URL changes whenever their bytes do.
// - Everything else (pages, the search index, unhashed scripts) goes to the network first and
//   falls back to the cache when offline.
// - Install keeps this build's runtime, assets and every page, so after one visit the
//   calculators and the self-check work offline. Activate deletes what older builds kept: a page
//   of this build never meets another build's runtime, and a new runtime replaces the old one.
//
// generator/service_worker.py replaces the next line with the build's manifest.
const BUILD = { version: "dev", immutable: [], precache: [] };

const IMMUTABLE = "qz-immutable";
const PAGES = `qz-pages-${BUILD.version}`;
const scope = new URL(self.registration.scope);
const absolute = (path) => new URL(path, scope).href;
const immutable = new Set(BUILD.immutable.map(absolute));
const HASHED = /\.[0-9a-f]{8,}\.|\/\d+\.\d+\.\d+-[0-9a-f]{10}\//; // as the build's rule
const MATCH = { ignoreVary: true };

async function keep(cache, href) {
  // The page that registered this worker downloaded the runtime moments ago: the HTTP cache
  // (hashed files are immutable there too) answers most of these without the network.
  const response = await fetch(href);
  if (!response.ok) throw new Error(`${href}: HTTP ${response.status}`);
  await cache.put(href, response);
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const hashed = await caches.open(IMMUTABLE);
    const missing = [];
    for (const href of immutable) if (!(await hashed.match(href, MATCH))) missing.push(href);
    const pages = await caches.open(PAGES);
    await Promise.all([...missing.map((href) => keep(hashed, href)),
                       ...BUILD.precache.map((path) => keep(pages, absolute(path)))]);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("qz-pages-") && name !== PAGES) await caches.delete(name);
    }
    const hashed = await caches.open(IMMUTABLE);
    for (const request of await hashed.keys()) {
      if (!immutable.has(request.url)) await hashed.delete(request);
    }
    await self.clients.claim();
  })());
});

async function cacheFirst(event) {
  const cache = await caches.open(IMMUTABLE);
  const hit = await cache.match(event.request, MATCH);
  if (hit) return hit;
  const response = await fetch(event.request);
  if (response.ok && response.type === "basic") {
    event.waitUntil(cache.put(event.request, response.clone()).catch(() => {}));
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
  if (!request.url.startsWith(scope.href)) return;
  const hashed = immutable.has(request.url) || HASHED.test(new URL(request.url).pathname);
  event.respondWith(hashed ? cacheFirst(event) : networkFirst(event));
});
