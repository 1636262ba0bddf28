// Pages the score cards (50 a page) and filters them by the search box.
(function () {
  "use strict";
  var perPage = 50;
  var cards = Array.prototype.slice.call(document.querySelectorAll("#card-list .card"));
  var search = document.getElementById("search");
  var pageLabel = document.getElementById("page");
  var page = 0;
  function matching() {
    var q = search.value.trim().toLowerCase();
    return cards.filter(function (c) { return q === "" || c.getAttribute("data-search").indexOf(q) >= 0; });
  }
  function show() {
    var shown = matching();
    var pages = Math.max(1, Math.ceil(shown.length / perPage));
    page = Math.min(Math.max(page, 0), pages - 1);
    cards.forEach(function (c) { c.classList.add("hidden"); });
    shown.slice(page * perPage, (page + 1) * perPage).forEach(function (c) { c.classList.remove("hidden"); });
    pageLabel.textContent = "side " + (page + 1) + " / " + pages + " (" + shown.length + " kort / cards)";
  }
  search.addEventListener("input", function () { page = 0; show(); });
  document.getElementById("prev").addEventListener("click", function () { page -= 1; show(); });
  document.getElementById("next").addEventListener("click", function () { page += 1; show(); });
  show();
}());
