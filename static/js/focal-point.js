// The image form's focal point: click the picture and the focal point fields follow (and the other way round).
(function () {
  "use strict";
  function start() {
    const box = document.querySelector("[data-focal]");
    const across = document.getElementById("id_focal_x");
    const down = document.getElementById("id_focal_y");
    if (!box || !across || !down) return;
    const marker = box.querySelector(".review-focal__marker");
    function show() {
      const x = parseFloat(across.value);
      const y = parseFloat(down.value);
      marker.hidden = Number.isNaN(x) || Number.isNaN(y);
      marker.style.left = `${(x || 0) * 100}%`;
      marker.style.top = `${(y || 0) * 100}%`;
    }
    box.addEventListener("click", (event) => {
      const rect = box.querySelector("img").getBoundingClientRect();
      const fraction = (value) => Math.min(1, Math.max(0, Math.round(value * 1000) / 1000));
      const x = fraction((event.clientX - rect.left) / rect.width);
      across.value = String(x);  // from the picture's left edge in every language: pictures are never mirrored
      down.value = String(fraction((event.clientY - rect.top) / rect.height));
      across.dispatchEvent(new Event("change", { bubbles: true }));
      down.dispatchEvent(new Event("change", { bubbles: true }));
      show();
    });
    across.addEventListener("input", show);
    down.addEventListener("input", show);
    show();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
