// Map of the directory: loads the filtered organisations of the visible area from
// carte.json; clusters computed by the server at low zoom, Leaflet.markercluster at
// high zoom. No inline script (CSP); popups are built with text nodes (no HTML injection).
(function () {
  "use strict";
  var REUNION = [-21.115, 55.536];

  function clusterIcon(count) {
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var inner = document.createElement("div");
    var label = document.createElement("span");
    label.textContent = String(count);
    inner.appendChild(label);
    return L.divIcon({ html: inner.outerHTML, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
  }

  function popupFor(element, properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = element.dataset.structureUrl.replace("SLUG", encodeURIComponent(properties.slug));
    link.textContent = properties.name;
    box.appendChild(link);
    if (properties.commune) {
      var place = document.createElement("div");
      place.className = "small";
      place.textContent = properties.commune;
      box.appendChild(place);
    }
    return box;
  }

  function init(element) {
    if (!element || element.dataset.ready || typeof L === "undefined") { return; }
    element.dataset.ready = "1";
    var map = L.map(element, { maxZoom: 19 }).setView(REUNION, 10);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
    }
    var clusters = L.layerGroup().addTo(map);
    var points = L.markerClusterGroup({ showCoverageOnHover: false }).addTo(map);
    var pending = null;

    function load() {
      var bounds = map.getBounds();
      var source = element.dataset.source;
      var url = source + (source.indexOf("?") >= 0 ? "&" : "?") + "bbox=" +
        [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map(function (v) { return v.toFixed(5); }).join(",") +
        "&zoom=" + map.getZoom();
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal })
        .then(function (response) {
          if (!response.ok) { throw new Error("carte " + response.status); }
          return response.json();
        })
        .then(function (data) {
          clusters.clearLayers();
          points.clearLayers();
          (data.features || []).forEach(function (feature) {
            var latlng = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
            if (feature.properties.cluster) {
              var marker = L.marker(latlng, { icon: clusterIcon(feature.properties.count), title: feature.properties.count + " structures" });
              marker.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 18)); });
              clusters.addLayer(marker);
            } else {
              var point = L.marker(latlng, { title: feature.properties.name });
              point.bindPopup(popupFor(element, feature.properties));
              points.addLayer(point);
            }
          });
          element.dataset.loaded = String((data.features || []).length);
        })
        .catch(function () { /* aborted by a newer request, or offline: keep the last layers */ });
    }
    map.on("moveend", load);
    load();
  }

  function initAll() { init(document.getElementById("carte-annuaire")); }
  document.addEventListener("DOMContentLoaded", initAll);
  document.body.addEventListener("htmx:afterSettle", initAll);
})();
