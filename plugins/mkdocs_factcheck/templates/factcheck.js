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
      if (box.hasAttribute("data-fc-directory")) {
        filterDirectory(box, table, input, status, rows);
        return;
      }
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        rows.forEach(function (row) {
          var text = row.textContent.toLowerCase();
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          row.hidden = !match;
          if (match) { shown += 1; }
        });
        status.textContent = words.length ? statusText(box, shown, rows.length) : "";
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
    markScrollers();
    drawerInert();
    paletteStops();
  }
  // The colour-scheme toggle is a group of zero-sized radios, each shown by the label after
  // it; when none is checked (the scheme follows the system) Tab lands on the first, whose
  // label may be the hidden one: an invisible stop. Only the option with a shown label is one.
  function paletteStops() {
    document.querySelectorAll("input.md-option").forEach(function (option) {
      var label = option.nextElementSibling;
      var shown = !!label && label.tagName === "LABEL" && getComputedStyle(label).display !== "none";
      option.tabIndex = shown ? 0 : -1;
      if (!option.dataset.fcStops) {
        option.dataset.fcStops = "1";
        option.addEventListener("change", function () { window.requestAnimationFrame(paletteStops); });
      }
    });
  }
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
    window.requestAnimationFrame(paletteStops);
  });
  // Below 76.25em (material's breakpoint) the site menu is a slide-out drawer. Closed, it
  // is off-screen, yet its links would take focus: keyboard users would tab through a
  // dozen invisible stops before the article. It is inert until it is opened.
  var narrow = window.matchMedia("(max-width: 76.234375em)");
  function drawerInert() {
    var toggle = document.getElementById("__drawer");
    var drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !drawer) { return; }
    drawer.inert = narrow.matches && !toggle.checked;
    if (!toggle.dataset.fcInert) {
      toggle.dataset.fcInert = "1";
      toggle.addEventListener("change", drawerInert);
      narrow.addEventListener("change", drawerInert);
    }
  }
  // A table wider than the page scrolls inside its wrapper: keyboard users need to reach
  // that wrapper to scroll it, and screen readers a name for it. Only wrappers that do
  // scroll become a tab stop; the check runs again when the window changes size.
  function markScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("data-fc-scroller", "");
        var caption = wrap.querySelector("caption");
        if (caption) {
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (!scrolls && wrap.hasAttribute("data-fc-scroller")) {
        ["tabindex", "role", "aria-label", "data-fc-scroller"].forEach(function (name) {
          wrap.removeAttribute(name);
        });
      }
    });
  }
  var resizing = false;
  window.addEventListener("resize", function () {
    if (resizing) { return; }
    resizing = true;
    window.requestAnimationFrame(function () { resizing = false; markScrollers(); });
  });
  // A paginated list holds one page of rows; the filter searches every claim in the
  // compact claims-index.json instead, fetched once, and shows the first matches.
  var LIMIT = 200;
  function filterDirectory(box, table, input, status, pageRows) {
    var body = table.tBodies[0];
    var root = box.getAttribute("data-fc-root");
    var directory = null;
    function show(words) {
      var matches = [];
      directory.claims.forEach(function (row) {
        var text = (row[2] + " " + row[3] + " " + row[5] + " " + row[6]).toLowerCase();
        if (words.every(function (w) { return text.indexOf(w) !== -1; })) { matches.push(row); }
      });
      body.replaceChildren.apply(body, matches.slice(0, LIMIT).map(function (row) {
        return directoryRow(row, root);
      }));
      status.textContent = statusText(box, Math.min(matches.length, LIMIT), matches.length);
    }
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (!words.length) {
        body.replaceChildren.apply(body, pageRows);
        status.textContent = "";
        return;
      }
      if (directory) { show(words); return; }
      fetch(box.getAttribute("data-fc-directory")).then(function (response) {
        return response.json();
      }).then(function (data) {
        directory = data;
        show(input.value.toLowerCase().split(/\s+/).filter(Boolean));
      });
    });
  }
  // Cells are built with textContent: claim text from the JSON is never parsed as HTML.
  function directoryRow(row, root) {
    var tr = document.createElement("tr");
    var link = document.createElement("a");
    link.href = root + row[1];
    link.textContent = row[2];
    var badges = document.getElementById("fc-badges");
    var badge = badges && badges.content.querySelector('[data-verdict="' + CSS.escape(row[4]) + '"]');
    var cells = [link, document.createTextNode(row[3]),
                 badge ? badge.cloneNode(true) : document.createTextNode(row[5]),
                 document.createTextNode(row[6])];
    cells.forEach(function (content) {
      var td = document.createElement("td");
      td.appendChild(content);
      tr.appendChild(td);
    });
    return tr;
  }
  // The box may carry a worded template, e.g. data-fc-status="{shown} of {total} shown",
  // so a screen reader announces words rather than "3 slash 10".
  function statusText(box, shown, total) {
    var template = box.getAttribute("data-fc-status") || "{shown} / {total}";
    return template.replace("{shown}", String(shown)).replace("{total}", String(total));
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
