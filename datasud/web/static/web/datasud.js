/* DataSud — small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Search filters: apply as soon as a box is ticked or the sort changes (the buttons
    // that do it without JavaScript are hidden, and a note says so).
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      var note = form.querySelector(".autosubmit-note");
      if (note) { note.hidden = false; }
      form.addEventListener("change", function (event) {
        if (event.target.matches("input[type=checkbox]")) { form.requestSubmit(); }
      });
    });
    document.querySelectorAll("[data-autosubmit-control]").forEach(function (control) {
      control.addEventListener("change", function () {
        var form = control.form;
        if (form) { form.requestSubmit(); }
      });
    });

    // On small screens the search filters start folded, below a "show filters" button.
    if (window.matchMedia("(max-width: 960px)").matches) {
      document.querySelectorAll("details[data-collapse-on-small]").forEach(function (details) {
        details.open = false;
      });
    }

    // Enter in a text field presses a chosen button (e.g. "Chercher" in the dataset
    // search of the reuse form, "Déclarer" elsewhere in that form).
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "Enter" || !target.matches("input:not([type=checkbox]):not([type=radio]):not([type=file])")) {
        return;
      }
      var holder = target.closest("[data-enter-clicks]");
      var button = holder && document.getElementById(holder.getAttribute("data-enter-clicks"));
      if (button) {
        event.preventDefault();
        button.click();
      }
    });

    // "Copier" buttons next to a secret shown once (API tokens).
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          button.textContent = button.getAttribute("data-copied") || "✓";
        });
      });
    });

    // Focus the error summary of a form sent back with errors.
    var errors = document.getElementById("form-errors");
    if (errors) { errors.focus(); }
  });
})();
