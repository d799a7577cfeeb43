// Small map of a territory page: the directory's organisations located there, grouped by
// Leaflet.markercluster (carte-commun.js). The points come from a JSON data block
// (json_script), never from an inline script (CSP); popups are built with text nodes.
(function () {
  "use strict";
  var element = document.getElementById("carte-territoire");
  var data = document.getElementById("points-carte-territoire");
  if (!element || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent);

  function popupFor(point) {
    var link = document.createElement("a");
    link.href = element.dataset.structureUrl.replace("SLUG", encodeURIComponent(point[3]));
    link.textContent = point[2];
    return link;
  }

  var map = CressCarte.baseMap(element, { scrollWheelZoom: false, maxZoom: 18 });
  var group = CressCarte.clusterGroup();
  points.forEach(function (point) {
    var marker = L.marker([point[0], point[1]], { title: point[2], alt: point[2] });
    marker.bindPopup(popupFor(point));
    group.addLayer(marker);
  });
  map.addLayer(group);
  var bounds = group.getBounds();
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
  } else {
    map.setView([-21.115, 55.536], 10);
  }
  element.dataset.ready = String(points.length);
})();
