// Map of the directory: loads the filtered organisations of the visible area from
// carte.json; clusters computed by the server at low zoom, Leaflet.markercluster at
// high zoom. No inline script (CSP); popups are built with text nodes (no HTML injection).
(function () {
  "use strict";
  var REUNION = [-21.115, 55.536];

  function plural(count) {
    return count === 1 ? "1 structure" : count.toLocaleString("fr-FR") + " structures";
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
    var map = CressCarte.baseMap(element, { maxZoom: 19 }).setView(REUNION, 10);
    var clusters = L.layerGroup().addTo(map);
    var points = CressCarte.clusterGroup().addTo(map);
    var pending = null;
    var status = document.getElementById("carte-etat");
    var retry = document.getElementById("carte-reessayer");

    function say(text, failed) {
      element.setAttribute("aria-busy", "false");
      if (status) { status.textContent = text; }
      if (retry) { retry.hidden = !failed; }
    }

    function load() {
      var bounds = map.getBounds();
      var source = element.dataset.source;
      var url = source + (source.indexOf("?") >= 0 ? "&" : "?") + "bbox=" +
        [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map(function (v) { return v.toFixed(5); }).join(",") +
        "&zoom=" + map.getZoom();
      if (pending) { pending.abort(); }
      var current = pending = new AbortController();
      element.setAttribute("aria-busy", "true");
      if (status) { status.textContent = "Chargement des structures de la zone affichée…"; }
      if (retry) { retry.hidden = true; }
      fetch(url, { headers: { Accept: "application/json" }, signal: current.signal })
        .then(function (response) {
          if (!response.ok) { throw new Error("carte " + response.status); }
          return response.json();
        })
        .then(function (data) {
          clusters.clearLayers();
          points.clearLayers();
          var shown = 0;
          (data.features || []).forEach(function (feature) {
            shown += feature.properties.cluster ? feature.properties.count : 1;
            var latlng = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
            if (feature.properties.cluster) {
              var marker = L.marker(latlng, { icon: CressCarte.clusterIcon(feature.properties.count), title: plural(feature.properties.count) });
              marker.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 18)); });
              clusters.addLayer(marker);
            } else {
              var where = feature.properties.commune ? ", " + feature.properties.commune : "";
              var point = L.marker(latlng, { title: feature.properties.name, alt: feature.properties.name + where });
              point.bindPopup(popupFor(element, feature.properties));
              points.addLayer(point);
            }
          });
          element.dataset.loaded = String((data.features || []).length);
          say(shown ? plural(shown) + " dans la zone affichée." :
            "Aucune structure dans la zone affichée : dézoomez, déplacez la carte ou retirez un filtre.", false);
        })
        .catch(function (error) {
          if (current.signal.aborted) { return; } // replaced by a newer request
          // Offline or refused: keep the last layers, say so, offer to try again.
          element.dataset.failed = "1";
          say("La carte n'a pas pu charger les structures. Vérifiez votre connexion puis réessayez, ou consultez la liste.", true);
        });
    }
    map.on("moveend", load);
    if (retry) { retry.addEventListener("click", load); }
    load();
  }

  function initAll() { init(document.getElementById("carte-annuaire")); }
  document.addEventListener("DOMContentLoaded", initAll);
  document.body.addEventListener("htmx:afterSettle", initAll);
})();
