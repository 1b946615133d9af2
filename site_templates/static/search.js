/* Search over objectives and key results. The index is a script (search-index.js), since a
   page opened from file:// cannot fetch JSON. Results are built with textContent only. */
(function () {
  "use strict";
  var index = window.OKRS_SEARCH_INDEX || [];
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("results");
  document.getElementById("needs-js").hidden = true;
  form.hidden = false;

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function show(query) {
    var wanted = words(query);
    list.textContent = "";
    if (wanted.length === 0) {
      status.textContent = "Type a word of an objective's or key result's title.";
      return;
    }
    var found = index.filter(function (entry) {
      var text = (entry.title + " " + entry.where).toLowerCase();
      return wanted.every(function (w) { return text.indexOf(w) !== -1; });
    });
    status.textContent = found.length + (found.length === 1 ? " result" : " results") +
      " for \u201c" + query + "\u201d.";
    found.forEach(function (entry) {
      var item = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = entry.kind + ": ";
      var link = document.createElement("a");
      link.href = entry.url;
      link.textContent = entry.title;
      var where = document.createElement("span");
      where.className = "detail";
      where.textContent = " (" + entry.where + ")";
      item.appendChild(kind);
      item.appendChild(link);
      item.appendChild(where);
      list.appendChild(item);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
  });
  input.addEventListener("input", function () { show(input.value); });
  var given = new URLSearchParams(window.location.search).get("q");
  if (given) {
    input.value = given;
  }
  show(input.value);
})();
