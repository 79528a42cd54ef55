// The image chooser popup: "Choose" hands the picture back to the body editor that opened it
// (django-prose-editor's figure dialog listens through the CKEditor file browser protocol).
(function () {
  "use strict";
  const root = document.querySelector(".review-chooser");
  if (!root || !root.dataset.callback) return;
  const editor = window.opener && window.opener.CKEDITOR && window.opener.CKEDITOR.tools;
  if (!editor) {
    const note = root.querySelector(".review-chooser__no-opener");
    if (note) note.hidden = false;
    root.querySelectorAll("[data-choose]").forEach((button) => { button.disabled = true; });
    return;
  }
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-choose]");
    if (!button) return;
    const url = new URL(button.dataset.url, window.location.href).pathname;
    editor.callFunction(Number(root.dataset.callback), url, { id: button.dataset.id, alternative_text: "", caption: "" });
    window.setTimeout(() => window.close(), 100);  // once this click is over: the editor's dialog has the picture
  });
  const added = root.querySelector(".review-chooser__item--added [data-choose]");
  if (added) added.focus();
})();
