// Runs in <head>, before Material's bundle (a classic, blocking script).
//
// 1. Material for MkDocs' inline head script (partials/javascripts/base.html, 9.8.2) as a file,
//    so the Content-Security-Policy needs no 'unsafe-inline'. The scope comes from data-scope.
// 2. The search index is built only when the search is used. Material sends the index to its
//    search worker on every page load, and the worker spends ≈ 350 ms of CPU building it —
//    while a measure page's calculator starts Pyodide on the same (often two) cores. Material
//    itself waits for the search to open when a page is opened from file:; this holds the
//    worker's first message (the index) the same way over http, until the search field gets
//    focus, the search toggle opens (phones) or the URL carries a query (?q=). The index itself
//    is downloaded only then (Material asks for it with XMLHttpRequest, held below), and the
//    search worker itself is started only then (a stand-in takes Material's messages).
// 3. A page with a calculator starts its worker here, from the JSON config the build puts just
//    before this script (generator/runtime/plugin/plugin.py): Pyodide boots while the page is still
//    parsed and laid out, instead of after it. web/calculator.js takes the worker over with
//    the messages it sent meanwhile (and calls qzStartCalcWorker itself if this did not run).
//    Nothing here computes: it only sends the boot message.
// 4. Instant navigation (Material's navigation.instant): the page's JavaScript and its worker
//    live on from page to page, so the next measure answers without booting Python again.
//    Material navigates instantly only to pages its sitemap lists, and the site has no sitemap
//    unless site_url is set (generator/site/plugin/plugin.py): the build lists the pages of each language in
//    assets/qz-pages.json (generator/serve/service_worker.py) and this answers Material's request for
//    sitemap.xml from it, with this origin's absolute URLs. Material runs only the new page's
//    content scripts: a page that brings a calculator or the self-check gets its script here.
// 5. The service worker (sw.js at the site root): registered once the calculator has started
//    (or failed), so its first caching never competes with the page's own downloads.
// 6. A phone's navigation drawer opens on the whole site: every chapter one tap away.
// 7. An English browser on a Chinese page is offered the English one; the language chosen is
//    remembered (the qz_lang cookie, which deploy/nginx.conf reads).
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

// Material opens the drawer (phones and tablets) on the current chapter's sub-list, from which
// another chapter took a small ← and two more taps. Its sections are checkboxes checked along
// the current page's path (partials/nav-item.html): unchecked as the drawer opens, the drawer
// shows every chapter, the current one marked and its arrow opening its measures.
(function () {
  "use strict";
  var DRAWER = "(max-width: 76.234375em)"; // Material's breakpoint for the drawer
  document.addEventListener("change", function (event) {
    var drawer = event.target;
    if (!(drawer instanceof Element) || drawer.id !== "__drawer" || !drawer.checked ||
        !window.matchMedia(DRAWER).matches) return;
    var open = document.querySelectorAll(".md-nav--primary .md-nav__toggle:checked");
    Array.prototype.forEach.call(open, function (toggle) { toggle.checked = false; });
  }, true);
})();

// An English browser is offered English (deploy/README.md). The language a visitor chose with
// the language switch, or with the offer, is remembered in the qz_lang cookie: deploy/nginx.conf
// then sends an English browser's "/" to "/en/" only if it did not choose Chinese. On a Chinese
// page a browser that prefers English (the first of zh/en in navigator.languages) and has not
// chosen Chinese (or chose English) sees the one-line offer of main.html: decided here, before
// the first paint, so the line above the header never pushes the page down afterwards.
(function () {
  "use strict";
  var root = document.documentElement;
  var OFFERED = "qz-offer-english";
  var chosen = (document.cookie.match(/(?:^|;\s*)qz_lang=(zh|en)(?:;|$)/) || [])[1];
  var first = Array.prototype.map.call(navigator.languages || [navigator.language], function (tag) {
    return String(tag).toLowerCase();
  }).filter(function (tag) { return /^(zh|en)\b/.test(tag); })[0] || "";
  var wanted = chosen ? chosen === "en" : first.indexOf("en") === 0;
  if (wanted && /^zh\b/i.test(root.lang)) root.classList.add(OFFERED);

  function remember(lang) {
    document.cookie = "qz_lang=" + lang + "; path=/; max-age=31536000; samesite=lax";
  }
  // Capture: before Material's instant navigation, and before the page is left.
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element &&
      event.target.closest("a.md-select__link[hreflang], [data-qz-lang-choice]");
    if (!target) return;
    var lang = target.getAttribute("data-qz-lang-choice") || target.getAttribute("hreflang");
    if (lang === "zh" || lang === "en") remember(lang);
    if (target.matches("button[data-qz-lang-choice]")) root.classList.remove(OFFERED);
  }, true);
})();

// PRIVATE API (how Material starts its search worker: `new Worker(url)` on the global): the
// search index is fetched and built only once the search is used. If Material stops going
// through window.Worker, the index is fetched on every page again, which
// tests/site/test_search_browser.py (the index waits for the search) catches.
(function deferSearchWorker() {
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

  // Results follow every change of the query. Material reads the field on keyup only, so text
  // that arrives without a key (a paste, a phone's voice input or IME, an autofill) left the
  // previous results showing: each such change is passed on as the keyup Material waits for
  // (a duplicate is harmless, Material drops an unchanged value). Not while an IME is still
  // composing: its letters are not the word yet.
  function passOn(event) {
    if (event.isComposing || !(event.target instanceof Element) ||
        !event.target.matches("[data-md-component=search-query]")) return;
    event.target.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }
  document.addEventListener("input", passOn, true);
  document.addEventListener("compositionend", passOn, true);

  // The words of a query as the index has them; the box keeps what was typed.
  // - A hyphenated word means the compound, not any of its parts: the index splits "tape-out"
  //   into "tape" and "out" (mkdocs.yml's separator) and Material looks each part up as a
  //   prefix, so "out" alone brought up "Outstanding". Such a word goes in quotes, Material's
  //   own syntax for "every one of these words".
  // - Chinese stands apart from Latin letters and digits, as in the index ("IC设计": "IC" and
  //   "设计").
  // - Material cuts a Chinese run into the index's words but never lets a word end at the run's
  //   last character (its segmenter stops one short), so "上云" was looked up as "上*" (上限…)
  //   and "云计算" as "云* 计*". Each run of two or more also goes with its last character
  //   doubled, so the whole run can be found; the run itself stays for words it begins.
  var COMPOUND = /^[0-9A-Za-z]+(?:-[0-9A-Za-z]+)+$/;
  var HAN = null;
  try {
    HAN = new RegExp("\\p{sc=Han}+", "gu");
  } catch (error) {
    // A browser without Unicode property escapes: queries go as typed.
  }
  var QUERY = 2; // Material's search worker message type for a query
  function indexWords(word) {
    if (COMPOUND.test(word)) return "\"" + word + "\"";
    if (!HAN) return word;
    return word.replace(HAN, function (run) {
      return " " + run + (run.length > 1 ? " " + run + run.slice(-1) : "") + " ";
    }).trim();
  }
  function asIndexed(message) {
    if (!message || message.type !== QUERY || typeof message.data !== "string") return message;
    var data = message.data.split(/\s+/).map(indexWords).join(" ").trim();
    return { type: message.type, data: data };
  }

  // Until the search is used, Material's search worker is a stand-in: the real one (a thread
  // and 100 kB of script to run: ≈ 0.1 s of a phone's CPU while the calculator starts) is made
  // only then. Material only posts to it and listens to its "message" events.
  function SearchWorker(url, options) {
    var stand = new EventTarget();
    var worker = null;
    var queued = [];
    function forward(event) {
      stand.dispatchEvent(new MessageEvent(event.type, { data: event.data }));
    }
    stand.postMessage = function () {
      var args = Array.prototype.slice.call(arguments);
      args[0] = asIndexed(args[0]);
      if (worker) return worker.postMessage.apply(worker, args);
      queued.push(args);
    };
    stand.terminate = function () {
      if (worker) worker.terminate();
      queued = [];
    };
    waiting.push(function () {
      worker = new NativeWorker(url, options);
      worker.addEventListener("message", forward);
      worker.addEventListener("messageerror", forward);
      worker.addEventListener("error", function (event) {
        stand.dispatchEvent(new ErrorEvent("error", { message: event.message }));
      });
      queued.splice(0).forEach(function (args) { worker.postMessage.apply(worker, args); });
    });
    return stand;
  }

  function DeferredWorker(url, options) {
    var href = new URL(String(url), location.href).pathname;
    if (SEARCH_WORKER.test(href) && !used) return SearchWorker(url, options);
    var worker = new NativeWorker(url, options);
    if (!SEARCH_WORKER.test(href)) return worker;
    var post = worker.postMessage;
    worker.postMessage = function () {
      var args = Array.prototype.slice.call(arguments);
      args[0] = asIndexed(args[0]);
      return post.apply(worker, args);
    };
    return worker;
  }
  DeferredWorker.prototype = NativeWorker.prototype;
  window.Worker = DeferredWorker;
  // Runs `then` once the search is used (at once if it was): the index download waits too.
  window.qzWhenSearchUsed = function (then) {
    if (used) then();
    else waiting.push(then);
  };
})();

(function () {
  "use strict";
  // Does the browser keep a shared worker alive after its last page is gone (SharedWorker's
  // extendedLifetime)? Then the calculator's worker is one for the whole site: the next page
  // connects to the Python the page before started (a new start costs seconds of processor on
  // a phone). The option is read as the options are (a browser that knows it reads it) before
  // the invalid URL is refused: no worker starts.
  function keepsSharedWorkers() {
    if (typeof SharedWorker !== "function") return false;
    var known = false;
    try {
      new SharedWorker("http://[", { get extendedLifetime() { known = true; return true; } });
    } catch (error) { /* the URL: refused, as meant */ }
    return known;
  }

  // A shared worker's port, as the page's worker client uses a worker. Ending it closes this
  // page's port only: other pages may use the worker.
  function portAsWorker(shared) {
    var port = shared.port;
    return {
      shared: true,
      postMessage: function (message) { port.postMessage(message); },
      terminate: function () { port.close(); },
      set onmessage(listener) { port.onmessage = listener; },
      set onerror(listener) { shared.onerror = listener; },
    };
  }

  // dedicated: a worker of this page's own (a retry: never the shared one that failed it).
  function startCalcWorker(config, dedicated) {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
      return null; // the page reports that the browser cannot run the calculator
    }
    var runtime = new URL(config.runtime, document.baseURI).href;
    var early = { worker: null, messages: [], error: null, runtime: runtime };
    // The boot settings go as the worker's name: it starts as soon as its module runs (a
    // message would wait for this thread, busy with the page's scripts, to forward it).
    var settings = {
      type: "boot",
      runtime: runtime,
      stdlib: config.stdlib,
      lock: config.lock,
      snapshot: config.snapshot,
      earlySnapshotMs: config.earlySnapshotMs,
      progress: config.progress && new URL(config.progress, document.baseURI).href,
      sizes: config.sizes,
      keepWhenTold: true, // the snapshot waits for the service worker's install (below)
      // Save-Data as the page sees it, so that page and worker agree (Chromium's DevTools
      // override reaches the page only): the snapshot is 3.5 MB the visitor asked not to spend.
      saveData: Boolean(navigator.connection && navigator.connection.saveData),
    };
    var url = new URL(config.worker, document.baseURI);
    var name = JSON.stringify(settings);
    try {
      early.worker = !dedicated && keepsSharedWorkers()
        ? portAsWorker(new SharedWorker(url, { type: "module", name: name,
                                               extendedLifetime: true }))
        : new Worker(url, { type: "module", name: name });
    } catch (error) {
      early.error = error;
      return early;
    }
    early.worker.onmessage = function (event) { early.messages.push(event.data); };
    early.worker.onerror = function (event) {
      event.preventDefault();
      early.error = event.message || "worker error";
    };
    return early;
  }
  window.qzStartCalcWorker = startCalcWorker;
  var element = document.getElementById("qz-calc-config");
  if (element) window.qzCalcWorker = startCalcWorker(JSON.parse(element.textContent));
})();

(function () {
  "use strict";
  var root = new URL("../../", document.currentScript.src); // this is assets/javascripts/…
  var pages = null; // language root ("" or "en/") → its pages, from assets/qz-pages.json
  var nativeFetch = window.fetch;

  function loadPages() {
    return nativeFetch(new URL("assets/qz-pages.json", root)).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (found) {
      pages = found;
      return found;
    });
  }

  function relative(href) {
    return href.indexOf(root.href) === 0 ? href.slice(root.href.length).split(/[?#]/)[0] : null;
  }

  // The language root of a URL of this site: the longest root its path starts with.
  function languageOf(path) {
    return Object.keys(pages || {}).reduce(function (best, key) {
      return path.indexOf(key) === 0 && key.length > best.length ? key : best;
    }, "");
  }

  // Material asks for <base>/sitemap.xml once, with XMLHttpRequest: it is answered with every
  // page of the site (a blob: URL, which the CSP's connect-src allows).
  var XHR = window.XMLHttpRequest;
  if (typeof XHR === "function" && typeof nativeFetch === "function") {
    var open = XHR.prototype.open;
    var send = XHR.prototype.send;
    XHR.prototype.open = function (method, url) {
      var target = new URL(String(url), location.href);
      if (method === "GET" && relative(target.href) !== null &&
          /\/sitemap\.xml$/.test(target.pathname)) {
        this.qzSitemap = target.href;
        return undefined; // opened in send(), once the page list is in
      }
      this.qzSearchIndex = method === "GET" && relative(target.href) !== null &&
        /\/search\/search_index\.json$/.test(target.pathname);
      return open.apply(this, arguments);
    };
    XHR.prototype.send = function () {
      var xhr = this;
      var args = arguments;
      var wanted = this.qzSitemap;
      // The search index (≈ 50 kB) is not fetched before the search is used: on a phone link
      // it would take its share of the bandwidth the calculator's runtime needs.
      if (this.qzSearchIndex && window.qzWhenSearchUsed) {
        this.qzSearchIndex = false;
        window.qzWhenSearchUsed(function () { send.apply(xhr, args); });
        return undefined;
      }
      if (!wanted) return send.apply(this, arguments);
      var go = function (url) {
        open.call(xhr, "GET", url);
        send.call(xhr);
      };
      loadPages().then(function (found) {
        var all = Object.keys(found).reduce(function (list, key) {
          return list.concat(found[key]);
        }, []);
        var xml = '<?xml version="1.0" encoding="UTF-8"?>' +
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' +
          all.map(function (path) {
            return "<url><loc>" + new URL(path, root).href.replace(/&/g, "&amp;") + "</loc></url>";
          }).join("") + "</urlset>";
        go(URL.createObjectURL(new Blob([xml], { type: "application/xml" })));
      }).catch(function () {
        go(wanted); // as Material asked: it then navigates without instant loading
      });
      return undefined;
    };
  }

  // Material 9.8 re-creates the new content's inline scripts so they run, but copies only
  // their text: a JSON data block (the calculator's strings) would lose its type and run as
  // JavaScript. A data block has nothing to run: it keeps its place, type and class.
  var replaceWith = Element.prototype.replaceWith;
  Element.prototype.replaceWith = function (next) {
    if (this instanceof HTMLScriptElement && /^application\/(ld\+)?json$/i.test(this.type) &&
        next instanceof HTMLScriptElement && arguments.length === 1 &&
        next.textContent === this.textContent) {
      return undefined;
    }
    return replaceWith.apply(this, arguments);
  };

  // A link into another language loads in full: the header, the search and Material's own
  // strings are the language's, and instant navigation would keep the old ones. (Material
  // leaves links with a target alone; this runs before its click handler on the body.)
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest("a[href]");
    if (!link || link.target || !pages) return;
    var to = relative(link.href);
    var here = relative(location.href);
    if (to !== null && here !== null && languageOf(to) !== languageOf(here)) link.target = "_self";
  }, true);

  // After instant navigation the header stays: point its language links at this page.
  function languageLinks() {
    var here = relative(location.href);
    if (here === null || !pages) return;
    var path = here.slice(languageOf(here).length);
    var links = document.querySelectorAll(".md-header a[hreflang]");
    Array.prototype.forEach.call(links, function (link) {
      var to = relative(link.href);
      if (to !== null) link.href = new URL(languageOf(to) + path, root).href;
    });
  }

  // After instant navigation: the script of a page that holds a calculator or the self-check
  // (already loaded: it mounts the new page's forms itself; a module runs only once).
  // A page of another build (a new one took over during this visit: the service worker now
  // serves its pages) loads in full: its calculator and rules are not those of the worker
  // this visit started, nor its scripts those already loaded.
  function pageScript() {
    var element = document.getElementById("qz-calc-config");
    if (!element) return;
    var config = JSON.parse(element.textContent);
    var running = window.qzCalcWorker;
    if (running && running.runtime !== new URL(config.runtime, document.baseURI).href) {
      location.reload();
      return;
    }
    if (config.page) import(new URL(config.page, document.baseURI).href);
  }

  // The service worker serves this build's pages from its cache. When a new build's worker
  // takes over during the visit, this page is the previous build's: say so, with a reload.
  function watchForUpdates() {
    var workers = navigator.serviceWorker;
    if (!workers) return;
    var controlled = Boolean(workers.controller);
    workers.addEventListener("controllerchange", function () {
      var notice = document.querySelector("[data-qz-update]");
      if (controlled && notice) notice.hidden = false;
      controlled = true;
    });
    document.addEventListener("click", function (event) {
      if (event.target instanceof Element && event.target.closest("[data-qz-reload]")) {
        location.reload();
      }
    });
  }
  watchForUpdates();

  // Settles once this build's service worker has installed, or cannot: the calculator's worker
  // downloads the memory snapshot only then (web/worker-client.js), so the install's downloads
  // and the snapshot's never share a phone's link — a page opened meanwhile waits behind one.
  // Settles to false when the worker installing is a newer build's: this page's snapshot would
  // be for a build no later visit starts.
  var installed;
  window.qzServiceWorkerInstalled = new Promise(function (resolve) { installed = resolve; });

  function whenInstalled(registration) {
    var worker = registration.installing || registration.waiting;
    if (!worker) return installed(true);
    var newer = Boolean(registration.active);
    worker.addEventListener("statechange", function () {
      if (worker.state !== "installing") installed(!newer);
    });
  }

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator) || !navigator.serviceWorker) return installed(true);
    // register() returns an existing registration as it is: update() asks for sw.js again, so
    // a new build's worker (and with it the new runtime) is installed on this visit.
    navigator.serviceWorker.register(new URL("sw.js", root).href).then(function (registration) {
      whenInstalled(registration);
      return registration.active ? registration.update() : undefined;
    }).catch(function (error) {
      installed(true);
      console.warn("qz: no service worker", error); // the site works without one
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var first = true;
    if (window.document$ && window.document$.subscribe) {
      window.document$.subscribe(function () {
        if (!first) {
          languageLinks();
          pageScript();
        }
        first = false;
      });
    }
  });
  if (document.getElementById("qz-calc-config")) {
    window.addEventListener("qz-calc-settled", registerServiceWorker, { once: true });
  } else {
    window.addEventListener("load", registerServiceWorker, { once: true });
  }
})();
