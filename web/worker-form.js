// What the calculator and the self-check pages share: a form whose answers come from the worker
// client (web/worker-client.js), and printing one element of the page. Importing this module
// does nothing. Amounts are shown as calc wrote them (the answers' `shown`): no money is
// formatted here.

export function today() {
  const d = new Date();
  const parts = [d.getFullYear(), d.getMonth() + 1, d.getDate()];
  return parts.map((n) => String(n).padStart(2, "0")).join("-");
}

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

// A form whose answers come from the worker: its slots, status line, error boxes,
// the debounced link and announcement, and one request in flight at a time. Subclasses say what
// to ask (request) and how to show the answer (show); the measure calculator and the self-check
// are the two.
export class WorkerForm {
  constructor(root, client, stringsSelector, announceSlot) {
    this.root = root;
    this.client = client;
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
    root.querySelector('[data-action="retry"]')?.addEventListener("click", () => client.retry());
  }

  // Every edit updates the answer at once; the link follows once typing pauses (browsers
  // throttle history updates).
  listen(onEdit = () => {}) {
    this.showPeriods();
    const changed = (event) => {
      onEdit(event);
      if (event.target.name === "on") this.showPeriods();
      clearTimeout(this.saveTimer);
      this.saveTimer = setTimeout(() => this.ownsURL() && this.save(), 250);
      this.update();
    };
    this.form.addEventListener("input", changed);
    this.form.addEventListener("change", changed);
    this.form.addEventListener("submit", (event) => event.preventDefault());
  }

  // An amount per year names its year: that of the form's date, or the one before (the labels
  // say "本年度" / "上年度"; the build wrote the year it was built in).
  showPeriods() {
    const year = Number((this.form.elements.on.value || today()).slice(0, 4));
    for (const label of this.form.querySelectorAll("[data-period]")) {
      const shown = label.dataset.period === "previous_year" ? year - 1 : year;
      label.textContent = fill(label.dataset.template, { year: shown });
    }
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

  // The printout names the rules the worker computed with: each document in force it used
  // (number and title) and its SHA-256, as data/index.json lists them.
  rulesPrint(rules) {
    const documents = rules?.documents ?? [];
    this.slot("print-rules").textContent = !rules ? "—" : documents.length > 1
      ? documents.map((d) => `${d.number} ${d.sha256}`).join(this.strings.listSep)
      : rules.sha256;
    const listed = this.slot("print-documents");
    if (listed) {
      listed.textContent = documents.map((d) =>
        fill(this.strings.documentItem, { number: d.number, title: d.title[this.lang] }))
        .join(this.strings.listSep);
    }
  }

  update() {
    if (this.client.state !== "loading" && this.client.state !== "ready") return;
    if (this.inflight) {
      this.dirty = true;
      return;
    }
    this.inflight = true;
    this.dirty = false;
    this.root.dataset.busy = "";
    this.client.call(this.request(), (answer) => {
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
      const seconds = Math.round(this.client.stallMs / 1000);
      this.slot("status").textContent = fill(this.strings.stalled, { seconds });
    } else {
      const why = this.strings[reason] ?? reason;
      this.slot("status").textContent = fill(this.strings.failed, { reason: why });
    }
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
    this.save(true);
    const status = this.slot("action-status");
    try {
      await navigator.clipboard.writeText(location.href);
      status.textContent = this.strings.copied;
    } catch {
      status.textContent = this.strings.copyFailed;
    }
  }
}

// Hide everything on the page but `root`, for one print; returns what undoes it.
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
