/* Small progressive enhancements; every page works without JavaScript. */
(function () {
  "use strict";
  // After a failed submit, move the keyboard (and screen-reader) focus to the form's error
  // summary, which lists each problem with a link to its field.
  function focusErrorSummary(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); return true; }
    return false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    // Print buttons are only shown when JavaScript can print.
    document.querySelectorAll(".js-print").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    focusErrorSummary(document);
    // Secondary content (recent activity, long histories) starts folded on a phone; it is
    // open without JavaScript and on wider screens.
    // Turning a tablet or resizing the window across the phone width folds or unfolds them.
    if (window.matchMedia) {
      var phone = window.matchMedia("(max-width: 640px)");
      var fold = function () {
        document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (details) {
          var chosen = Array.prototype.some.call(details.querySelectorAll("select"), function (s) {
            return s.selectedIndex > 0;
          });
          details.open = !phone.matches || (chosen && details.hasAttribute("data-unless-chosen"));
        });
      };
      fold();
      if (phone.addEventListener) { phone.addEventListener("change", fold); }
    }
  });
  // After htmx swaps a step form in, move the keyboard focus to its error summary, or else to
  // its first field.
  document.addEventListener("htmx:afterSwap", function (event) {
    // A live region filled while someone types (similar records) never takes the focus.
    if (event.detail.target && event.detail.target.closest("[aria-live]")) { return; }
    var panel = event.detail.target && event.detail.target.id === "step-panel"
      ? event.detail.target : document.getElementById("step-panel");
    if (panel && panel.contains(event.detail.elt) || (panel && event.detail.target === panel)) {
      if (focusErrorSummary(panel)) { return; }
      var field = panel.querySelector("input:not([type=hidden]), textarea, select");
      if (field) { field.focus(); }
    }
  });
  // The "link to this record" buttons post the form without JavaScript; with it they act in
  // place and must not become the form's default button (Enter would link instead of submit).
  function linkButtonsInPlace(root) {
    if (!root.querySelectorAll) { return; }
    root.querySelectorAll("[data-link-select]").forEach(function (b) { b.type = "button"; });
    root.querySelectorAll("[data-without-js]").forEach(function (b) { b.remove(); });
  }
  document.addEventListener("DOMContentLoaded", function () { linkButtonsInPlace(document); });
  document.addEventListener("htmx:load", function (event) { linkButtonsInPlace(event.detail.elt); });
  // "Link approach N to this record": with JavaScript the choice is made in place (the
  // approach's good-practice field); without it the button posts the form and the page does it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-link-select]");
    if (!button) { return; }
    var select = document.getElementById(button.getAttribute("data-link-select"));
    if (!select || !select.querySelector('option[value="' + button.value + '"]')) { return; }
    event.preventDefault();
    select.value = button.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    var list = button.closest(".similar-list");
    if (list) {
      list.querySelectorAll("[data-link-select][hidden]").forEach(function (b) { b.hidden = false; });
      list.querySelectorAll("[data-linked-note]").forEach(function (n) { n.remove(); });
    }
    var note = document.createElement("strong");
    note.className = "linked";
    note.setAttribute("data-linked-note", "");
    note.setAttribute("data-linked", button.value);
    note.textContent = button.getAttribute("data-linked-text");
    button.hidden = true;
    button.insertAdjacentElement("afterend", note);
  });
})();
