// The segment editor (desk.workbench): move between segments from the keyboard, take a memory match or a glossary
// term, put a source placeholder into the target. Everything here only fills the textareas: the server checks.
(function () {
  "use strict";
  function start() {
    const form = document.getElementById("workbench-form");
    if (!form) return;
    const targets = Array.from(form.querySelectorAll(".workbench__target textarea"));
    let last = targets[0] || null;

    function rowOf(element) { return element.closest(".workbench__row"); }
    function fit(area) {  // as tall as its text: a long paragraph is read whole, without scrolling inside the box
      area.style.height = "auto";
      area.style.height = area.scrollHeight + 2 + "px";
    }
    function targetOf(row) { return row.querySelector(".workbench__target textarea"); }

    function insert(area, text) {
      const start = area.selectionStart ?? area.value.length;
      const end = area.selectionEnd ?? start;
      area.setRangeText(text, start, end, "end");
      edited(area);
      area.focus();
    }

    function edited(area) {  // a person changed it: no longer untouched machine output
      fit(area);
      const machine = rowOf(area).querySelector("[data-machine]");
      if (machine) machine.remove();
    }

    function move(area, step) {
      const next = targets[targets.indexOf(area) + step];
      if (next) { next.focus(); next.scrollIntoView({ block: "center" }); }
    }

    targets.forEach((area) => {
      fit(area);
      area.addEventListener("focus", () => { last = area; });
      area.addEventListener("input", () => edited(area));
      area.addEventListener("keydown", (event) => {
        if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
          event.preventDefault();
          move(area, event.key === "ArrowDown" ? 1 : -1);
        } else if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
          event.preventDefault();
          const done = rowOf(area).querySelector('input[name^="done:"]');
          if (done) done.checked = true;
          move(area, 1);
        }
      });
    });

    form.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-fill], button[data-insert], button[data-token]");
      if (!button) return;
      const row = rowOf(button);
      const area = row ? targetOf(row) : last;
      if (!area) return;
      if (button.dataset.fill !== undefined) {
        area.value = button.dataset.fill;
        edited(area);
        area.focus();
      } else {
        insert(area, button.dataset.insert ?? button.dataset.token);
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
