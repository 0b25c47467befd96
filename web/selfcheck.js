// The self-check page script (generator/site/templates/selfcheck.md). It collects the profile
// from the form, keeps it in the URL, asks the page's worker {type: "assess"} through the worker
// client and shows the answer. No rule logic and no arithmetic: statuses, awards, shares and
// totals all come from calc.assess, the amounts written out by calc (the answer's `shown`).

// The worker client and the form are modules of their own, at hashed URLs the build puts in the
// page's config (the plugin also preloads them beside this script).
const config = JSON.parse(document.getElementById("qz-calc-config").textContent);
const [{ onEachPage, sharedWorkerClient }, { WorkerForm, fill, isolateForPrint, today }] =
  await Promise.all([config.client, config.form].map(
    (url) => import(new URL(url, document.baseURI).href)));

// The answers in the URL's fragment (never sent to a server). Today's format is
// #sc=2&et9=dei.software&ord=1200w&…&on=2026-06-01: each field and answer by its short name
// (the build's table, generator/data/link_keys.py), an answer a field gives by default left
// out, the units of an amount as letters (the same table). The first format,
// #sc=1&enterprise_types=data_enterprise,software&…, still opens. A shared link also carries
// calc's token of the documents it was checked with and its total: opened after the rules
// changed, calc says what changed.
const STATE_KEY = "sc";
const FORMATS = { 1: { rules: "rules", total: "total" }, 2: { rules: "r", total: "t" } };
const WRITTEN = 2;
const GAP_PX = 8; // between a question brought into view and the running total below it
// A fragment keeps ":" and "," as they are (RFC 3986), where URLSearchParams escapes them.
const encode = (text) => encodeURIComponent(text).replace(/%3A|%2C/g, decodeURIComponent);
// Each [from, to] pair replaced in turn (an amount's units and their letters, either way).
const swap = (text, pairs) => pairs.reduce((t, [from, to]) => t.replaceAll(from, to), text);

class SelfCheck extends WorkerForm {
  constructor(root, client) {
    super(root, client, ".qz-sc-strings", "summary");
    this.links = JSON.parse(root.querySelector(".qz-sc-links").textContent);
    this.keys = JSON.parse(root.querySelector(".qz-sc-keys").textContent);
    this.names = Object.fromEntries(Object.entries(this.keys.fields).map(([n, k]) => [k, n]));
    this.initial = this.defaults();
    this.asks = null; // what calc says can still change the answer; until it says, everything
    // Column headings by column, for the cards a narrow screen shows instead of the table.
    this.headings = Object.fromEntries([...root.querySelectorAll("thead th[data-col]")]
      .map((th) => [th.dataset.col, th.textContent]));
    this.answer = null;

    // With JavaScript the form replaces the list of measure pages.
    this.slot("nojs").hidden = true;
    for (const name of ["status", "actions"]) this.slot(name).hidden = false;
    this.form.hidden = false;
    this.result.hidden = false;

    const restored = this.restore(new URLSearchParams(location.hash.slice(1)));
    if (!this.form.elements.on.value) this.form.elements.on.value = today();
    this.applyAsks();
    if (restored) this.resultsFirst(restored);

    this.listen(() => {
      this.applyAsks();
      this.stored = null; // the link's total was for its own answers
    });
    // Answering yes on a gate opens questions further down: take the person to them.
    this.form.addEventListener("change", (event) => this.followGate(event.target));
    const on = (action, type, handler) =>
      root.querySelector(`[data-action="${action}"]`).addEventListener(type, handler);
    on("copy", "click", () => this.copyLink());
    on("export-json", "click", () => this.exportJSON());
    on("import-json", "change", (event) => this.importJSON(event.target));
    on("export-csv", "click", () => this.exportCSV());
    on("print", "click", () => window.print());
    on("calendar", "click", () => this.exportCalendar());
    on("rest", "click", () => this.showRest(!this.restShown));
    on("to-result", "click", () => this.toResult());
    on("to-form", "click", () => this.toForm());
    this.restShown = false;
    // Instant navigation may have replaced this form: only the one on the page prints.
    window.addEventListener("beforeprint", () => this.root.isConnected && this.beforePrint());
    window.addEventListener("afterprint", () => this.restorePrint?.());
  }

  // ---- the form, its gates and the URL

  controls(scope = this.form) {
    return [...scope.querySelectorAll("input, select")].filter((el) => el.name);
  }

  // What the form shows. A gate is asked at the top of its section: its questions open right
  // below a yes; a no makes the section one line, and so does calc saying that no answer
  // there can change the result. A question calc says cannot change it is hidden (its answer
  // kept, should it matter again).
  applyAsks() {
    const asked = (name) => this.asks === null || this.asks.has(name);
    for (const box of this.form.querySelectorAll("[data-gate]")) {
      const answer = this.form.elements[box.dataset.gate]?.value ?? "";
      box.hidden = answer !== "yes";
      box.closest("[data-gate-state]").dataset.gateState =
        answer === "yes" || answer === "no" ? answer : asked(box.dataset.gate) ? "ask" : "moot";
    }
    for (const field of this.form.querySelectorAll("[data-field]")) {
      const name = field.dataset.field;
      if (name !== "on" && !field.classList.contains("qz-sc__gate")) field.hidden = !asked(name);
    }
  }

  // A link with answers (shared, or this page opened again) shows its result first, and says
  // that the answers are below it.
  resultsFirst(count) {
    this.form.before(this.result);
    this.slot("from-link-text").textContent = fill(this.strings.fromLink, { count });
    this.slot("from-link").hidden = false;
  }

  toResult() {
    const heading = this.result.querySelector("h2");
    heading.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  }

  toForm() {
    this.form.scrollIntoView({ block: "start" });
    this.form.querySelector("input:not([type=hidden])")?.focus({ preventScroll: true });
  }

  // The first question a yes opened, brought into view if the screen ends above it (above the
  // running total, which covers the foot of the screen).
  followGate(control) {
    if (control.type !== "radio" || !control.checked || control.value !== "yes") return;
    const opened = this.form.querySelector(`[data-gate="${CSS.escape(control.name)}"]`);
    const first = opened?.hidden ? null : opened?.querySelector("[data-field]:not([hidden])");
    if (!first) return;
    first.scrollIntoView({ block: "nearest" });
    const bar = this.slot("bar");
    const covered = bar.hidden ? 0
      : first.getBoundingClientRect().bottom + GAP_PX - bar.getBoundingClientRect().top;
    if (covered > 0) window.scrollBy(0, Math.ceil(covered));
  }

  // The profile: the answered questions of the open sections (calc's own field names). With
  // `shown`, only those on screen: the link, the files and the printout leave out an answer
  // calc says cannot change the result (calc gets it: the answer is the same either way).
  profile(shown = false) {
    const profile = {};
    for (const el of this.asked(shown)) {
      if (el.name === "on") continue;
      if (el.type === "checkbox") {
        if (el.checked) (profile[el.name] ??= []).push(el.value);
      } else if (el.type === "radio") {
        if (el.checked) profile[el.name] = el.value;
      } else if (el.value.trim() !== "") {
        profile[el.name] = el.value.trim();
      }
    }
    return profile;
  }

  // The controls of the open sections; with `shown`, only those on screen.
  asked(shown) {
    return this.controls().filter((el) => !el.closest("[data-gate][hidden]")
      && !(shown && el.closest("[data-field][hidden]")));
  }

  // What each field holds before any answer: the default the data gives it, if any.
  defaults() {
    const found = {};
    for (const el of this.controls()) {
      const chosen = el.type === "checkbox" || el.type === "radio";
      if (chosen ? el.defaultChecked : el.defaultValue) {
        (found[el.name] ??= []).push(chosen ? el.value : el.defaultValue);
      }
    }
    return Object.fromEntries(Object.entries(found).map(([name, v]) => [name, v.join(",")]));
  }

  on() {
    return this.form.elements.on.value || today();
  }

  // The URL of the answers; a link to share (share) also names the rules and the total.
  save(share = false) {
    clearTimeout(this.saveTimer);
    history.replaceState(history.state, "", `#${this.fragment(share)}`);
  }

  fragment(share) {
    const stored = FORMATS[WRITTEN];
    const pairs = [[STATE_KEY, String(WRITTEN)]];
    const profile = this.profile(true);
    // An answer a field gives by default is left out; one taken back is written empty.
    for (const el of this.asked(true)) if (el.name in this.initial) profile[el.name] ??= "";
    for (const [name, value] of Object.entries(profile)) {
      const text = Array.isArray(value) ? value.join(",") : value;
      if (this.initial[name] === text || (text === "" && !this.initial[name])) continue;
      pairs.push([this.keys.fields[name] ?? name, this.short(name, text)]);
    }
    pairs.push(["on", this.on()]);
    if (share && this.answer) {
      pairs.push([stored.rules, this.answer.rules.token],
                 [stored.total, this.answer.totals.entitlements]);
    }
    return pairs.map(([key, value]) => `${key}=${encode(value)}`).join("&");
  }

  // An answer as a link writes it, and back: choices by their short names ("." between
  // several), the units of an amount as letters.
  short(name, text) {
    const codes = this.keys.values[name];
    if (!codes) return swap(text, Object.entries(this.keys.units));
    return text === "" ? "" : text.split(",").map((v) => codes[v] ?? v).join(".");
  }

  long(name, text) {
    const codes = this.keys.values[name];
    if (!codes) return swap(text, Object.entries(this.keys.units).map(([unit, c]) => [c, unit]));
    const values = Object.fromEntries(Object.entries(codes).map(([v, code]) => [code, v]));
    return text === "" ? "" : text.split(".").map((code) => values[code] ?? code).join(",");
  }

  // Values by field name (a list or a comma-separated string for checkboxes) into the form;
  // fields not named keep what they have.
  setValues(values) {
    for (const el of this.controls()) {
      if (!(el.name in values)) continue;
      const value = values[el.name];
      if (el.type === "checkbox") {
        const chosen = Array.isArray(value) ? value : String(value ?? "").split(",");
        el.checked = chosen.includes(el.value);
      } else if (el.type === "radio") {
        const answer = value === true ? "yes" : value === false ? "no" : String(value ?? "");
        el.checked = el.value === answer;
      } else if (value === true || value === false) {
        el.value = value ? "yes" : "no";
      } else {
        el.value = value === null ? "" : String(value);
      }
    }
  }

  // The answers of a link into the form (either format); how many it gave.
  restore(params) {
    const format = params.get(STATE_KEY);
    const stored = FORMATS[format];
    if (!stored) return 0;
    if (params.has(stored.rules)) {
      this.stored = { rules: params.get(stored.rules),
                      totals: { entitlements: params.get(stored.total) } };
    }
    const values = {};
    for (const [key, value] of params) {
      if (key === STATE_KEY || key === stored.rules || key === stored.total) continue;
      const plain = format === "1" || key === "on"; // written by its own name, as typed
      const name = plain ? key : this.names[key];
      if (name) values[name] = plain ? value : this.long(name, value);
    }
    this.setValues(values);
    return Object.keys(values).filter((name) => name !== "on").length;
  }

  // ---- asking the worker

  request() {
    const request = { type: "assess", profile: this.profile(), on: this.on() };
    return this.stored ? { ...request, stored: this.stored } : request;
  }

  // ---- showing the answer

  clearResult() {
    this.slot("figures").hidden = true;
  }

  show(answer) {
    this.clearErrors();
    this.answer = null;
    if (answer === null || !answer.ok) {
      this.root.querySelector('[data-action="calendar"]').hidden = true;
      this.slot("bar").hidden = true;
      this.slot("figures").hidden = true;
      this.slot("pending").hidden = true;
      const error = answer?.error;
      const text = error ? error[this.lang] : this.strings.internal;
      const box = error?.field
        && this.root.querySelector(`[data-error-for="${CSS.escape(error.field)}"]`);
      if (box) {
        box.textContent = text;
        box.hidden = false;
        this.form.elements[error.field]?.setAttribute?.("aria-invalid", "true");
      }
      this.slot("general").textContent = box ? `${this.strings.fix} ${text}` : text;
      this.slot("general").hidden = false;
      this.announce(text);
      return;
    }
    const report = answer.result;
    this.answer = report;
    this.asks = new Set(report.asks);
    this.applyAsks();
    this.rulesPrint(report.rules);
    this.showChanged(report.changed);
    this.root.querySelector('[data-action="calendar"]').hidden =
      !this.hits().length || Object.keys(this.profile()).length === 0;
    if (Object.keys(this.profile()).length === 0) {
      // Nothing answered yet: no verdicts, only the invitation to answer.
      this.slot("pending").hidden = false;
      this.slot("figures").hidden = true;
      this.slot("bar").hidden = true;
      this.slot("summary").textContent = "";
      return;
    }
    this.showBar(report);
    this.slot("pending").hidden = true;
    this.slot("figures").hidden = false;
    for (const [key, value] of Object.entries(report.totals)) {
      this.result.dataset[key] = value;
      const dd = this.root.querySelector(`[data-total="${key}"]`);
      dd.textContent = report.shown.totals[key][this.lang];
      // No "up to 0.00" line beside a real sum: a ceiling total shows only when there is one.
      if (key === "upper_bounds") dd.hidden = dd.previousElementSibling.hidden = Number(value) === 0;
    }
    this.result.dataset.on = report.on;
    this.showLevels(report);
    // Hits first, then what needs an answer; the rest (does not qualify, or none of its
    // questions answered) is folded away behind one button. With documents of several levels
    // (a county's measures beside the city's), each level is a group of its own.
    const rank = (row) => ({ may_qualify: 0, needs_info: this.touched(row) ? 1 : 2 })[row.status] ?? 2;
    const levels = [...new Set(report.rows.map((row) => row.level))];
    const several = report.documents.length > 1;
    const trs = [];
    let rest = [];
    for (const level of levels) {
      if (levels.length > 1) trs.push(this.groupRow(level, report));
      const ordered = report.rows.filter((row) => row.level === level)
        .sort((a, b) => rank(a) - rank(b));
      for (const row of ordered) {
        const tr = this.row(row, report.on, several);
        if (rank(row) === 2) tr.classList.add("qz-sc__rest");
        trs.push(tr);
      }
      rest = rest.concat(ordered.filter((row) => rank(row) === 2));
    }
    this.slot("rows").replaceChildren(...trs);
    this.restCount = rest.length;
    this.showRest(this.restShown);
    this.slot("rest-print").textContent = rest.map((row) =>
      `${row.measure} ${row.title[this.lang]}${row.why ? ` — ${row.why[this.lang]}` : ""}`)
      .join(this.strings.restSep);
    const ceilings = report.ceilings.map(({ measure }) => {
      const li = document.createElement("li");
      const row = report.rows.find((r) => r.key === measure);
      li.dataset.measure = measure;
      li.textContent = `${measure} ${row.title[this.lang]}: ${report.shown.rows[measure].headline[this.lang]}`;
      return li;
    });
    this.slot("ceilings").replaceChildren(...ceilings);
    this.slot("ceilings-box").hidden = ceilings.length === 0;
    this.announce(this.headline(report));
  }

  // The running total at the foot of the screen: how many measures may qualify, the sum by
  // the fixed standards and the "up to" sum, as calc wrote them (no zero sum).
  showBar(report) {
    const s = this.strings;
    const may = report.rows.filter((row) => row.status === "may_qualify").length;
    const items = [["count", may ? fill(s.barCount, { count: may }) : s.barNone]];
    for (const [key, template] of [["entitlements", s.barEntitled], ["upper_bounds", s.barUpper]]) {
      if (Number(report.totals[key]) !== 0) {
        items.push([key, fill(template, { amount: report.shown.totals[key][this.lang] })]);
      }
    }
    this.slot("bar-figures").replaceChildren(...items.map(([key, text]) => {
      const span = document.createElement("span");
      span.dataset.bar = key;
      span.textContent = text;
      return span;
    }));
    this.slot("bar").hidden = false;
  }

  // A shared link opened after its rules changed: calc's notice and each parameter changed.
  showChanged(changed) {
    this.slot("changed-box").hidden = !changed;
    if (!changed) return;
    this.slot("changed").textContent = changed[this.lang];
    this.slot("changed-list").replaceChildren(...changed.parameters.map((item) => {
      const li = document.createElement("li");
      li.textContent = `${item.measure} ${item[this.lang]}`;
      return li;
    }));
  }

  // The totals of each level (calc's by_level), shown when the measures come from several.
  showLevels(report) {
    const levels = Object.keys(report.by_level);
    this.slot("levels-box").hidden = levels.length < 2;
    this.slot("levels").replaceChildren(...levels.flatMap((level) => {
      const dt = document.createElement("dt");
      dt.textContent = fill(this.strings.levelTotal, { level: this.strings[`level.${level}`] });
      const dd = document.createElement("dd");
      dd.dataset.level = level;
      const shown = report.shown.by_level[level];
      dd.textContent = Number(report.by_level[level].upper_bounds) === 0
        ? shown.entitlements[this.lang]
        : fill(this.strings.levelWithUpper, { amount: shown.entitlements[this.lang],
                                              upper: shown.upper_bounds[this.lang] });
      return [dt, dd];
    }));
  }

  // A group's heading: the level and its documents.
  groupRow(level, report) {
    const tr = document.createElement("tr");
    tr.className = "qz-sc__group";
    tr.dataset.level = level;
    const th = document.createElement("th");
    th.scope = "colgroup";
    th.colSpan = 8;
    const numbers = report.documents.filter((d) => d.level === level).map((d) => d.number);
    th.textContent = fill(this.strings.levelGroup, { level: this.strings[`level.${level}`],
                                                     documents: numbers.join(this.strings.listSep) });
    tr.append(th);
    return tr;
  }

  // A row the person has answered some of its questions for (calc.assess says which).
  touched(row) {
    return row.answered;
  }

  // "2 measures may qualify; 224,000.00 by the standards" — only the parts that are not zero.
  headline(report) {
    const s = this.strings;
    const may = report.rows.filter((r) => r.status === "may_qualify").length;
    const needs = report.rows.filter((r) => r.status === "needs_info" && this.touched(r)).length;
    const parts = [may === 0 ? s.headNone : fill(may === 1 ? s.headMayOne : s.headMay, { may })];
    if (needs) parts.push(fill(needs === 1 ? s.headNeedsOne : s.headNeeds, { needs }));
    const nonzero = (value) => Number(value) !== 0;
    if (nonzero(report.totals.entitlements)) {
      parts.push(fill(s.headEntitlements,
                      { amount: report.shown.totals.entitlements[this.lang] }));
    }
    if (nonzero(report.totals.upper_bounds)) {
      parts.push(fill(s.headUpper, { amount: report.shown.totals.upper_bounds[this.lang] }));
    }
    return parts.join(s.headSep) + s.headEnd;
  }

  showRest(shown) {
    this.restShown = shown;
    for (const tr of this.slot("rows").querySelectorAll("tr.qz-sc__rest")) tr.hidden = !shown;
    const button = this.root.querySelector('[data-action="rest"]');
    button.hidden = !this.restCount;
    button.setAttribute("aria-expanded", String(shown));
    button.textContent = fill(shown ? this.strings.hideRest : this.strings.showRest,
                              { count: this.restCount });
  }

  // The measure page with its calculator pre-filled from this row's inputs.
  measureLink(row, on) {
    const params = new URLSearchParams({ calc: row.measure });
    for (const [name, value] of Object.entries(row.inputs)) params.set(name, value);
    params.set("on", on);
    return `${this.links[row.key]}#${params}`;
  }

  row(row, on, several = false) {
    const tr = document.createElement("tr");
    tr.dataset.measure = row.measure;
    tr.dataset.key = row.key;
    tr.dataset.document = row.document.id;
    tr.dataset.status = row.status;
    const qualifies = row.status === "may_qualify";
    const cell = (text, name) => {
      const td = document.createElement("td");
      td.dataset.col = name;
      td.dataset.label = this.headings[name];
      td.textContent = text;
      tr.append(td);
      return td;
    };
    const head = document.createElement("th");
    head.scope = "row";
    const a = document.createElement("a");
    a.href = this.measureLink(row, on);
    a.title = this.strings.open;
    // Each hit names its document when the measures come from several.
    a.textContent = `${several ? `${row.document.number} ` : ""}${row.measure} ${row.title[this.lang]}`;
    head.append(a);
    tr.append(head);
    const unanswered = row.status === "needs_info" && !this.touched(row);
    cell(this.strings[unanswered ? "unanswered" : row.status], "status");
    if (unanswered) tr.dataset.shown = "unanswered";
    // The amounts as calc wrote them; the award as its parts' bounds state it ("up to", or the
    // standard share and the ceiling share).
    const amount = (value, name, shown = name) => {
      const known = qualifies && value !== null;
      const td = cell(known ? this.answer.shown.rows[row.key][shown][this.lang] : "—", name);
      if (!known) td.dataset.none = "";
      return td;
    };
    amount(row.award, "award", "headline");
    if (qualifies) tr.dataset.award = row.award;
    amount(row.city, "city");
    amount(row.county, "county");
    cell(row.end, "end");
    cell(row.departments.map((d) => d[this.lang]).join(this.strings.listSep), "departments");
    const why = cell(row.why ? row.why[this.lang] : "", "why");
    if (row.warnings.length) {
      const ul = document.createElement("ul");
      ul.className = "qz-sc__warnings";
      ul.replaceChildren(...row.warnings.map((w) => {
        const li = document.createElement("li");
        li.textContent = w[this.lang];
        return li;
      }));
      why.append(ul);
    }
    // What would qualify or reach the next tier, and the award under another reading: both
    // computed by the engine (calc/engine.py), shown as it words them.
    // How a county's measure stacks with the city measure it adds to (calc/stacking.py).
    const notes = [...row.hints, ...(qualifies ? row.alternatives : []),
                   ...(row.stacking ? [row.stacking] : [])];
    if (notes.length) {
      const ul = document.createElement("ul");
      ul.className = "qz-sc__hints";
      ul.replaceChildren(...notes.map((n) => {
        const li = document.createElement("li");
        li.textContent = n[this.lang];
        return li;
      }));
      why.append(ul);
    }
    return tr;
  }

  // ---- sharing, files and printing

  download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  exportJSON() {
    const text = `${JSON.stringify(this.profile(true), null, 2)}\n`;
    this.download(`${this.strings.filename}.json`, "application/json", text);
  }

  async importJSON(input) {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    const status = this.slot("action-status");
    let data;
    try {
      data = JSON.parse(await file.text());
      if (data === null || typeof data !== "object" || Array.isArray(data)) {
        throw new Error(this.strings.notObject);
      }
    } catch (error) {
      status.textContent = fill(this.strings.importBad, { detail: error.message });
      return;
    }
    const known = new Set(this.controls().map((el) => el.name));
    const unknown = Object.keys(data).filter((name) => !known.has(name));
    if (unknown.length) {
      status.textContent = fill(this.strings.importUnknown, { names: unknown.join(", ") });
      return;
    }
    const on = this.form.elements.on.value;
    this.form.reset(); // the file replaces the whole profile; the date stays
    this.setValues({ on, ...data });
    this.applyAsks();
    this.save();
    this.update();
    status.textContent = this.strings.imported;
  }

  // The measures calc found the enterprise may qualify for.
  hits() {
    return (this.answer?.rows ?? []).filter((r) => r.status === "may_qualify").map((r) => r.key);
  }

  // Their end dates as an .ics file, written by calc (calc/calendar.py), not here.
  exportCalendar() {
    const on = this.answer?.on;
    const status = this.slot("action-status");
    this.client.call({ type: "calendar", measures: this.hits(), lang: this.lang }, (answer) => {
      if (!answer?.ok) {
        status.textContent = this.strings.calendarFailed + (answer?.error?.[this.lang] ?? "");
        return;
      }
      this.download(`${this.strings.calendarFile}-${on}.ics`, "text/calendar;charset=utf-8",
                    answer.result.ics);
    });
  }

  exportCSV() {
    const report = this.answer;
    if (!report) return;
    const s = this.strings;
    // Each award split as calc split it, by its parts: the standard share and the ceiling share.
    const lines = [[s.colMeasure, s.colTitle, s.colStatus, s.colAward, s.colEntitled, s.colUpTo,
                    s.colCity, s.colCounty, s.colEnd, s.colDepartments, s.colWhy]];
    for (const row of report.rows) {
      lines.push([row.key, row.title[this.lang], s[row.status], row.award ?? "",
                  row.entitled ?? "", row.up_to ?? "", row.city ?? "", row.county ?? "", row.end,
                  row.departments.map((d) => d[this.lang]).join(s.listSep),
                  [row.why?.[this.lang], ...row.warnings.map((w) => w[this.lang]),
                   ...row.hints.map((h) => h[this.lang])]
                    .filter(Boolean).join(" ")]);
    }
    lines.push([]);
    for (const key of ["entitlements", "upper_bounds", "city", "county"]) {
      lines.push([s[key], "", "", report.totals[key]]);
    }
    const quote = (value) => `"${String(value).replace(/"/g, '""')}"`;
    // A byte-order mark, so spreadsheet programs read the Chinese text as UTF-8.
    const text = `\ufeff${lines.map((cells) => cells.map(quote).join(",")).join("\r\n")}\r\n`;
    this.download(`${s.filename}-${report.on}.csv`, "text/csv;charset=utf-8", text);
  }

  // The answers the link carries (those of the open sections calc asks, not a default), each
  // as a "question: answer" row of the printout with the answer as the screen shows it.
  printAnswers() {
    const rows = [];
    const given = this.profile(true);
    for (const field of this.form.querySelectorAll("[data-field]")) {
      const name = field.dataset.field;
      const answer = [given[name] ?? ""].flat().join(",");
      if (name === "on" || field.closest("[hidden]") || answer === (this.initial[name] ?? "")) {
        continue;
      }
      const shown = [...field.querySelectorAll("input, select")].flatMap((el) => {
        if (el.type === "checkbox" || el.type === "radio") {
          return el.checked ? [el.parentElement.textContent.trim()] : [];
        }
        if (el.tagName === "SELECT") return el.value ? [el.selectedOptions[0].textContent] : [];
        const unit = field.querySelector(".qz-calc__unit")?.textContent ?? "";
        return el.value.trim() ? [`${el.value.trim()} ${unit}`.trim()] : [];
      });
      if (!shown.length) continue;
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = field.querySelector("legend, label").textContent;
      const td = document.createElement("td");
      td.textContent = shown.join(this.strings.listSep);
      tr.append(th, td);
      rows.push(tr);
    }
    this.slot("print-inputs").replaceChildren(...rows);
  }

  beforePrint() {
    this.save(true);
    this.datePrint(this.on()); // one date line when checked on the day the rules are read for
    this.slot("print-link").textContent = location.href;
    this.printAnswers();
    this.restorePrint?.();
    const undo = isolateForPrint(this.root, "qz-sc--printing");
    this.restorePrint = () => {
      undo();
      this.restorePrint = null;
    };
  }
}

// ---------------------------------------------------------------- start

// On this page, or when instant navigation brings it in: the form joins the visit's one worker
// client (Python boots once per visit, whichever page comes first).
onEachPage(() => {
  const root = document.querySelector("[data-qz-selfcheck]:not([data-qz-mounted])");
  if (!root) return;
  root.dataset.qzMounted = "";
  const client = sharedWorkerClient();
  const check = new SelfCheck(root, client);
  client.attach(check);
  check.update();
});
