// Live previews of each network text: text is set with textContent, so HTML is never run.
(function () {
  "use strict";
  var title = document.querySelector("[data-preview-title]");
  var link = document.querySelector("[data-preview-link]");
  function host(value) {
    try { return new URL(value).host; } catch (e) { return value; }
  }
  function cards() {
    document.querySelectorAll("[data-preview-card-title]").forEach(function (el) {
      el.textContent = title ? title.value : "";
    });
    document.querySelectorAll("[data-preview-card-link]").forEach(function (el) {
      el.textContent = link ? host(link.value) : "";
    });
  }
  document.querySelectorAll("textarea[data-preview]").forEach(function (area) {
    var box = document.getElementById(area.dataset.preview);
    if (!box) return;
    var text = box.querySelector("[data-preview-text]");
    function update() {
      text.textContent = area.value;
      box.hidden = area.value.trim() === "";
    }
    area.addEventListener("input", update);
    update();
  });
  if (title) title.addEventListener("input", cards);
  if (link) link.addEventListener("input", cards);
  cards();
})();
