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
    var panel = event.detail.target && event.detail.target.id === "step-panel"
      ? event.detail.target : document.getElementById("step-panel");
    if (panel && panel.contains(event.detail.elt) || (panel && event.detail.target === panel)) {
      if (focusErrorSummary(panel)) { return; }
      var field = panel.querySelector("input:not([type=hidden]), textarea, select");
      if (field) { field.focus(); }
    }
  });
})();
