// Suggestions for a text field as the person types: an ARIA 1.2 combobox over a search that
// answers {"results": [text, …]} at the field's data-suggestions address (the intake's NAF
// activity, the structure of an HR request…). data-suggestions-noun names what is
// suggested, in the singular (a feminine noun: « activité » by default, « structure »).
// Without script the field still works: the server finds the value when the form is sent.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggestions]");
  if (!input || !window.fetch) { return; }
  var list = document.createElement("ul");
  var status = document.createElement("p");
  var active = -1;
  var timer = null;
  var latest = 0;
  var noun = input.dataset.suggestionsNoun || "activité";
  var nouns = noun + "s";
  list.id = input.id + "_suggestions";
  list.className = "list-group suggestions mt-1";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", nouns.charAt(0).toUpperCase() + nouns.slice(1) + " suggérées");
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  input.insertAdjacentElement("afterend", list);
  list.insertAdjacentElement("afterend", status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  function options() { return list.querySelectorAll("[role=option]"); }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(option) {
    input.value = option.textContent;
    close();
    status.textContent = noun.charAt(0).toUpperCase() + noun.slice(1) + " choisie : " + input.value;
  }

  function highlight(index) {
    var all = options();
    if (!all.length) { return; }
    active = (index + all.length) % all.length;
    all.forEach(function (option, i) {
      option.classList.toggle("active", i === active);
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function show(results) {
    close();
    results.forEach(function (text, i) {
      var option = document.createElement("li");
      option.id = list.id + "_" + i;
      option.className = "list-group-item list-group-item-action";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = text;
      // mousedown, not click: the input keeps the focus.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(option);
      });
      list.appendChild(option);
    });
    if (results.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    status.textContent = results.length
      ? results.length + (results.length > 1 ? " " + nouns + " suggérées" : " " + noun + " suggérée") + " ; flèches pour choisir."
      : "Aucune " + noun + " ne correspond.";
  }

  input.addEventListener("input", function () {
    var text = input.value.trim();
    window.clearTimeout(timer);
    if (text.length < 2) { close(); return; }
    timer = window.setTimeout(function () {
      var ticket = ++latest;
      fetch(input.dataset.suggestions + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (ticket === latest) { show(data.results); } })
        .catch(close);
    }, 200);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(options()[active]); }
    else if (event.key === "Escape") { close(); }
  });

  input.addEventListener("blur", close);
})();
