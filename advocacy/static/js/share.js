// Copy the ambassador's own text (and the image description, where there is one) before they
// go to the network, with a visible result next to each button and a fallback (select the
// text) for browsers that refuse clipboard access.
(function () {
  "use strict";

  function statusFor(button) {
    var node = button.nextElementSibling;
    while (node && !node.classList.contains("copy-status")) node = node.nextElementSibling;
    return node;
  }

  function copy(area, button) {
    var text = area.value;
    var statusBox = statusFor(button);
    function say(message) {
      if (statusBox) statusBox.textContent = message;
    }
    function fallback() {
      area.focus();
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      say(ok ? button.dataset.copied : button.dataset.failed);
      return Promise.resolve(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () {
        say(button.dataset.copied);
        return true;
      }, fallback);
    }
    return fallback();
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      copy(document.getElementById(button.dataset.copy), button);
    });
  });
  document.querySelectorAll("[data-copy-first]").forEach(function (link) {
    link.addEventListener("click", function () {
      var button = document.querySelector("button[data-copy='" + link.dataset.copyFirst + "']");
      copy(document.getElementById(link.dataset.copyFirst), button || link);
    });
  });
})();
