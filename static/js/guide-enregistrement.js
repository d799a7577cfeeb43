// Le guide des bonnes pratiques : chaque réponse s'enregistre dès qu'elle change (le
// formulaire reste utilisable sans script : son bouton enregistre tout le thème).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  var announce = form.querySelector("[data-annonce]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function save(field) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    body.append(field.name, field.type === "radio" ? (form.querySelector("input[name='" + field.name + "']:checked") || {}).value || "" : field.value);
    var state = field.closest("[data-question]").querySelector("[data-etat]");
    fetch(form.action || window.location.href, {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      var message = result.ok ? "Réponse enregistrée." : (result.data.errors[field.name] || result.data.errors[""] || "Réponse non enregistrée.");
      state.textContent = message;
      announce.textContent = message;
    }).catch(function () {
      state.textContent = "Réponse non enregistrée (connexion perdue) : utilisez le bouton Enregistrer.";
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name && event.target.name !== "csrfmiddlewaretoken") save(event.target);
  });
})();
