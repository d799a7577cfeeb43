// Small map of one organisation. Reads its data-* attributes: no inline script (CSP).
(function () {
  "use strict";
  var element = document.getElementById("carte-structure");
  if (!element || typeof L === "undefined") { return; }
  var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)];
  var map = L.map(element, { scrollWheelZoom: false, zoomControl: false }).setView(point, 14);
  // Leaflet's own labels are in English: the page is in French (RGAA 8.7).
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  }
  // The marker's text alternative says what it shows: the map's caption.
  var caption = document.getElementById("legende-carte");
  L.marker(point, { keyboard: false, alt: caption ? caption.textContent.trim() : "" }).addTo(map);
})();
