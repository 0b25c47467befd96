// The page side of the award calculator. It collects each form, keeps its figures in the URL,
// asks the page's one worker (calc-worker.js, which runs the Python package `calc`) and shows
// the answer. It knows the shape of a result, never the meaning of a rule: no arithmetic here.

const STATE_KEY = "calc"; // #calc=3.1&fee=60000&on=2026-06-01: the hash never reaches a server

function today() {
  const d = new Date();
  const parts = [d.getFullYear(), d.getMonth() + 1, d.getDate()];
  return parts.map((n) => String(n).padStart(2, "0")).join("-");
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

// ---------------------------------------------------------------- the worker, shared by the page

// The config the build put in this page's head. Read again at each start: after instant
// navigation (Material's navigation.instant) the head is the new page's, whose relative URLs
// may differ from the first page's.
function pageConfig() {
  return JSON.parse(document.getElementById("qz-calc-config").textContent);
}

// One worker per visit, shared by every calculator on the page and, with instant navigation,
// by the calculators of the pages that follow: Python boots once.
export class Engine {
  constructor() {
    this.listeners = new Map(); // request id → callback
    this.calculators = [];
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

  // A calculator joins: it is told at once what the others already know.
  attach(calc) {
    this.calculators = this.calculators.filter((c) => c.root.isConnected);
    this.calculators.push(calc);
    if (this.state === "ready") calc.ready(this.mode);
    else if (this.state === "loading") {
      if (this.progress.loaded) calc.progress(this.progress);
    }
    else calc.failed(this.reason);
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
      for (const calc of this.calculators) calc.progress(this.progress);
    } else if (message.type === "ready") {
      clearTimeout(this.watchdog);
      for (const [name, epoch] of Object.entries(message.stages)) {
        const startTime = Math.max(0, epoch - performance.timeOrigin);
        performance.mark(`qz-calc:${name}`, { startTime });
      }
      this.state = "ready";
      this.mode = message.mode;
      for (const calc of this.calculators) calc.ready(message.mode);
      window.dispatchEvent(new Event("qz-calc-settled")); // qz-head.js: the service worker
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
    for (const calc of this.calculators) calc.failed(reason);
    window.dispatchEvent(new Event("qz-calc-settled"));
  }

  // A new worker from scratch; what the browser (or the service worker) already holds of the
  // runtime is not downloaded again.
  retry() {
    if (this.state !== "failed" && this.state !== "stalled") return;
    this.progress = { loaded: 0, total: null };
    this.start(window.qzStartCalcWorker?.(pageConfig()));
    if (this.state !== "loading") return;
    for (const calc of this.calculators) {
      calc.loading();
      calc.update();
    }
  }
}

// The page's engine, made and started on first use; kept on window so the calculator script
// and the self-check script (which imports this module) share it across instant navigation.
export function sharedEngine() {
  if (!window.qzEngine) {
    window.qzEngine = new Engine();
    window.qzEngine.start();
  }
  return window.qzEngine;
}

// Run `mount` for this page and again for each page instant navigation brings in.
export function onEachPage(mount) {
  mount();
  window.document$?.subscribe?.(() => mount());
}

// ---------------------------------------------------------------- one calculator on the page

// ---------------------------------------------------------------- what every worker form shares

// A form whose answers come from the worker: its slots, status line, money format, error boxes,
// the debounced link and announcement, and one request in flight at a time. Subclasses say what
// to ask (request) and how to show the answer (show); the measure calculator and the self-check
// are the two.
export class WorkerForm {
  constructor(root, engine, stringsSelector, announceSlot) {
    this.root = root;
    this.engine = engine;
    this.form = root.querySelector("form");
    this.result = root.querySelector("[data-result]");
    this.strings = JSON.parse(root.querySelector(stringsSelector).textContent);
    // The start-up strings (generator/site/templates/_boot.html), shared by both forms.
    const boot = root.querySelector(".qz-calc-boot-strings");
    if (boot) Object.assign(this.strings, JSON.parse(boot.textContent));
    this.lang = root.dataset.lang;
    this.inflight = false;
    this.dirty = false;
    this.announceSlot = announceSlot;
    this.pathname = location.pathname;
    this.slot = (name) => root.querySelector(`[data-slot="${name}"]`);
    root.querySelector('[data-action="retry"]')?.addEventListener("click", () => engine.retry());
  }

  // Every edit updates the answer at once; the link follows once typing pauses (browsers
  // throttle history updates).
  listen(onEdit = () => {}) {
    const changed = (event) => {
      onEdit(event);
      clearTimeout(this.saveTimer);
      this.saveTimer = setTimeout(() => this.ownsURL() && this.save(), 250);
      this.update();
    };
    this.form.addEventListener("input", changed);
    this.form.addEventListener("change", changed);
    this.form.addEventListener("submit", (event) => event.preventDefault());
  }

  // Not once a link was followed: with instant navigation this page's script lives on, and the
  // address (and soon the content) is the next page's.
  ownsURL() {
    return this.root.isConnected && location.pathname === this.pathname;
  }

  // The print header: the day printed and the date the estimate is for, as long dates; one
  // line when they are the same day.
  datePrint(on) {
    const locale = this.lang === "zh" ? "zh-CN" : "en-GB";
    const date = (iso) => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" })
      .format(new Date(`${iso}T00:00:00Z`));
    this.slot("print-made").textContent = date(today());
    this.slot("print-on").textContent = date(on);
    this.slot("print-made-row").hidden = today() === on;
  }

  // The printout names the rules the worker computed with (their SHA-256, as data/index.json).
  rulesPrint(rules) {
    this.slot("print-rules").textContent = rules ? rules.sha256 : "—";
  }

  update() {
    if (this.engine.state !== "loading" && this.engine.state !== "ready") return;
    if (this.inflight) {
      this.dirty = true;
      return;
    }
    this.inflight = true;
    this.dirty = false;
    this.root.dataset.busy = "";
    this.engine.call(this.request(), (answer) => {
      this.inflight = false;
      if (this.dirty) return this.update();
      delete this.root.dataset.busy;
      this.show(answer);
      this.shown?.(answer);
    });
  }

  // ---- start-up: progress, ready, stalled or failed, retry

  bootBox(shown, retry = false) {
    const box = this.slot("boot");
    if (!box) return;
    box.hidden = !shown;
    this.root.querySelector('[data-action="retry"]').hidden = !retry;
  }

  // Bytes so far of the runtime download: a progress bar and "x / y MB"; once every byte is
  // in, Python is starting.
  progress({ loaded, total }) {
    const mb = (bytes) => (bytes / 1e6).toFixed(1);
    const bar = this.slot("progress");
    if (!bar) return;
    this.bootBox(true);
    if (total) {
      bar.max = total;
      bar.value = Math.min(loaded, total);
    } else {
      bar.removeAttribute("value"); // indeterminate: the total is not known
    }
    const done = total && loaded >= total;
    this.root.dataset.loaded = loaded;
    const template = done ? this.strings.starting
      : total ? this.strings.downloading : this.strings.downloadingUnknown;
    this.slot("status").textContent =
      fill(template, { loaded: mb(loaded), total: total ? mb(total) : "" });
  }

  loading() {
    this.root.dataset.state = "loading";
    this.bootBox(false);
    this.slot("status").textContent = this.strings.loading;
  }

  ready(mode) {
    this.root.dataset.state = "ready";
    this.root.dataset.engine = mode;
    this.bootBox(false);
    this.slot("status").textContent = this.strings.ready;
  }

  // Stalled (no byte for a while) or a download that broke: the network's fault, so a retry
  // button; the form, the link and print stay usable, the worked examples stay in view.
  failed(reason) {
    const network = reason === "stalled" || reason === "blocked";
    this.root.dataset.state = reason === "stalled" ? "stalled" : "failed";
    delete this.root.dataset.busy;
    this.inflight = false;
    this.clearResult();
    this.bootBox(network && Boolean(this.slot("boot")), network);
    if (reason === "stalled") {
      const seconds = Math.round(this.engine.stallMs / 1000);
      this.slot("status").textContent = fill(this.strings.stalled, { seconds });
    } else {
      const why = this.strings[reason] ?? reason;
      this.slot("status").textContent = fill(this.strings.failed, { reason: why });
    }
  }

  money(decimal) {
    const [whole, fraction] = decimal.split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const value = fraction === undefined ? grouped : `${grouped}.${fraction}`;
    return fill(this.strings.money, { value });
  }

  clearErrors() {
    for (const box of this.root.querySelectorAll("[data-error-for]")) {
      box.hidden = true;
      box.textContent = "";
    }
    for (const el of this.controls()) el.removeAttribute("aria-invalid");
    for (const set of this.form.querySelectorAll("fieldset")) set.removeAttribute("aria-invalid");
    this.slot("general").hidden = true;
  }

  announce(text) {
    // Debounced, so a screen reader hears the answer once typing pauses, not every keystroke.
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => { this.slot(this.announceSlot).textContent = text; }, 700);
  }

  async copyLink() {
    this.save();
    const status = this.slot("action-status");
    try {
      await navigator.clipboard.writeText(location.href);
      status.textContent = this.strings.copied;
    } catch {
      status.textContent = this.strings.copyFailed;
    }
  }
}

class Calculator extends WorkerForm {
  constructor(root, engine) {
    super(root, engine, ".qz-calc-strings", "announce");
    this.touched = new Set();

    const restored = this.restore();
    if (!this.form.elements.on.value) this.form.elements.on.value = today();
    if (restored) requestAnimationFrame(() => root.scrollIntoView({ block: "start" }));

    this.listen((event) => {
      if (event.target.name) this.touched.add(event.target.name);
    });
    root.querySelector('[data-action="copy"]').addEventListener("click", () => this.copyLink());
    root.querySelector('[data-action="print"]').addEventListener("click", () => this.print());
  }

  // ---- the form and the URL

  controls() {
    return [...this.form.elements].filter((el) => el.name);
  }

  values() {
    const values = {};
    for (const el of this.controls()) {
      if (el.type === "checkbox") {
        values[el.name] ??= [];
        if (el.checked) values[el.name].push(el.value);
      } else if (el.value.trim() !== "") {
        values[el.name] = el.value.trim();
      }
    }
    return values;
  }

  save() {
    clearTimeout(this.saveTimer);
    const params = new URLSearchParams({ [STATE_KEY]: this.root.dataset.measure });
    for (const [name, value] of Object.entries(this.values())) {
      const text = Array.isArray(value) ? value.join(",") : value;
      if (text !== "" || Array.isArray(value)) params.set(name, text);
    }
    history.replaceState(history.state, "", `#${params}`);
  }

  restore() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.get(STATE_KEY) !== this.root.dataset.measure) return false;
    for (const el of this.controls()) {
      if (!params.has(el.name)) continue;
      const value = params.get(el.name);
      if (el.type === "checkbox") el.checked = value.split(",").includes(el.value);
      else el.value = value;
      this.touched.add(el.name);
    }
    return true;
  }

  // ---- asking the worker

  request() {
    const { on, ...inputs } = this.values();
    return { type: "estimate", measure: this.root.dataset.key, inputs, on: on || today() };
  }

  shown(answer) {
    if (!this.shownOnce && answer?.ok) {
      this.shownOnce = true;
      performance.mark("qz-calc:first-result");
    }
  }

  // ---- showing the answer

  clearResult() {
    for (const key of ["award", "city", "county"]) delete this.result.dataset[key];
    this.slot("figures").hidden = true;
  }

  show(answer) {
    this.clearErrors();
    if (answer === null) {
      this.clearResult();
      this.slot("pending").hidden = true;
      this.slot("general").textContent = this.strings.internal;
      this.slot("general").hidden = false;
      return;
    }
    if (!answer.ok) return this.showError(answer.error);
    const r = answer.result;
    Object.assign(this.result.dataset, { award: r.award, city: r.city, county: r.county });
    this.rulesPrint(r.rules);
    this.slot("pending").hidden = true;
    this.slot("figures").hidden = false;
    this.slot("upto").hidden = !r.upper_bound;
    this.slot("award").textContent = this.money(r.award);
    this.slot("city").textContent = this.money(r.city);
    this.slot("county").textContent = this.money(r.county);
    this.list("steps", r.steps);
    // Alternative readings that change the amount (the engine computes them; see calc/alternatives.py)
    this.list("alternatives", (r.alternatives ?? []).filter((a) => a.differs));
    // What would qualify or reach the next tier (the engine proposes it from the rule).
    this.list("hints", r.hints ?? []);
    this.list("warnings", r.warnings);
    this.list("reasons", r.reasons);
    this.slot("reasons-title").textContent =
      r.eligible ? this.strings.reasonsPartial : this.strings.reasons;
    const template = r.upper_bound ? this.strings.announceUpTo : this.strings.announce;
    const shown = { award: this.money(r.award), city: this.money(r.city),
                    county: this.money(r.county) };
    this.announce(fill(template, shown));
  }

  list(name, items) {
    const box = this.slot(`${name}-box`);
    if (box) box.hidden = items.length === 0;
    this.slot(name).replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      if (!item.ref) {
        li.textContent = item[this.lang];
        return li;
      }
      const ref = document.createElement("span");
      ref.className = "qz-ref";
      // English pages quote the clause in English (the data's ref_en) beside the Chinese words.
      if (this.lang === "en" && item.ref_en && item.ref_en !== item.ref) {
        const zh = document.createElement("span");
        zh.lang = "zh";
        zh.textContent = item.ref;
        ref.append(item.ref_en, " (", zh, ")");
      } else {
        ref.textContent = item.ref;
      }
      li.append(item[this.lang], " ", ref);
      return li;
    }));
  }

  showError(error) {
    this.clearResult();
    const text = error[this.lang];
    const pending = this.slot("pending");
    const box = error.field
      && this.root.querySelector(`[data-error-for="${CSS.escape(error.field)}"]`);
    // A field nobody has touched yet is a prompt, not a mistake.
    if (error.code === "error.missing" && !this.touched.has(error.field)) {
      pending.textContent = text;
      pending.hidden = false;
      return;
    }
    if (box) {
      box.textContent = text;
      box.hidden = false;
      const field = box.closest("[data-field]");
      const target = field.querySelector("fieldset") ?? this.form.elements[error.field];
      target?.setAttribute?.("aria-invalid", "true");
      pending.textContent = this.strings.fix;
      pending.hidden = false;
    } else {
      pending.hidden = true;
      this.slot("general").textContent = text;
      this.slot("general").hidden = false;
    }
    this.announce(text);
  }

  // ---- sharing and printing

  print() {
    this.save();
    this.datePrint(this.form.elements.on.value || today());
    this.slot("print-link").textContent = location.href;
    const rows = [];
    for (const field of this.form.querySelectorAll("[data-field]")) {
      if (field.dataset.field === "on") continue;
      const label = field.querySelector("legend, label").textContent;
      const shown = [...field.querySelectorAll("input, select")].flatMap((el) => {
        if (el.type === "checkbox") return el.checked ? [el.parentElement.textContent.trim()] : [];
        if (el.tagName === "SELECT") return el.value ? [el.selectedOptions[0].textContent] : [];
        const unit = field.querySelector(".qz-calc__unit")?.textContent ?? "";
        return el.value.trim() ? [`${el.value.trim()} ${unit}`] : [];
      });
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      const td = document.createElement("td");
      th.scope = "row";
      th.textContent = label;
      td.textContent = shown.join(this.lang === "zh" ? "、" : ", ") || "—";
      tr.append(th, td);
      rows.push(tr);
    }
    this.slot("print-inputs").replaceChildren(...rows);
    const restore = isolateForPrint(this.root, "qz-calc--printing");
    window.addEventListener("afterprint", restore, { once: true });
    window.print();
  }
}

// ---------------------------------------------------------------- printing one element

// Hide everything on the page but `root`, for one print; returns what undoes it. Shared with
// web/selfcheck.js, which imports this module.
export function isolateForPrint(root, printingClass) {
  const hidden = [];
  for (let node = root; node.parentElement; node = node.parentElement) {
    for (const sibling of node.parentElement.children) {
      if (sibling !== node && !sibling.hasAttribute("data-qz-print-hide")) {
        sibling.setAttribute("data-qz-print-hide", "");
        hidden.push(sibling);
      }
    }
  }
  document.documentElement.classList.add("qz-printing");
  root.classList.add(printingClass);
  return () => {
    for (const el of hidden) el.removeAttribute("data-qz-print-hide");
    document.documentElement.classList.remove("qz-printing");
    root.classList.remove(printingClass);
  };
}

export { fill, today };

// ---------------------------------------------------------------- start

// Each calculator of this page, and of each page instant navigation brings in, joins the one
// engine; a calculator is mounted once (data-qz-mounted).
onEachPage(() => {
  const roots = document.querySelectorAll("[data-qz-calc]:not([data-qz-mounted])");
  if (!roots.length) return;
  const engine = sharedEngine();
  for (const root of roots) {
    root.dataset.qzMounted = "";
    const calc = new Calculator(root, engine);
    engine.attach(calc);
    calc.update();
  }
});
