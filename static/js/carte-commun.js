// What the portal's maps share, loaded after Leaflet (and Leaflet.markercluster where
// groups are drawn) and before each page's own map script: a map whose controls speak
// French, with the configured tiles, and the icon of a group of structures.
window.CressCarte = (function () {
  "use strict";

  // A Leaflet map in `element`, with its data-tiles and data-attribution; `options` are Leaflet's.
  function baseMap(element, options) {
    var map = L.map(element, Object.assign({ zoomControl: false }, options));
    // Leaflet's own labels are in English: the page is in French (RGAA 8.7).
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
    }
    return map;
  }

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

  // Markers grouped by Leaflet.markercluster, each group drawn with clusterIcon.
  function clusterGroup() {
    return L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: function (cluster) { return clusterIcon(cluster.getChildCount()); }
    });
  }

  return { baseMap: baseMap, clusterIcon: clusterIcon, clusterGroup: clusterGroup };
})();
