/* Small progressive helpers; every page works without them.
   Select-all: a form with three or more check boxes of one name gets a "select all" box above
   the first, unless the page already has one. */
(function () {
  "use strict";
  function addSelectAll(form, name, boxes) {
    var label = document.createElement("label");
    label.className = "select-all";
    var all = document.createElement("input");
    all.type = "checkbox";
    all.setAttribute("data-select-all-for", name);
    label.appendChild(all);
    label.appendChild(document.createTextNode(" " + (document.body.getAttribute("data-select-all") || "")));
    function sync() {
      var checked = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { if (!b.disabled) { b.checked = all.checked; } });
    });
    boxes.forEach(function (b) { b.addEventListener("change", sync); });
    var anchor = boxes[0].closest("table, ul, fieldset") || boxes[0];
    anchor.parentNode.insertBefore(label, anchor);
    sync();
  }
  function init(root) {
    root.querySelectorAll("form").forEach(function (form) {
      var byName = {};
      form.querySelectorAll("input[type=checkbox][name]").forEach(function (box) {
        (byName[box.name] = byName[box.name] || []).push(box);
      });
      Object.keys(byName).forEach(function (name) {
        if (byName[name].length >= 3 && !form.querySelector("[data-select-all-for='" + name + "']")) {
          addSelectAll(form, name, byName[name]);
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  /* Escape closes the menu and gives the focus back to its button. */
  document.addEventListener("keydown", function (event) {
    var menu = document.querySelector("details.menu[open]");
    if (event.key === "Escape" && menu) { menu.open = false; menu.querySelector("summary").focus(); }
  });
})();
