// The directory's « Filtres » disclosure: open on wide screens, closed on phones so that
// the first results show on the first screen. Once the person opens or closes it, their
// choice holds across the htmx refreshes of the results (which re-render it closed).
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 992px)");
  var choice = null;

  function apply() {
    var filters = document.querySelectorAll("details.filters");
    for (var i = 0; i < filters.length; i++) {
      filters[i].open = choice === null ? wide.matches : choice;
    }
  }

  // "toggle" does not bubble: listen in the capture phase. Programmatic changes fire it
  // too, with the value `apply` just set, which leaves the choice unchanged in effect.
  document.addEventListener(
    "toggle",
    function (event) {
      if (event.target.matches && event.target.matches("details.filters")) choice = event.target.open;
    },
    true
  );
  document.body.addEventListener("htmx:afterSwap", apply);
  apply();
})();
