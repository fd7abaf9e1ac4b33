// Navigation menus are <details> elements (they work without this script). This closes the
// other menus when one opens, and closes them on Escape or a click elsewhere.
(function () {
  "use strict";
  var menus = Array.prototype.slice.call(document.querySelectorAll("nav details.dropdown"));
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) return;
      menus.forEach(function (other) { if (other !== menu) other.open = false; });
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (!menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
})();
