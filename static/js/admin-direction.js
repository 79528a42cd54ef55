// Text in a right-to-left language is typed and shown right to left: the rich text editor takes the
// lang and dir of the textarea it replaces, and on a new version the fields follow the chosen language.
(function () {
  "use strict";
  document.addEventListener("prose-editor:ready", function (event) {
    var textarea = event.detail.textarea, dom = event.detail.editor.view.dom;
    ["lang", "dir"].forEach(function (name) {
      if (textarea.hasAttribute(name)) { dom.setAttribute(name, textarea.getAttribute(name)); }
    });
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.id !== "id_language" || !select.dataset.rtl) { return; }
    var rtl = select.dataset.rtl.split(" ").indexOf(select.value) !== -1;
    document.querySelectorAll("#pieceversion_form [lang][dir], #pieceversion_form .ProseMirror").forEach(function (field) {
      if (field === select) { return; }
      field.setAttribute("lang", select.value);
      field.setAttribute("dir", rtl ? "rtl" : "ltr");
    });
  });
})();
