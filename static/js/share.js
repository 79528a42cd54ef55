// "Copy link" under a piece: shown only where the browser can copy; says so when it has.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    var status = button.closest(".share").querySelector("[data-copy-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy-link")).then(function () {
        if (status) status.textContent = button.getAttribute("data-copied");
      }, function () {
        if (status) status.textContent = button.getAttribute("data-copy-failed");
      });
    });
  });
})();
