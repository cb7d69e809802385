/* Diagnostic wizard — enhancements only: every step works without this file. */
(function () {
  "use strict";

  // Type-ahead on the job fields: the browser's own suggestion list (<datalist>), filled
  // from /diagnostic-mobilite/suggestions/ as the person types. Choosing a suggestion only
  // fills the field; the search button still does the search.
  function typeAhead(input) {
    var list = document.createElement("datalist");
    var timer = null;
    var last = "";
    list.id = input.id + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    input.addEventListener("input", function () {
      var text = input.value.trim();
      window.clearTimeout(timer);
      if (text.length < 2 || text === last) { return; }
      timer = window.setTimeout(function () {
        last = text;
        fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text),
              {headers: {"Accept": "application/json"}, credentials: "same-origin"})
          .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
          .then(function (data) {
            list.replaceChildren.apply(list, (data.suggestions || []).map(function (item) {
              var option = document.createElement("option");
              option.value = item.libelle;  // text only: never parsed as HTML
              return option;
            }));
          })
          .catch(function () { /* no suggestions: the form works the same */ });
      }, 250);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(typeAhead);

    // "Imprimer / PDF" opens the browser's print dialog (the print stylesheet gives the
    // summary); without JavaScript the page says to use the browser's own command.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });

    // Proposals asked for: bring the list into view and give it the focus.
    if (window.location.hash === "#propositions") {
      var list = document.getElementById("propositions");
      if (list) { list.focus(); }
    }
  });
})();
