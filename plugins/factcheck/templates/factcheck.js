// mkdocs-factcheck: filter and sort listing tables. Without script the full
// tables are shown; with it, a filter box and sortable column buttons appear.
(function () {
  "use strict";
  function setUp() {
    document.querySelectorAll("[data-fc-filter-for]").forEach(function (box) {
      var table = document.getElementById(box.getAttribute("data-fc-filter-for"));
      if (!table || box.dataset.fcReady) { return; }
      box.dataset.fcReady = "1";
      var input = box.querySelector("input");
      var status = box.querySelector("[role=status]");
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      box.hidden = false;
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        rows.forEach(function (row) {
          var text = row.textContent.toLowerCase();
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          row.hidden = !match;
          if (match) { shown += 1; }
        });
        status.textContent = words.length ? shown + " / " + rows.length : "";
      });
    });
    document.querySelectorAll("table[data-fc-sortable]").forEach(function (table) {
      if (table.dataset.fcReady) { return; }
      table.dataset.fcReady = "1";
      var headers = table.tHead.rows[0].cells;
      Array.prototype.forEach.call(headers, function (th, column) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "fc-sort";
        while (th.firstChild) { button.appendChild(th.firstChild); }
        th.appendChild(button);
        th.setAttribute("aria-sort", "none");
        button.addEventListener("click", function () { sortBy(table, column, th); });
      });
    });
  }
  function key(cell) {
    var value = cell.getAttribute("data-sort") || cell.textContent.trim();
    var number = Number(value);
    return value !== "" && !isNaN(number) ? number : value.toLowerCase();
  }
  function sortBy(table, column, th) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
      other.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[column]), y = key(b.cells[column]);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  // mkdocs-material's instant navigation swaps pages without a reload.
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else if (document.readyState !== "loading") {
    setUp();
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
