/* What every page needs that htmx does not do by itself. When a request made through
 * htmx is refused (403 after someone else closed the meeting, 409 after a change in
 * another tab, 404 for something removed) or cannot reach Cadence, htmx swaps nothing
 * and the click seems to do nothing. Say so, in words, where the page's messages go,
 * with the reason Cadence gave when there is one; the next request that works clears it. */
(function () {
  "use strict";

  var ALERT_ID = "request-problem";

  function reasonIn(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") !== 0) return "";
    // Cadence's error pages put the reason in their first paragraph (templates/403.html).
    var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var reason = page.querySelector(".error-page p");
    return reason ? reason.textContent.trim() : "";
  }

  function show(text) {
    var main = document.getElementById("main");
    if (!main) return;
    var alert = document.getElementById(ALERT_ID);
    if (!alert) {
      alert = document.createElement("p");
      alert.id = ALERT_ID;
      alert.className = "message message-error";
      alert.setAttribute("role", "alert");
      main.insertBefore(alert, main.firstChild);
    }
    alert.textContent = text;
  }

  function clear() {
    var alert = document.getElementById(ALERT_ID);
    if (alert) alert.remove();
  }

  function words(name) {
    return document.body.getAttribute("data-request-" + name) || "";
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var reason = reasonIn(xhr);
    show(words("refused") + (reason ? " " + reason : "") + " " + words("reload"));
  });
  document.addEventListener("htmx:sendError", function () {
    show(words("offline"));
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) clear();
  });

  // The people picker (people/_picker.html): Enter in its search box chooses the first
  // suggestion, as in every search-as-you-type box, instead of sending the form with a
  // half-typed name. Without this script Enter sends the form, which reads typed emails.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || !box.closest || !box.closest(".picker-body")) return;
    if (box.tagName !== "INPUT") return;
    event.preventDefault();
    var list = document.getElementById(box.id + "_suggestions");
    var first = list && list.querySelector(".picker-option");
    if (first) first.click();
  });
})();
