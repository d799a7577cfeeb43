// Small map of one organisation. Reads its data-* attributes: no inline script (CSP).
(function () {
  "use strict";
  var element = document.getElementById("carte-structure");
  if (!element || typeof L === "undefined") { return; }
  var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)];
  var map = CressCarte.baseMap(element, { scrollWheelZoom: false }).setView(point, 14);
  // The marker's text alternative says what it shows: the map's caption.
  var caption = document.getElementById("legende-carte");
  L.marker(point, { keyboard: false, alt: caption ? caption.textContent.trim() : "" }).addTo(map);
})();
