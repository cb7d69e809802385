/* DataSud — the resource page: copy buttons and following a load while it runs.
   The page works without this file ("Rafraîchir" link, selectable code). */
(function () {
  "use strict";

  var POLL_EVERY_MS = 2000;
  var POLL_FOR_MS = 30 * 60 * 1000;  // a load never takes that long: stop asking

  function setupCopyButtons() {
    var status = document.getElementById("ds-copy-status");
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy-target"));
      if (!source || !navigator.clipboard || !window.isSecureContext) { return; }
      button.hidden = false;
      var label = button.innerHTML;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent.replace(/\s+$/, "")).then(function () {
          var copied = status && status.getAttribute("data-copied");
          button.setAttribute("data-copied", "true");
          if (copied) { button.textContent = "✓ " + copied; }
          announce(status, copied);
          window.setTimeout(function () {
            button.removeAttribute("data-copied");
            button.innerHTML = label;
          }, 2500);
        }, function () {
          announce(status, status && status.getAttribute("data-failed"));
        });
      });
    });
  }

  function announce(region, text) {
    if (!region || !text) { return; }
    region.textContent = "";
    // A change after a tick is announced even when the same text is copied twice.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function setupPolling() {
    var box = document.querySelector("[data-poll-url]");
    if (!box || !window.fetch) { return; }
    var url = box.getAttribute("data-poll-url");
    var stage = box.querySelector("[data-poll-stage]");
    var note = box.querySelector("[data-poll-note]");
    var started = Date.now();
    if (note) { note.hidden = false; }

    function check() {
      if (Date.now() - started > POLL_FOR_MS) { return; }
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          var latest = body && body.latest;
          if (latest && latest.status !== "queued" && latest.status !== "running") {
            window.location.reload();
            return;
          }
          if (latest && stage && latest.stage && stage.textContent !== latest.stage) {
            stage.textContent = latest.stage;
          }
          window.setTimeout(check, POLL_EVERY_MS);
        })
        .catch(function () { window.setTimeout(check, POLL_EVERY_MS * 5); });
    }
    window.setTimeout(check, POLL_EVERY_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupCopyButtons();
    setupPolling();
  });
})();
