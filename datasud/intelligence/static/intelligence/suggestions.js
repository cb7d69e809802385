// Suggestions panel of the dataset form (progressive enhancement). Without this script the
// buttons post the form and the server answers with the suggestions; with it, the
// suggestions come from POST /api/1/suggestions and one click ticks the theme, adds the tag,
// chooses the licence or frequency, or adds the territory, in the page.
(function () {
  "use strict";
  var panel = document.getElementById("suggestions");
  if (!panel || !window.fetch) { return; }
  var form = panel.closest("form");
  var results = panel.querySelector("[data-results]");
  var themeIds = JSON.parse(document.getElementById("suggestion-theme-ids").textContent);
  var licenceIds = JSON.parse(document.getElementById("suggestion-licence-ids").textContent);
  var slugs = document.getElementById("suggestion-organisation-slugs");
  var organisationSlugs = slugs ? JSON.parse(slugs.textContent) : {};
  // The panel's words in the page's language, from the server.
  var labels = JSON.parse(document.getElementById("suggestion-labels").textContent);

  function label(key, values) {
    return labels[key].replace(/%\((\w+)\)s/g, function (_match, name) {
      return String(values[name]);
    });
  }

  function field(name) { return form.elements.namedItem(name); }

  function splitList(text) {
    return text.split(/[,;\n]/).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function appendToList(name, item) {
    var input = field(name);
    if (!input) { return; }
    var items = splitList(input.value);
    if (items.indexOf(item) === -1) { items.push(item); }
    input.value = items.join(", ");
  }

  function tick(name, value) {
    var box = form.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (box) { box.checked = true; }
    return Boolean(box);
  }

  function accept(kind, value, button) {
    if (kind === "theme") { tick("themes", themeIds[value]); }
    else if (kind === "tag") { appendToList("tags", value); }
    else if (kind === "licence") { field("licence").value = licenceIds[value]; }
    else if (kind === "frequency") { field("frequency").value = value; }
    else if (kind === "territory") {
      var parts = value.split(":");
      if (parts[0] === "commune") {
        appendToList("communes", button.getAttribute("data-name") + " (" + parts[1] + ")");
      } else {
        // Région, départements and EPCI are checkboxes labelled with their name.
        var name = parts[0] === "epci" ? "epci" : "departements";
        var boxes = form.querySelectorAll('input[name="' + name + '"]');
        for (var i = 0; i < boxes.length; i++) {
          var label = form.querySelector('label[for="' + boxes[i].id + '"]');
          if (label && label.textContent.indexOf(button.getAttribute("data-name")) === 0) {
            boxes[i].checked = true;
          }
        }
      }
    }
    button.disabled = true;
    button.setAttribute("aria-pressed", "true");
  }

  function chip(kind, value, text, name) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chip";
    button.setAttribute("data-kind", kind);
    button.setAttribute("data-value", value);
    if (name) { button.setAttribute("data-name", name); }
    button.textContent = text;
    return button;
  }

  function group(list, title, chips) {
    if (!chips.length) { return; }
    var dt = document.createElement("dt");
    dt.textContent = title;
    var dd = document.createElement("dd");
    var ul = document.createElement("ul");
    ul.className = "chips";
    chips.forEach(function (c) {
      var li = document.createElement("li");
      li.appendChild(c);
      ul.appendChild(li);
    });
    dd.appendChild(ul);
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function themeName(slug) {
    var box = form.querySelector('input[name="themes"][value="' + themeIds[slug] + '"]');
    var label = box && form.querySelector('label[for="' + box.id + '"]');
    return label ? label.textContent.trim() : slug;
  }

  function render(data) {
    results.textContent = "";
    var list = document.createElement("dl");
    group(list, labels.themes, data.themes.map(function (t) {
      return chip("theme", t.slug, label("add_theme", {name: themeName(t.slug)}));
    }));
    group(list, labels.tags, data.tags.map(function (t) {
      return chip("tag", t.name, t.name);
    }));
    group(list, labels.producer_tags, (data.producer_tags || []).map(function (t) {
      var button = chip("tag", t.name, t.name);
      button.title = label("on_datasets", {counter: t.datasets});
      return button;
    }));
    if (data.licence) {
      var licence = field("licence").querySelector(
        'option[value="' + licenceIds[data.licence.slug] + '"]');
      group(list, labels.licence, [chip("licence", data.licence.slug, label("choose_licence",
        {title: licence ? licence.textContent : data.licence.slug}))]);
    }
    if (data.frequency) {
      var option = field("frequency").querySelector('option[value="' + data.frequency.code + '"]');
      group(list, labels.frequency, [chip("frequency", data.frequency.code,
        label("choose_frequency", {label: option ? option.textContent : data.frequency.code}))]);
    }
    group(list, labels.territories, data.territories.map(function (t) {
      return chip("territory", t.level + ":" + t.code, label("add_territory", {name: t.name}),
                  t.name);
    }));
    results.appendChild(list);
  }

  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !panel.contains(button)) { return; }
    if (button.hasAttribute("data-kind")) {
      event.preventDefault();
      accept(button.getAttribute("data-kind"), button.getAttribute("data-value"), button);
      return;
    }
    if (!button.hasAttribute("data-suggest")) { return; }
    var title = field("title").value.trim();
    if (!title) { return; }  // let the server explain that a title is needed
    event.preventDefault();
    results.textContent = labels.searching;
    fetch(panel.getAttribute("data-api"), {
      method: "POST",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      credentials: "same-origin",
      body: JSON.stringify({title: title.slice(0, 300),
                            description: field("description").value.slice(0, 20000),
                            // The producer's other datasets say which tags it uses.
                            organisation: organisationSlugs[(field("organisation") || {}).value] || ""})
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(render).catch(function () {
      // The API is unreachable or refused: fall back to the server-side panel.
      form.requestSubmit ? form.requestSubmit(button) : form.submit();
    });
  });
}());
