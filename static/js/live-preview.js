// Live preview beside the version form: the unsaved title, standfirst and body, posted to the version's
// preview (which saves nothing) whenever they change, shown in a frame at phone or desktop width.
(function () {
  "use strict";
  function start() {
    const toggle = document.getElementById("live-preview-toggle");
    const panel = document.getElementById("live-preview");
    const sender = document.getElementById("live-preview-form");
    const form = document.getElementById("pieceversion_form");
    if (!toggle || !panel || !sender || !form) return;
    const frame = document.getElementById("live-preview-frame");
    const names = ["title", "standfirst", "body"];
    let last = null;
    let timer = null;

    function values() {
      return names.map((name) => {
        const field = form.elements.namedItem(name);
        return field && "value" in field ? field.value : null;
      });
    }

    function send() {
      if (panel.hidden) return;
      const now = values();
      if (last && now.every((value, i) => value === last[i])) return;
      last = now;
      names.forEach((name, i) => {
        const target = sender.elements.namedItem(name);
        if (now[i] === null) target.disabled = true;  // not on this form (a read-only field): the saved text stays
        else target.value = now[i];
      });
      sender.submit();
    }

    function soon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(send, 400);
    }

    function open(opening) {
      panel.hidden = !opening;
      toggle.setAttribute("aria-expanded", String(opening));
      document.body.classList.toggle("review-live-open", opening);
      if (opening) {
        last = null;
        send();
        panel.querySelector(".review-live__close").focus();
      } else {
        toggle.focus();
      }
    }

    toggle.hidden = false;
    toggle.addEventListener("click", () => open(panel.hidden));
    panel.querySelector(".review-live__close").addEventListener("click", () => open(false));
    panel.addEventListener("keydown", (event) => { if (event.key === "Escape") open(false); });
    form.addEventListener("input", soon);  // the rich text editor announces its changes on its textarea as input
    form.addEventListener("change", soon);
    panel.querySelectorAll("[data-width]").forEach((button) => {
      button.addEventListener("click", () => {
        frame.style.width = button.dataset.width ? `${button.dataset.width}px` : "";
        panel.querySelectorAll("[data-width]").forEach((other) => other.setAttribute("aria-pressed", String(other === button)));
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
