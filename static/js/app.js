/* Small progressive enhancements; every page works without JavaScript. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Print buttons are only shown when JavaScript can print.
    document.querySelectorAll(".js-print").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
  // After htmx swaps a step form in, move the keyboard focus to its first field.
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target && event.detail.target.id === "step-panel"
      ? event.detail.target : document.getElementById("step-panel");
    if (panel && panel.contains(event.detail.elt) || (panel && event.detail.target === panel)) {
      var field = panel.querySelector("input:not([type=hidden]), textarea, select");
      if (field) { field.focus(); }
    }
  });
})();
