// The admin's wide tables (tabular inlines) scroll sideways inside their box on a phone:
// such a box gets keyboard focus and a name, so that it can be scrolled without a mouse
// (WCAG 2.1.1). Boxes that fit are left alone.
document.addEventListener("DOMContentLoaded", function () {
  var boxes = "fieldset.module > .wrapper, .dashboard-grid table, .wide-table, .dashboard-stale, #change-history";
  document.querySelectorAll(boxes).forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      var heading = box.querySelector("caption") || box.parentElement.querySelector("h2");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (heading ? heading.textContent.trim() : "Tableau") + " (défile horizontalement)");
    }
  });
});

// The admin's search widgets (select2) draw a text field and a list of choices without a
// name: each gets the label of the select it stands for (WCAG 4.1.2).
document.addEventListener("DOMContentLoaded", function () {
  function nameSearchFields() {
    document.querySelectorAll(".select2-container").forEach(function (container) {
      var select = container.previousElementSibling;
      var label = select && select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
      // In a table of lines (a tabular inline) the select has no <label>, only its aria-label
      // (« Structure, ligne 2 »): the select, kept out of sight by select2, names the widget.
      if (!label && select && select.id && select.getAttribute("aria-label")) {
        label = { id: select.id, textContent: select.getAttribute("aria-label") };
      }
      if (!label) {
        return;
      }
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        field.setAttribute("aria-label", label.textContent.trim());
      });
      // A single choice is a combobox named by its chosen value only, empty when none: the
      // field's label comes first.
      if (!label.id) {
        label.id = select.id + "-label";
      }
      container.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(function (shown) {
        if (!shown.hasAttribute("aria-labelledby")) {
          shown.setAttribute("aria-labelledby", label.id + (shown.id ? " " + shown.id : ""));
        }
      });
      container.querySelectorAll(".select2-selection--single[role=combobox]").forEach(function (box) {
        var names = (box.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
        if (names.indexOf(label.id) === -1) {
          box.setAttribute("aria-labelledby", [label.id].concat(names).join(" "));
        }
      });
      // The chosen items sit in a <ul> next to a « clear » <span>: a group of items, not a list.
      container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
        if (list.getAttribute("role") !== "group") {
          list.setAttribute("role", "group");
          list.setAttribute("aria-label", label.textContent.trim() + " : choix");
        }
        list.querySelectorAll(":scope > li:not([role])").forEach(function (item) {
          item.setAttribute("role", "none");
        });
      });
    });
  }
  nameSearchFields();
  new MutationObserver(nameSearchFields).observe(document.body, { childList: true, subtree: true });
});

// The navigation column: on a list below 1 440 px (the laptops staff work on) it would take
// the list's room, so it stays closed and opens over the list from its button; Escape or a
// click elsewhere closes it. Django's own remembered choice (wider screens) is left alone.
(function () {
  var narrow = window.matchMedia("(min-width: 768px) and (max-width: 1440px)");
  function parts() {
    var main = document.getElementById("main");
    var toggle = document.getElementById("toggle-nav-sidebar");
    var nav = document.getElementById("nav-sidebar");
    var overlay = narrow.matches && document.body.classList.contains("change-list");
    return main && toggle && nav ? { main: main, toggle: toggle, nav: nav, overlay: overlay } : null;
  }
  function sync() {
    var p = parts();
    if (!p) {
      return;
    }
    var open = p.overlay ? p.main.classList.contains("nav-open") : p.main.classList.contains("shifted");
    p.toggle.setAttribute("aria-expanded", open ? "true" : "false");
    p.nav.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function close(p, focusToggle) {
    p.main.classList.remove("nav-open");
    sync();
    if (focusToggle) {
      p.toggle.focus();
    }
  }
  document.addEventListener(
    "click",
    function (event) {
      var p = parts();
      if (!p || !p.overlay) {
        return;
      }
      if (event.target.closest("#toggle-nav-sidebar")) {
        event.stopPropagation(); // not Django's handler: its choice is for wide screens
        p.main.classList.toggle("nav-open");
        sync();
      } else if (p.main.classList.contains("nav-open") && !event.target.closest("#nav-sidebar")) {
        close(p, false);
      }
    },
    true
  );
  document.addEventListener("keydown", function (event) {
    var p = parts();
    if (p && p.overlay && event.key === "Escape" && p.main.classList.contains("nav-open")) {
      close(p, true);
    }
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("click", sync); // after Django's handler on wide screens
  narrow.addEventListener("change", sync);
})();

// The filter boxes of a two-list choice (rights, groups, categories) carry a magnifier icon
// named with aria-label, which a plain <span> may not have: it becomes an image.
document.addEventListener("DOMContentLoaded", function () {
  function nameIcons() {
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  nameIcons();
  new MutationObserver(nameIcons).observe(document.body, { childList: true, subtree: true });
});
