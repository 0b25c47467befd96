// The calculator page script: one Calculator per measure form on the page. It collects the
// form, keeps its figures in the URL, asks the page's one worker (through web/worker-client.js)
// and shows the answer. It knows the shape of a result, never the meaning of a rule: no
// arithmetic here. Run by the page (and by qz-head.js after instant navigation).

// The worker client and the form are modules of their own, at hashed URLs the build puts in the
// page's config (the plugin also preloads them beside this script).
const config = JSON.parse(document.getElementById("qz-calc-config").textContent);
const [{ onEachPage, sharedWorkerClient }, { WorkerForm, fill, isolateForPrint, today }] =
  await Promise.all([config.client, config.form].map(
    (url) => import(new URL(url, document.baseURI).href)));

const STATE_KEY = "calc"; // #calc=3.1&fee=60000&on=2026-06-01: the hash never reaches a server
// A shared link also carries what it showed and the rules it was computed with (calc's token of
// the documents in force, and the parameter values bound): opened after the rules changed, calc
// says what changed. #…&rules=qz-2025-18:8e2d2b31&award=300000.00&p.annual_cap=300000
const STORED = { rules: "rules", award: "award", parameter: "p." };

class Calculator extends WorkerForm {
  constructor(root, client) {
    super(root, client, ".qz-calc-strings", "announce");
    this.touched = new Set();

    const restored = this.restore();
    if (!this.form.elements.on.value) this.form.elements.on.value = today();
    if (restored) requestAnimationFrame(() => root.scrollIntoView({ block: "start" }));

    this.listen((event) => {
      if (event.target.name) this.touched.add(event.target.name);
      this.stored = null; // the link's figure was for its own inputs
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

  // The URL of the form's figures; a link to share (share) also names the rules and the result.
  save(share = false) {
    clearTimeout(this.saveTimer);
    const params = new URLSearchParams({ [STATE_KEY]: this.root.dataset.measure });
    for (const [name, value] of Object.entries(this.values())) {
      const text = Array.isArray(value) ? value.join(",") : value;
      if (text !== "" || Array.isArray(value)) params.set(name, text);
    }
    const shown = share && this.lastResult;
    if (shown) {
      params.set(STORED.rules, shown.rules.token);
      params.set(STORED.award, shown.award);
      for (const [name, value] of Object.entries(shown.parameters ?? {})) {
        params.set(STORED.parameter + name, value);
      }
    }
    history.replaceState(history.state, "", `#${params}`);
  }

  restore() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.get(STATE_KEY) !== this.root.dataset.measure) return false;
    if (params.has(STORED.rules)) {
      const parameters = Object.fromEntries([...params]
        .filter(([name]) => name.startsWith(STORED.parameter))
        .map(([name, value]) => [name.slice(STORED.parameter.length), value]));
      this.stored = { rules: params.get(STORED.rules), award: params.get(STORED.award),
                      parameters };
    }
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
    const request = { type: "estimate", measure: this.root.dataset.key, inputs, on: on || today() };
    return this.stored ? { ...request, stored: this.stored } : request;
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
    this.lastResult = r;
    Object.assign(this.result.dataset, { award: r.award, city: r.city, county: r.county });
    this.rulesPrint(r.rules);
    this.showChanged(r.changed);
    this.slot("pending").hidden = true;
    this.slot("figures").hidden = false;
    // The amounts as calc wrote them in this page's language (calc/fmt.py); the award as its
    // parts' bounds state it: "up to", or the standard share and the ceiling share.
    const shown = { award: r.shown.headline[this.lang], city: r.shown.city[this.lang],
                    county: r.shown.county[this.lang] };
    for (const key of ["award", "city", "county"]) this.slot(key).textContent = shown[key];
    this.list("steps", r.steps);
    // Alternative readings that change the amount (the engine computes them; see calc/alternatives.py)
    this.list("alternatives", (r.alternatives ?? []).filter((a) => a.differs));
    // What would qualify or reach the next tier (the engine proposes it from the rule).
    this.list("hints", r.hints ?? []);
    this.list("warnings", r.warnings);
    this.list("reasons", r.reasons);
    this.slot("reasons-title").textContent =
      r.eligible ? this.strings.reasonsPartial : this.strings.reasons;
    this.announce(fill(this.strings.announce, shown));
  }

  // A shared link opened after its rules changed: calc's notice (the stored figure and today's)
  // and each parameter that changed, old → new, from when, by which clause.
  showChanged(changed) {
    const box = this.slot("changed-box");
    box.hidden = !changed;
    if (!changed) return;
    this.slot("changed").textContent = changed[this.lang];
    this.list("changed-list", changed.parameters);
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
    this.save(true);
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
      td.textContent = shown.join(this.strings.listSep) || "—";
      tr.append(th, td);
      rows.push(tr);
    }
    this.slot("print-inputs").replaceChildren(...rows);
    const restore = isolateForPrint(this.root, "qz-calc--printing");
    window.addEventListener("afterprint", restore, { once: true });
    window.print();
  }
}

// Each calculator of this page, and of each page instant navigation brings in, joins the one
// worker client; a calculator is mounted once (data-qz-mounted).
onEachPage(() => {
  const roots = document.querySelectorAll("[data-qz-calc]:not([data-qz-mounted])");
  if (!roots.length) return;
  const client = sharedWorkerClient();
  for (const root of roots) {
    root.dataset.qzMounted = "";
    const calc = new Calculator(root, client);
    client.attach(calc);
    calc.update();
  }
});
