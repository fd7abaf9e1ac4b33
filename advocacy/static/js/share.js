// Copy the ambassador's own text before they go to the network, with a visible result
// and a fallback (select the text) for browsers that refuse clipboard access.
(function () {
  "use strict";
  var statusBox = document.querySelector(".copy-status");
  var copyButton = document.querySelector("[data-copy]");

  function say(message) {
    if (statusBox) statusBox.textContent = message;
  }

  function copy(area) {
    var text = area.value;
    function fallback() {
      area.focus();
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      say(ok ? copyButton.dataset.copied : copyButton.dataset.failed);
      return Promise.resolve(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () {
        say(copyButton.dataset.copied);
        return true;
      }, fallback);
    }
    return fallback();
  }

  if (copyButton) {
    copyButton.addEventListener("click", function () {
      copy(document.getElementById(copyButton.dataset.copy));
    });
  }
  document.querySelectorAll("[data-copy-first]").forEach(function (link) {
    link.addEventListener("click", function () {
      copy(document.getElementById(link.dataset.copyFirst));
    });
  });
})();
