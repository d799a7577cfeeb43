// « Mon entreprise fait-elle partie de l'ESS ? » : the questions of a commercial company show
// only once « Société commerciale » is chosen. Without script every question shows, and the
// server counts a commercial company's answers for one only.
(function () {
  "use strict";
  var section = document.getElementById("questions-societe");
  var choices = document.querySelectorAll("input[name='forme']");
  if (!section || !choices.length) { return; }
  var esusNumber = document.querySelector(".numero-esus");
  function update() {
    var chosen = document.querySelector("input[name='forme']:checked");
    var company = chosen && chosen.value === section.dataset.forme;
    section.hidden = !company;
    if (esusNumber) { esusNumber.textContent = company ? "3." : "2."; }
  }
  choices.forEach(function (choice) { choice.addEventListener("change", update); });
  update();
})();
