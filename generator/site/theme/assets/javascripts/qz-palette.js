// Material for MkDocs' inline palette script (partials/javascripts/palette.html, 9.8.2) as a
// file, so the Content-Security-Policy needs no 'unsafe-inline'. Runs in the header, right after
// the palette's options: the colours the visitor chose (or, on "follow the system", those of
// prefers-color-scheme) are on <body> before the page is painted. On a first visit nothing is
// stored yet: the option Material's bundle will pick (the first whose media query matches) is
// applied here already, so a dark system gets no white first page. The bundle takes over once it
// runs (the toggle, a change of the system's setting).
(function () {
  "use strict";
  var KEYS = ["media", "scheme", "primary", "accent"];
  function colorOf(input) {
    var color = {};
    KEYS.forEach(function (key) { color[key] = input.getAttribute("data-md-color-" + key); });
    return color;
  }
  function option(media) {
    return document.querySelector("[data-md-color-media='" + media + "']");
  }
  var stored = window.__md_get && window.__md_get("__palette");
  var color = stored && stored.color;
  if (!color) {
    var inputs = document.querySelectorAll("[data-md-color-media]");
    var first = Array.prototype.filter.call(inputs, function (input) {
      return window.matchMedia(input.getAttribute("data-md-color-media")).matches;
    })[0];
    if (!first) return;
    color = colorOf(first);
  }
  if (color.media === "(prefers-color-scheme)") {
    var light = window.matchMedia("(prefers-color-scheme: light)").matches;
    var input = option(light ? "(prefers-color-scheme: light)" : "(prefers-color-scheme: dark)");
    if (!input) return;
    var resolved = colorOf(input);
    resolved.media = color.media;
    color = resolved;
  }
  Object.keys(color).forEach(function (key) {
    if (color[key] !== null) document.body.setAttribute("data-md-color-" + key, color[key]);
  });
})();
