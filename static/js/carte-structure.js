// Small map of one organisation. Reads its data-* attributes: no inline script (CSP).
(function () {
  "use strict";
  var element = document.getElementById("carte-structure");
  if (!element || typeof L === "undefined") { return; }
  var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)];
  var map = L.map(element, { scrollWheelZoom: false }).setView(point, 14);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  }
  L.marker(point, { keyboard: false }).addTo(map);
})();
