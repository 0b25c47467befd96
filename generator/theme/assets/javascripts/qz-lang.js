// The language selector keeps a calculator's or the self-check's state: a page whose address
// holds "#calc=…" or "#sc=…" (web/calculator.js, web/selfcheck.js keep it there with
// replaceState, which fires no event) hands that fragment to the other language's page, whose
// form reads the same field names. Checked at the moment a link is used, so it is never stale.
(() => {
  const STATE = /^#(calc|sc)=/;
  const carry = (event) => {
    const link = event.target instanceof Element
      && event.target.closest("a.md-select__link[hreflang]");
    if (!link) return;
    const url = new URL(link.getAttribute("href"), document.baseURI);
    url.hash = STATE.test(location.hash) ? location.hash : "";
    link.href = url.href;
  };
  // Capture: before Material's own handlers (instant navigation) read the link.
  for (const type of ["pointerdown", "focusin", "click", "auxclick"]) {
    window.addEventListener(type, carry, true);
  }
})();
