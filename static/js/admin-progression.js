// Import progress in the admin: the status block asks the server again every two
// seconds while the import is queued or running (no inline script: strict CSP).
(function () {
  "use strict";
  function poll() {
    var block = document.getElementById("progression");
    if (!block || !block.dataset.poll) { return; }
    fetch(block.dataset.poll, { credentials: "same-origin", headers: { "X-Progression": "1" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("progression");
        if (next) {
          block.replaceWith(next);
          if (!next.dataset.poll) { window.location.reload(); return; }
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(poll, 2000); });
})();
