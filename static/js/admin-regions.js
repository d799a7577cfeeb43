// The admin's wide tables (tabular inlines) scroll sideways inside their box on a phone:
// such a box gets keyboard focus and a name, so that it can be scrolled without a mouse
// (WCAG 2.1.1). Boxes that fit are left alone.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("fieldset.module > .wrapper").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      var heading = box.parentElement.querySelector("h2");
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
      if (!label) {
        return;
      }
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        field.setAttribute("aria-label", label.textContent.trim());
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
