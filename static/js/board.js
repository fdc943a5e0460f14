/* The board: drag a card to another column to run the step that leads there. The drop asks
   the server (/challenges/<id>/move/<state>/?seen=<state>), which opens the step's form or
   refuses with the reason, exactly as the card's "Next step" menu and the API would. Without
   JavaScript the menu alone does the job. */
(function () {
  "use strict";

  function moveUrl(card, target) {
    var base = card.getAttribute("data-move").replace(/[^/]+\/$/, "");
    return base + encodeURIComponent(target) + "/?seen=" + encodeURIComponent(card.getAttribute("data-state"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector(".board[data-movable]");
    if (!board) { return; }
    var dragged = null;
    var columns = board.querySelectorAll(".column[data-state]");

    function clear() {
      columns.forEach(function (column) { column.classList.remove("drop-target"); });
    }

    board.querySelectorAll(".board-card[data-move]").forEach(function (card) {
      card.setAttribute("draggable", "true");
      card.addEventListener("dragstart", function (event) {
        dragged = card;
        card.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", card.id);
      });
      card.addEventListener("dragend", function () {
        card.classList.remove("dragging");
        dragged = null;
        clear();
      });
    });

    columns.forEach(function (column) {
      column.addEventListener("dragover", function (event) {
        if (dragged && column.getAttribute("data-state") !== dragged.getAttribute("data-state")) {
          event.preventDefault();
          event.dataTransfer.dropEffect = "move";
          column.classList.add("drop-target");
        }
      });
      column.addEventListener("dragleave", function (event) {
        if (!column.contains(event.relatedTarget)) { column.classList.remove("drop-target"); }
      });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        var card = dragged || document.getElementById(event.dataTransfer.getData("text/plain"));
        clear();
        if (!card || column.getAttribute("data-state") === card.getAttribute("data-state")) { return; }
        window.location.assign(moveUrl(card, column.getAttribute("data-state")));
      });
    });
  });
})();
