// Statuses for the visitor's day. A page carries each status it shows as dated states, written
// by the build from calc (data-qz-timeline='[[null,"not_yet"],["2026-02-01","in_force"],…]');
// this script picks the state whose date has come for today's date here, shows the elements
// made for that state (data-qz-state="ends_soon expired") and hides the others, so a page built
// in December is right in January without a rebuild. No rule lives here: the dates and the
// states are the page's, and the calculator refuses exactly the days these call not in force.

function today() {
  const d = new Date();
  return [d.getFullYear(), d.getMonth() + 1, d.getDate()]
    .map((n) => String(n).padStart(2, "0")).join("-");
}

// The state of the latest entry that has begun (ISO dates compare as strings).
function stateOn(timeline, day) {
  let state = timeline[0][1];
  for (const [from, next] of timeline) if (from === null || from <= day) state = next;
  return state;
}

function show(root = document) {
  const day = today();
  for (const el of root.querySelectorAll("[data-qz-timeline]")) {
    const now = stateOn(JSON.parse(el.dataset.qzTimeline), day);
    el.dataset.qzNow = now;
    for (const name of [...el.classList]) {
      if (name.startsWith("qz-status--")) el.classList.replace(name, `qz-status--${now}`);
    }
  }
  for (const el of root.querySelectorAll("[data-qz-state]")) {
    const owner = el.closest("[data-qz-timeline]");
    if (owner) el.hidden = !el.dataset.qzState.split(" ").includes(owner.dataset.qzNow);
  }
  // A box of dated items (each its own timeline) shows only while one of them does.
  for (const box of root.querySelectorAll("[data-qz-any]")) {
    box.hidden = !box.querySelector("[data-qz-timeline][data-qz-state]:not([hidden])");
  }
}

show();
// Material's instant navigation swaps the page in place: show the new one's statuses too.
window.document$?.subscribe?.(() => show());
