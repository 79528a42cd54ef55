// The home arrangement page: reorder by drag and drop or by the arrow buttons (keyboard), add a piece
// from the autocomplete, remove one; the preview beside the lists follows every change.
(function () {
  "use strict";
  const form = document.getElementById("arrange-form");
  if (!form) return;
  const status = document.getElementById("arrange-status");
  const previewButton = document.getElementById("arrange-preview");
  const featured = document.getElementById("featured-list");
  let previewTimer = null;

  function say(list, key, values) {
    let text = list.dataset[key] || "";
    for (const [name, value] of Object.entries(values || {})) text = text.replace(`%(${name})s`, value);
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);  // a fresh text is announced even when it repeats
  }

  function preview() {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(() => form.requestSubmit(previewButton), 250);
  }

  function changed(list) {
    const empty = form.querySelector(".review-arrange__empty");
    if (list === featured && empty) empty.hidden = featured.children.length > 0;
    preview();
  }

  function position(item) {
    return [...item.parentNode.children].indexOf(item) + 1;
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || button.type !== "button") return;
    const item = button.closest("li");
    const list = item && item.parentNode;
    if (!list) return;
    if (button.classList.contains("review-arrange__move")) {
      const step = Number(button.dataset.step);
      const other = step < 0 ? item.previousElementSibling : item.nextElementSibling;
      if (!other) return;
      list.insertBefore(item, step < 0 ? other : other.nextElementSibling);
      button.focus();
      say(list, "moved", { position: position(item), count: list.children.length });
      changed(list);
    } else if (button.classList.contains("review-arrange__remove")) {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      (next ? next.querySelector(".review-arrange__remove") : document.getElementById("id_add")).focus();
      say(list, "removed");
      changed(list);
    }
  });

  // Drag and drop: the dragged item follows the pointer within its own list.
  let dragged = null;
  form.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".review-arrange__item");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
    dragged.classList.add("review-arrange__item--dragging");
  });
  form.addEventListener("dragover", (event) => {
    const over = event.target.closest(".review-arrange__item");
    if (!dragged || !over || over === dragged || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextElementSibling : over);
  });
  form.addEventListener("drop", (event) => { if (dragged) event.preventDefault(); });
  form.addEventListener("dragend", () => {
    if (!dragged) return;
    dragged.classList.remove("review-arrange__item--dragging");
    const list = dragged.parentNode;
    say(list, "moved", { position: position(dragged), count: list.children.length });
    changed(list);
    dragged = null;
  });

  // Adding: the admin's autocomplete (select2, on django.jQuery) offers pieces; a choice joins the list at once.
  const template = document.getElementById("featured-item");
  function add(id, title) {
    if ([...featured.querySelectorAll("input[name=pieces]")].some((input) => input.value === String(id))) {
      say(featured, "present");
      return;
    }
    if (featured.children.length >= Number(featured.dataset.limit)) {
      say(featured, "full");
      return;
    }
    const item = template.content.firstElementChild.cloneNode(true);
    item.querySelector("input").value = id;
    item.querySelector(".review-arrange__label").textContent = title;
    featured.appendChild(item);
    say(featured, "added", { position: featured.children.length });
    changed(featured);
  }
  if (window.django && window.django.jQuery) {
    const $ = window.django.jQuery;
    $(function () {
      $("#id_add").on("select2:select", function (event) {
        add(event.params.data.id, event.params.data.text);
        $(this).val(null).trigger("change");
      });
    });
  }
  preview();
})();
