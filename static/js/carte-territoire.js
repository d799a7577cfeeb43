// Small map of a territory page: the directory's organisations located there, grouped by
// Leaflet.markercluster. The points come from a JSON data block (json_script), never from
// an inline script (CSP); popups are built with text nodes (no HTML injection).
(function () {
  "use strict";
  var element = document.getElementById("carte-territoire");
  var data = document.getElementById("points-carte-territoire");
  if (!element || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent);

  // A group of structures: its count, and an accessible name saying what it holds and
  // what activating it does (Leaflet gives marker icons role="button").
  function clusterIcon(count) {
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var inner = document.createElement("div");
    var label = document.createElement("span");
    label.setAttribute("aria-hidden", "true");
    label.textContent = String(count);
    var name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = count + (count > 1 ? " structures ici" : " structure ici") + " : agrandir la carte pour les voir";
    inner.appendChild(label);
    inner.appendChild(name);
    return L.divIcon({ html: inner.outerHTML, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(44, 44) });
  }

  function popupFor(point) {
    var link = document.createElement("a");
    link.href = element.dataset.structureUrl.replace("SLUG", encodeURIComponent(point[3]));
    link.textContent = point[2];
    return link;
  }

  var map = L.map(element, { scrollWheelZoom: false, zoomControl: false, maxZoom: 18 });
  // Leaflet's own labels are in English: the page is in French (RGAA 8.7).
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  }
  var group = L.markerClusterGroup({
    showCoverageOnHover: false,
    iconCreateFunction: function (cluster) { return clusterIcon(cluster.getChildCount()); }
  });
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
