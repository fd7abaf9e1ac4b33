// Live character counts for text areas that carry data-limit and data-counter.
(function () {
  "use strict";
  function update(area) {
    var counter = document.getElementById(area.dataset.counter);
    if (!counter) return;
    var count = counter.querySelector("[data-count]");
    var length = area.value.length;
    count.textContent = String(length);
    counter.classList.toggle("over-limit", length > Number(area.dataset.limit));
  }
  document.querySelectorAll("textarea[data-limit]").forEach(function (area) {
    area.addEventListener("input", function () { update(area); });
    update(area);
  });
})();
