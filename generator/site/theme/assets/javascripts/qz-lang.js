// The language selector (and the offer of English) keeps a calculator's or the self-check's
// state: a page whose address holds "#calc=…" or "#sc=…" (web/calculator.js, web/selfcheck.js
// keep it there with replaceState, which fires no event) hands that fragment to the other
// language's page, whose form reads the same field names. Checked at the moment a link is used,
// so it is never stale.
(() => {
  const STATE = /^#(calc|sc)=/;
  const carry = (event) => {
    const link = event.target instanceof Element
      && event.target.closest("a.md-select__link[hreflang], a[data-qz-lang-choice]");
    if (!link) return;
    // The offer of English (main.html) goes where the language switch goes: qz-head.js keeps
    // the switch's links on the current page after instant navigation.
    const twin = link.matches("[data-qz-lang-choice]") && document.querySelector(
      `.md-header a.md-select__link[hreflang="${link.getAttribute("hreflang")}"]`);
    const url = new URL((twin || link).getAttribute("href"), document.baseURI);
    url.hash = STATE.test(location.hash) ? location.hash : "";
    link.href = url.href;
  };
  // Capture: before Material's own handlers (instant navigation) read the link.
  for (const type of ["pointerdown", "focusin", "click", "auxclick"]) {
    window.addEventListener(type, carry, true);
  }
})();

// Search results in the page's language first. The site has one search index for both
// languages (mkdocs.yml); Material lists matches by score alone, so an English reader searching
// "DCMM" met the Chinese pages first. Results keep their order within each language.
(() => {
  const english = (item) => /\/en\//.test(new URL(item.querySelector("a").href).pathname);
  const mine = document.documentElement.lang.startsWith("en") ? english : (i) => !english(i);
  const sort = (list) => {
    const items = [...list.children].filter((li) => li.querySelector("a"));
    const ordered = [...items.filter(mine), ...items.filter((i) => !mine(i))];
    if (ordered.every((item, n) => item === items[n])) return; // already in order: no loop
    list.append(...ordered);
  };
  const watch = () => {
    const list = document.querySelector(".md-search-result__list");
    if (!list) return;
    new MutationObserver(() => sort(list)).observe(list, { childList: true });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
