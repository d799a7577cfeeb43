// The intake's legal form: the field of the INSEE list shows only when « Une autre forme
// (liste INSEE) » is chosen. Without script both show, and the server explains a mismatch.
(function () {
  "use strict";
  var answer = document.getElementById("id_legal_form_kind");
  var listed = document.getElementById("div_id_legal_form");
  if (!answer || !listed) { return; }
  function update() { listed.hidden = answer.value !== "insee"; }
  answer.addEventListener("change", update);
  update();
})();
