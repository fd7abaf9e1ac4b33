// On phones (any browser with the Web Share API) the share page offers the system share sheet:
// the ambassador's text, the tracked link and, for Instagram, the post's image as a file.
// Without navigator.share the box stays hidden and the copy-and-open steps are the way.
(function () {
  "use strict";
  var box = document.querySelector("[data-web-share]");
  if (!box || typeof navigator.share !== "function") return;
  var button = box.querySelector("button");
  var statusBox = box.querySelector("[role=status]");
  var network = box.dataset.network;
  var text = document.getElementById(box.dataset.textFrom).value;
  var url = box.dataset.url;
  var imageFile = null;

  function say(message) {
    if (statusBox) statusBox.textContent = message;
  }

  // Fetch the image before the tap: share() must run while the tap still counts as one.
  if (box.dataset.image && typeof File === "function") {
    fetch(box.dataset.image, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.blob() : null; })
      .then(function (blob) {
        if (blob) {
          imageFile = new File([blob], box.dataset.imageName || "image", { type: blob.type });
        }
      })
      .catch(function () { imageFile = null; });
  }

  function payload() {
    if (network === "instagram") {
      // The textarea already ends with the tracked link, as in the copied text.
      var data = { text: text };
      if (imageFile && typeof navigator.canShare === "function" &&
          navigator.canShare({ files: [imageFile] })) {
        data.files = [imageFile];
      } else {
        data.url = url;
      }
      return data;
    }
    return { title: box.dataset.title, text: text, url: url };
  }

  box.hidden = false;
  button.addEventListener("click", function () {
    var data = payload();
    say("");
    Promise.resolve()
      .then(function () { return navigator.share(data); })
      .then(function () { say(box.dataset.shared); },
            function (error) {
              if (error && error.name === "AbortError") return;
              say(box.dataset.failed);
            });
  });
})();
