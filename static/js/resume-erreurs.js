// The error summary of a form: focused when the page opens (autofocus does it too, where
// supported), and each of its links moves the focus to its field, not only the view.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  if (document.activeElement !== summary) { summary.focus(); }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  });
})();
