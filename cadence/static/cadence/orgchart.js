/* Org chart: each box's reports button opens and closes its reports (htmx fetches them
 * on the first opening) and says which it is with aria-expanded; the arrow keys move
 * between the people shown. Without this script every box keeps a link that centres the
 * chart on that person, so the chart still works, one level at a time. */
(function () {
  "use strict";

  function chart() {
    return document.querySelector(".orgchart");
  }

  // The script is here: swap each "N reports" link for its disclosure button.
  function enhance(root) {
    root.querySelectorAll(".org-toggle[hidden]").forEach(function (button) {
      var link = button.parentElement.querySelector(".org-toggle-link");
      if (link) link.hidden = true;
      button.hidden = false;
    });
  }

  function reportsOf(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var list = reportsOf(button);
    if (list) list.hidden = !open;
  }

  function toggleOf(item) {
    var box = item.querySelector(":scope > .org-box");
    return box ? box.querySelector(".org-toggle:not([hidden])") : null;
  }

  // The people shown, in reading order: each box's name link is its stop for the arrows.
  function shownNames() {
    return Array.prototype.filter.call(
      chart().querySelectorAll(".org-box .person-name"),
      function (link) { return link.offsetParent !== null; }
    );
  }

  function nameOf(item) {
    return item ? item.querySelector(":scope > .org-box .person-name") : null;
  }

  function onKey(event) {
    var box = event.target.closest(".org-box");
    if (!box || !chart().contains(box)) return;
    var item = box.parentElement;
    var toggle = toggleOf(item);
    var names = shownNames();
    var here = names.indexOf(nameOf(item));
    var target = null;
    switch (event.key) {
      case "ArrowDown": target = names[here + 1]; break;
      case "ArrowUp": target = names[here - 1]; break;
      case "Home": target = names[0]; break;
      case "End": target = names[names.length - 1]; break;
      case "ArrowRight":
        if (toggle && toggle.getAttribute("aria-expanded") !== "true") {
          toggle.click();
          target = toggle;
        } else {
          target = nameOf(item.querySelector(":scope > .org-children:not([hidden]) > .org-item"));
        }
        break;
      case "ArrowLeft":
        if (toggle && toggle.getAttribute("aria-expanded") === "true") {
          toggle.click();
          target = toggle;
        } else {
          target = nameOf(item.parentElement.closest(".org-item"));
        }
        break;
      default:
        return;
    }
    event.preventDefault();
    if (target) {
      target.focus();
      target.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!chart()) return;
    enhance(document);
    document.addEventListener("click", function (event) {
      var button = event.target.closest(".orgchart .org-toggle");
      if (button) setOpen(button, button.getAttribute("aria-expanded") !== "true");
    });
    chart().addEventListener("keydown", onKey);
    // A chart centred on someone opens with their box in view, however wide the chart.
    var focus = chart().querySelector(".org-box.focus");
    if (focus) focus.scrollIntoView({ block: "nearest", inline: "center" });
    // Reports fetched by htmx arrive with their own buttons still hidden.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      enhance(event.target);
    });
  });
})();
