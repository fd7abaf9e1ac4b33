/* Wide tables scroll inside their `.overflow-auto` box, never the page. A box that scrolls must
   be reachable and named for keyboard and screen-reader users (WCAG 2.1.1, axe's
   scrollable-region-focusable): each box becomes a region named after its table's caption (or
   the nearest heading before it) and, only while its content is wider than the box, a tab stop
   (tabindex=0), so arrow keys scroll it. Re-checked when the window changes size. */
(function () {
  "use strict";

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function heading(box) {
    var node = box;
    while (node && node !== document.body) {
      var prev = node.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) { return prev; }
        var inner = prev.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) { return inner[inner.length - 1]; }
        prev = prev.previousElementSibling;
      }
      node = node.parentElement;
      if (node && /^H[1-6]$/.test((node.firstElementChild || {}).tagName || "")) {
        return node.firstElementChild;
      }
    }
    return null;
  }

  function label(box) {
    var table = box.querySelector("table");
    var name = table && (table.getAttribute("aria-label") || text(table.querySelector("caption")));
    return name || text(heading(box)) || document.title;
  }

  function update() {
    document.querySelectorAll(".overflow-auto").forEach(function (box) {
      if (!box.hasAttribute("role")) {
        box.setAttribute("role", "region");
      }
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", label(box));
      }
      if (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }

  var timer = null;
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 150);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", later);
  document.addEventListener("toggle", later, true);  /* a <details> opened: its tables get sizes */
})();
