// On a phone, filter panels marked data-replier-telephone start folded so that the
// results show on the first screen; the summary line says what is selected.
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 575.98px)").matches) { return; }
  document.querySelectorAll("details[data-replier-telephone]").forEach(function (details) {
    details.open = false;
  });
})();
